/** @jsxRuntime automatic */
import { Suspense } from 'react';
import { NavLink, Outlet } from 'react-router-dom';
import {
  IconDashboard,
  IconKey,
  IconRocket,
  IconSearch,
  IconServer,
  IconSettings,
  IconTemplate,
} from '../../components/ui/icons.tsx';
import { PageLoading } from '../../components/ui/spinner.tsx';
import { cn } from '../../lib/cn.ts';
import { testIds } from '../../lib/testids.ts';
import { useSession } from '../auth/hooks/session.tsx';
import { useLiveEvents } from '../live/hooks/use-live-events.ts';
import { BrandMark } from './components/brand-mark.tsx';
import { LiveIndicator } from './components/live-indicator.tsx';
import { OrgSwitcher } from './components/org-switcher.tsx';
import { ThemeToggle } from './components/theme-toggle.tsx';
import { UserMenu } from './components/user-menu.tsx';
import { IconBackend } from '../backends/components/icon-backend.tsx';

const nav = [
  { to: '/', label: 'Dashboard', icon: IconDashboard, testId: testIds.nav.dashboard, end: true },
  { to: '/agents', label: 'Agents', icon: IconServer, testId: testIds.nav.agents },
  { to: '/templates', label: 'Templates', icon: IconTemplate, testId: testIds.nav.templates },
  { to: '/deployments', label: 'Deployments', icon: IconRocket, testId: testIds.nav.deployments },
  // ── backend presets ──
  { to: '/backends', label: 'Backends', icon: IconBackend, testId: testIds.backends.nav },
  { to: '/usage', label: 'Usage', icon: IconSearch, testId: testIds.nav.usage },
  { to: '/tokens', label: 'Registration tokens', icon: IconKey, testId: testIds.nav.tokens },
  { to: '/settings', label: 'Settings', icon: IconSettings, testId: testIds.nav.settings },
];

export function AppLayout() {
  const { orgId } = useSession();
  const live = useLiveEvents(orgId);
  return (
    <div className="flex h-screen overflow-hidden" data-testid={testIds.app.shell}>
      <aside
        className="flex w-56 shrink-0 flex-col border-r border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900"
        data-testid={testIds.nav.sidebar}
      >
        <div className="flex h-14 items-center px-4">
          <BrandMark />
        </div>
        <div className="px-3 pb-3">
          <OrgSwitcher />
        </div>
        <nav className="flex-1 space-y-0.5 px-3" aria-label="Main">
          {nav.map(({ to, label, icon: Icon, testId, end }) => (
            <NavLink
              key={to}
              to={to}
              end={end}
              data-testid={testId}
              className={({ isActive }) =>
                cn(
                  'flex items-center gap-2.5 rounded-lg px-2.5 py-1.5 text-sm font-medium transition-colors',
                  isActive
                    ? 'bg-accent-50 text-accent-700 dark:bg-accent-950/60 dark:text-accent-300'
                    : 'text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 ' +
                        'dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100',
                )
              }
            >
              <Icon size={17} />
              {label}
            </NavLink>
          ))}
        </nav>
        <div className="space-y-1 border-t border-zinc-200 p-3 dark:border-zinc-800">
          <div className="flex items-center justify-between px-1">
            <LiveIndicator status={live} />
            <ThemeToggle />
          </div>
          <UserMenu />
        </div>
      </aside>
      <main className="min-w-0 flex-1 overflow-y-auto">
        <div className="mx-auto max-w-[1400px] px-6 py-6">
          <Suspense fallback={<PageLoading />}>
            <Outlet />
          </Suspense>
        </div>
      </main>
    </div>
  );
}
