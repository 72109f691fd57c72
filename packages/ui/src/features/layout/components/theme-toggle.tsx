/** @jsxRuntime automatic */
import { IconMoon, IconSun } from '../../../components/ui/icons.tsx';
import { cn } from '../../../lib/cn.ts';
import { testIds } from '../../../lib/testids.ts';
import { useTheme } from '../../../lib/theme.tsx';

export function ThemeToggle() {
  const { theme, toggle } = useTheme();
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      onClick={toggle}
      className={cn(
        'rounded-md p-1.5 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900',
        'dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100',
      )}
      aria-label={`Switch to ${next} mode`}
      title={`Switch to ${next} mode`}
      data-testid={testIds.header.themeToggle}
      data-theme={theme}
    >
      {theme === 'dark' ? <IconSun size={16} /> : <IconMoon size={16} />}
    </button>
  );
}
