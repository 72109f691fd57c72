/** @jsxRuntime automatic */
import type { ReactNode } from 'react';
import { ButtonLink } from '../../../components/ui/button.tsx';
import { IconKey } from '../../../components/ui/icons.tsx';
import { cn } from '../../../lib/cn.ts';
import { testIds } from '../../../lib/testids.ts';
import { InstallCommand } from '../../gateway-install/components/install-command.tsx';

/** The three steps from nothing to a live gateway, with the exact command to run. */
export function StartGatewayGuide({ canCreateToken }: { canCreateToken: boolean }) {
  return (
    <ol className="space-y-4" data-testid={testIds.agents.emptyOnboarding}>
      <Step n={1} title="Create a registration token">
        <p>A registration token lets a new gateway enrol itself into this organization. It is shown once.</p>
        {canCreateToken ? (
          <ButtonLink to="/tokens?create=1" variant="primary" size="sm" className="mt-2" icon={<IconKey size={14} />}>
            Create a token
          </ButtonLink>
        ) : (
          <p className="mt-1 text-zinc-500">Ask an owner or admin of this organization for one.</p>
        )}
      </Step>
      <Step n={2} title="Start a gateway with it">
        <p>On any Linux host that can reach this server, run (with the token in place of &lt;token&gt;):</p>
        <div className="mt-2">
          <InstallCommand testId={testIds.agents.startCommand} />
        </div>
        <p className="mt-2 text-zinc-500">
          Already run the OpenTelemetry supervisor? Generate its config on the{' '}
          <a className="font-medium text-accent-600 hover:underline dark:text-accent-400" href="/tokens#supervisor">
            tokens page
          </a>
          .
        </p>
      </Step>
      <Step n={3} title="Watch it appear">
        <p>The gateway shows up in this list within seconds — no reload needed.</p>
      </Step>
    </ol>
  );
}

function Step({ n, title, children }: { n: number; title: string; children: ReactNode }) {
  return (
    <li className="flex gap-3">
      <span
        className={cn(
          'flex size-6 shrink-0 items-center justify-center',
          'rounded-full bg-accent-600 text-xs font-semibold text-white',
        )}
      >
        {n}
      </span>
      <div className="min-w-0 flex-1 text-sm text-zinc-700 dark:text-zinc-300">
        <p className="font-medium text-zinc-900 dark:text-zinc-100">{title}</p>
        <div className="mt-0.5">{children}</div>
      </div>
    </li>
  );
}
