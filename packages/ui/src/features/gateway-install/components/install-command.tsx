/** @jsxRuntime automatic */
import { useQuery } from '@tanstack/react-query';
import { gatewayInstallCommand } from '@flowgate/config-model';
import { CopyButton } from '../../../components/ui/copy-button.tsx';
import { IconAlert, IconChevronRight } from '../../../components/ui/icons.tsx';
import { cn } from '../../../lib/cn.ts';
import { testIds } from '../../../lib/testids.ts';
import { gatewayInstallApi, gatewayInstallKeys } from '../api/gateway-install-api.ts';

const OPTIONS: [string, string][] = [
  ['--name NAME', 'the name shown here (default: the host name)'],
  ['--dir DIR', 'install directory, default /opt/flowgate-gateway (identity kept in DIR/state)'],
  ['--otlp-grpc-endpoint H:P', 'OTLP/gRPC listen address, default 0.0.0.0:4317'],
  ['--otlp-http-endpoint H:P', 'OTLP/HTTP listen address, default 0.0.0.0:4318'],
  ['--metrics-port P', "the collector's own metrics port, default 8888"],
  ['--no-service', 'run in the foreground instead of a systemd service'],
  ['--force', 'replace an existing install in DIR, keeping its identity'],
];

/**
 * The one-line install for a new host (`curl -fsSL <server>/install.sh | sh -s -- --registration-token …`),
 * with the server's own URL (FLOWGATE_PUBLIC_URL when set) and a warning when the server has no gateway
 * build for the script to download.
 */
export function InstallCommand({
  token = '<token>',
  name,
  testId = testIds.gatewayInstall.command,
  showOptions = true,
}: {
  token?: string;
  name?: string;
  testId?: string;
  showOptions?: boolean;
}) {
  const info = useQuery({
    queryKey: gatewayInstallKeys.info,
    queryFn: ({ signal }) => gatewayInstallApi.info(signal),
    staleTime: 60_000,
  });
  const serverUrl = info.data?.server_url ?? window.location.origin;
  const command = gatewayInstallCommand(serverUrl, token, { name });
  return (
    <div className="space-y-2" data-testid={testIds.gatewayInstall.block}>
      <div
        className={cn(
          'flex items-center gap-2 rounded-lg bg-zinc-950 py-2 pr-2 pl-3 font-mono text-xs text-zinc-100',
          'dark:bg-black',
        )}
      >
        <code className="min-w-0 flex-1 [overflow-wrap:anywhere]" data-testid={testId}>
          <span className="text-zinc-500 select-none">$ </span>
          {command}
        </code>
        <CopyButton text={command} variant="secondary" />
      </div>
      {info.data && !info.data.build_available && (
        <p
          className={cn(
            'flex gap-2 rounded-lg bg-amber-50 px-3 py-2 text-xs text-amber-900',
            'dark:bg-amber-950/40 dark:text-amber-200',
          )}
          data-testid={testIds.gatewayInstall.buildMissing}
        >
          <IconAlert size={14} className="mt-0.5 shrink-0" />
          <span>
            This server has no gateway build yet, so the script will stop before installing anything. Build it on the
            server with <code className="font-mono">npm run gateway:build</code> (the control-plane image ships one).
          </span>
        </p>
      )}
      <p className="text-xs text-zinc-500 dark:text-zinc-400">
        Run it as root on a Linux host (amd64 or arm64) that needs only <code className="font-mono">curl</code> and{' '}
        <code className="font-mono">tar</code>: it downloads the gateway from this server, checks its sha256, registers
        it and starts it as a systemd service.
        {info.data && info.data.platforms.length > 0 && (
          <span data-testid={testIds.gatewayInstall.platforms}>
            {' '}
            Builds here:{' '}
            {info.data.platforms.map((p, i) => (
              <span key={p.id} className="font-mono whitespace-nowrap">
                {i > 0 && ', '}
                {p.id}
              </span>
            ))}
            .
          </span>
        )}
      </p>
      {showOptions && (
        <details
          className="group text-xs text-zinc-600 dark:text-zinc-400"
          data-testid={testIds.gatewayInstall.options}
        >
          <summary className="inline-flex cursor-pointer list-none items-center gap-1 font-medium text-zinc-700 select-none dark:text-zinc-300">
            <IconChevronRight size={12} className="transition-transform group-open:rotate-90" />
            Options
          </summary>
          <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
            {OPTIONS.map(([flag, what]) => (
              <div key={flag} className="contents">
                <dt className="font-mono whitespace-nowrap text-zinc-800 dark:text-zinc-200">{flag}</dt>
                <dd>{what}</dd>
              </div>
            ))}
          </dl>
        </details>
      )}
    </div>
  );
}
