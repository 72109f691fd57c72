/** @jsxRuntime automatic */
import { Badge } from '../../../components/ui/badge.tsx';
import { IconLogout } from '../../../components/ui/icons.tsx';
import { cn } from '../../../lib/cn.ts';
import { testIds } from '../../../lib/testids.ts';
import { useSession } from '../../auth/hooks/session.tsx';

export function UserMenu() {
  const { user, role, logout } = useSession();
  if (!user) return null;
  const initials = (user.name ?? user.email)
    .split(/[\s@.]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((s) => s[0]?.toUpperCase())
    .join('');
  return (
    <div className="flex items-center gap-2 rounded-lg px-1 py-1" data-testid={testIds.header.userMenu}>
      <span
        className={cn(
          'flex size-7 shrink-0 items-center justify-center rounded-full bg-zinc-200',
          'text-[11px] font-semibold text-zinc-700 dark:bg-zinc-700 dark:text-zinc-200',
        )}
      >
        {initials}
      </span>
      <div className="min-w-0 flex-1">
        <p className="truncate text-xs font-medium" data-testid={testIds.header.userEmail}>
          {user.name ?? user.email}
        </p>
        {role && (
          <Badge tone="muted" className="mt-0.5 !px-1.5 !py-0 text-[10px]" data-testid={testIds.header.role}>
            {role}
          </Badge>
        )}
      </div>
      <button
        type="button"
        onClick={logout}
        className={cn(
          'rounded-md p-1.5 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900',
          'dark:hover:bg-zinc-800 dark:hover:text-zinc-100',
        )}
        aria-label="Sign out"
        title="Sign out"
        data-testid={testIds.header.logout}
      >
        <IconLogout size={16} />
      </button>
    </div>
  );
}
