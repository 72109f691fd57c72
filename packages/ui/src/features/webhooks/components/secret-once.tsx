/** @jsxRuntime automatic */
import { CodeBlock } from '../../../components/ui/code-block.tsx';
import { CopyButton } from '../../../components/ui/copy-button.tsx';
import { IconAlert } from '../../../components/ui/icons.tsx';
import { cn } from '../../../lib/cn.ts';
import { testIds } from '../../../lib/testids.ts';

const VERIFY = `// Node.js: verify a Flowgate delivery before trusting it
import { createHmac, timingSafeEqual } from 'node:crypto';

function verify(rawBody, headers, secret) {
  const expected = 'sha256=' + createHmac('sha256', secret).update(rawBody).digest('hex');
  const given = String(headers['x-flowgate-signature'] ?? '');
  const fresh = Math.abs(Date.now() / 1000 - Number(headers['x-flowgate-timestamp'])) < 300;
  return fresh && given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected))
    && JSON.parse(rawBody).timestamp === Number(headers['x-flowgate-timestamp']);
}`;

/** The signing secret, shown once (after creation or rotation), and how a receiver checks it. */
export function SecretOnce({ secret, format }: { secret: string; format: string }) {
  return (
    <div className="space-y-4">
      <div
        className={cn(
          'flex gap-2 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900',
          'dark:bg-amber-950/40 dark:text-amber-200',
        )}
      >
        <IconAlert size={16} className="mt-0.5 shrink-0" />
        Copy the signing secret now. Flowgate keeps it encrypted to sign deliveries and will not show it again.
      </div>
      <div>
        <p className="mb-1.5 text-xs font-medium text-zinc-600 dark:text-zinc-400">Signing secret</p>
        <div className="flex items-center gap-2 rounded-lg bg-zinc-100 p-2 dark:bg-zinc-800">
          <code className="min-w-0 flex-1 font-mono text-xs break-all" data-testid={testIds.webhooks.secret}>
            {secret}
          </code>
          <CopyButton text={secret} />
        </div>
      </div>
      {format === 'json' ? (
        <CodeBlock code={VERIFY} title="Checking a delivery" maxHeight="16rem" />
      ) : (
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          {format === 'slack'
            ? 'Slack does not check signatures; the secret signs the message all the same (x-flowgate-signature).'
            : 'Issues are created with the API token you chose; the secret is not used for this format.'}
        </p>
      )}
    </div>
  );
}
