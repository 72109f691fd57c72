/** @jsxRuntime automatic */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card } from '../../components/ui/card.tsx';
import { ConfirmDialog } from '../../components/ui/confirm-dialog.tsx';
import { Dialog } from '../../components/ui/dialog.tsx';
import { EmptyState } from '../../components/ui/empty-state.tsx';
import { ErrorState, InlineError } from '../../components/ui/error-state.tsx';
import { IconChevronDown, IconChevronRight, IconPlay, IconRefresh } from '../../components/ui/icons.tsx';
import { PageHeader } from '../../components/ui/page-header.tsx';
import { QueryCard } from '../../components/ui/query-card.tsx';
import { PageLoading } from '../../components/ui/spinner.tsx';
import { Table, TBody, Td, Th, THead, Tr } from '../../components/ui/table.tsx';
import { useToast } from '../../components/ui/toast.tsx';
import { dateTime, relativeTime } from '../../lib/format.ts';
import { testIds } from '../../lib/testids.ts';
import { useCan, useOrgId } from '../auth/hooks/session.tsx';
import { webhookKeys, webhooksApi, type Webhook, type WebhookDelivery } from './api/webhooks-api.ts';
import { DeliveryStatusBadge, FormatBadge } from './components/webhook-badges.tsx';
import { SecretOnce } from './components/secret-once.tsx';

export function WebhookDetailPage() {
  const { id = '' } = useParams();
  const orgId = useOrgId();
  const hook = useQuery({
    queryKey: webhookKeys.one(orgId, id),
    queryFn: ({ signal }) => webhooksApi.get(orgId, id, signal),
  });
  if (hook.isPending) return <PageLoading label="Loading webhook…" />;
  if (hook.isError)
    return (
      <div className="space-y-4">
        <BackLink />
        <ErrorState error={hook.error} onRetry={() => void hook.refetch()} />
      </div>
    );
  return <WebhookView webhook={hook.data} />;
}

function BackLink() {
  return (
    <Link to="/settings?tab=webhooks" className="text-xs text-zinc-500 hover:text-zinc-900 dark:hover:text-zinc-100">
      ← Webhooks
    </Link>
  );
}

function WebhookView({ webhook }: { webhook: Webhook }) {
  const orgId = useOrgId();
  const canWrite = useCan('webhooks:write');
  const queryClient = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();
  const [deleting, setDeleting] = useState(false);
  const [rotated, setRotated] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: webhookKeys.all(orgId) });
  const deliveries = useQuery({
    queryKey: webhookKeys.deliveries(orgId, webhook.id),
    queryFn: ({ signal }) => webhooksApi.deliveries(orgId, webhook.id, signal),
    // While something is on its way, follow it.
    refetchInterval: (q) =>
      (q.state.data ?? []).some((d) => d.status === 'pending' || d.status === 'delivering') ? 2000 : 15_000,
  });
  const test = useMutation({
    mutationFn: () => webhooksApi.test(orgId, webhook.id),
    onSuccess: () => {
      toast.success('Test event sent', 'It appears in the deliveries below.');
      setTimeout(() => void refresh(), 600);
    },
  });
  const toggle = useMutation({
    mutationFn: () => webhooksApi.update(orgId, webhook.id, { enabled: !webhook.enabled }),
    onSuccess: () => void refresh(),
  });
  const rotate = useMutation({
    mutationFn: () => webhooksApi.update(orgId, webhook.id, { rotate_secret: true }),
    onSuccess: (w) => {
      setRotated(w.secret ?? null);
      void refresh();
    },
  });

  return (
    <div className="space-y-5" data-testid={testIds.webhooks.detail}>
      <BackLink />
      <PageHeader
        title={webhook.name}
        description={<span className="font-mono text-xs">{webhook.url}</span>}
        actions={
          canWrite && (
            <>
              <Button
                icon={<IconPlay size={14} />}
                onClick={() => test.mutate()}
                loading={test.isPending}
                disabled={!webhook.enabled}
                data-testid={testIds.webhooks.test}
              >
                Send test
              </Button>
              <Button onClick={() => toggle.mutate()} loading={toggle.isPending} data-testid={testIds.webhooks.toggle}>
                {webhook.enabled ? 'Disable' : 'Enable'}
              </Button>
              <Button onClick={() => rotate.mutate()} loading={rotate.isPending} data-testid={testIds.webhooks.rotate}>
                Rotate secret
              </Button>
              <Button variant="danger-ghost" onClick={() => setDeleting(true)} data-testid={testIds.webhooks.remove}>
                Delete
              </Button>
            </>
          )
        }
      />
      <InlineError error={test.error ?? toggle.error ?? rotate.error} />
      <Card>
        <dl className="grid gap-x-8 gap-y-3 text-sm sm:grid-cols-2 lg:grid-cols-4">
          <Item label="Format">
            <FormatBadge format={webhook.format} />
            {webhook.jira && (
              <span className="ml-2 text-xs text-zinc-500">
                project {webhook.jira.project_key} · token {webhook.jira.token_secret}
              </span>
            )}
            {webhook.github && (
              <span className="ml-2 text-xs text-zinc-500">
                {webhook.github.repository} · token {webhook.github.token_secret}
              </span>
            )}
          </Item>
          <Item label="State">
            <Badge tone={webhook.enabled ? 'success' : 'muted'} dot>
              {webhook.enabled ? 'Enabled' : 'Disabled'}
            </Badge>
            {webhook.disabled_reason && <span className="ml-2 text-xs text-zinc-500">{webhook.disabled_reason}</span>}
          </Item>
          <Item label="Events">
            <span className="font-mono text-xs">{webhook.events.join(', ')}</span>
          </Item>
          <Item label="Signing secret">
            <span className="font-mono text-xs">{webhook.secret_hint}</span>
          </Item>
        </dl>
      </Card>
      <QueryCard
        query={deliveries}
        title="Deliveries"
        description="Newest first. A failed attempt is retried with growing delays for 24 hours; a receiver answering 410 disables the webhook."
        actions={
          <Button size="sm" variant="ghost" icon={<IconRefresh size={14} />} onClick={() => void deliveries.refetch()}>
            Refresh
          </Button>
        }
        empty={
          <EmptyState
            className="py-8"
            title="No deliveries yet"
            description="Send a test event, or wait for one of the events it listens to."
          />
        }
        data-testid={testIds.webhooks.deliveries}
      >
        {(list) => <DeliveriesTable webhook={webhook} deliveries={list} canWrite={canWrite} />}
      </QueryCard>
      <ConfirmDialog
        open={deleting}
        title={`Delete “${webhook.name}”?`}
        body={<p>Its delivery log goes with it. Events keep being recorded; nothing is sent to this URL any more.</p>}
        confirmLabel="Delete webhook"
        onClose={() => setDeleting(false)}
        onConfirm={async () => {
          await webhooksApi.remove(orgId, webhook.id);
          await refresh();
          toast.success('Webhook deleted');
          navigate('/settings?tab=webhooks');
        }}
      />
      <Dialog
        open={rotated !== null}
        onClose={() => setRotated(null)}
        size="lg"
        title="New signing secret"
        description="Deliveries from now on are signed with it; the old one no longer verifies."
        footer={
          <Button variant="primary" onClick={() => setRotated(null)} data-testid={testIds.webhooks.secretDone}>
            Done
          </Button>
        }
      >
        {rotated && <SecretOnce secret={rotated} format={webhook.format} />}
      </Dialog>
    </div>
  );
}

function Item({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="mt-1 flex flex-wrap items-center">{children}</dd>
    </div>
  );
}

function DeliveriesTable({
  webhook,
  deliveries,
  canWrite,
}: {
  webhook: Webhook;
  deliveries: WebhookDelivery[];
  canWrite: boolean;
}) {
  const orgId = useOrgId();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState<string | null>(null);
  const redeliver = useMutation({
    mutationFn: (deliveryId: string) => webhooksApi.redeliver(orgId, webhook.id, deliveryId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.deliveries(orgId, webhook.id) }),
  });
  return (
    <>
      <InlineError error={redeliver.error} />
      <Table>
        <THead>
          <tr>
            <Th className="w-8" />
            <Th>Event</Th>
            <Th>Status</Th>
            <Th className="text-right">Attempts</Th>
            <Th>Last error</Th>
            <Th>When</Th>
            {canWrite && <Th className="w-28" />}
          </tr>
        </THead>
        <TBody>
          {deliveries.map((d) => (
            <Fragment key={d.id}>
              <Tr
                data-testid={testIds.webhooks.deliveryRow}
                data-id={d.id}
                data-status={d.status}
                data-event={d.event_type}
              >
                <Td>
                  <button
                    type="button"
                    className="text-zinc-400 hover:text-zinc-700 dark:hover:text-zinc-200"
                    aria-label={open === d.id ? 'Hide attempts' : 'Show attempts'}
                    onClick={() => setOpen(open === d.id ? null : d.id)}
                    data-testid={testIds.webhooks.deliveryExpand}
                  >
                    {open === d.id ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
                  </button>
                </Td>
                <Td>
                  <span className="block max-w-[26rem] truncate text-zinc-900 dark:text-zinc-100" title={d.summary}>
                    {d.summary}
                  </span>
                  <code className="font-mono text-[11px] text-zinc-500">{d.event_type}</code>
                  {d.result && typeof d.result.issue_url === 'string' && (
                    <a
                      href={d.result.issue_url}
                      target="_blank"
                      rel="noreferrer"
                      className="ml-2 text-[11px] text-accent-600 hover:underline"
                    >
                      {String(d.result.issue_key ?? `issue #${String(d.result.issue_number ?? '')}`)}
                    </a>
                  )}
                </Td>
                <Td>
                  <DeliveryStatusBadge status={d.status} code={d.response_code} attempts={d.attempts} />
                  {d.status === 'pending' && d.next_attempt_at && d.attempts > 0 && (
                    <span className="mt-0.5 block text-[11px] text-zinc-500">
                      next {relativeTime(d.next_attempt_at)}
                    </span>
                  )}
                </Td>
                <Td className="text-right tabular-nums">{d.attempts}</Td>
                <Td
                  className="max-w-[18rem] truncate text-xs text-zinc-600 dark:text-zinc-400"
                  title={d.last_error ?? undefined}
                >
                  {d.last_error ?? '—'}
                </Td>
                <Td className="text-xs text-zinc-500" title={dateTime(d.created_at)}>
                  {relativeTime(d.created_at)}
                </Td>
                {canWrite && (
                  <Td className="text-right">
                    {d.status !== 'delivering' && (
                      <Button
                        size="sm"
                        variant="ghost"
                        onClick={() => redeliver.mutate(d.id)}
                        disabled={!webhook.enabled}
                        data-testid={testIds.webhooks.redeliver}
                      >
                        Redeliver
                      </Button>
                    )}
                  </Td>
                )}
              </Tr>
              {open === d.id && (
                <tr>
                  <td colSpan={canWrite ? 7 : 6} className="bg-zinc-50 px-4 py-3 dark:bg-zinc-950/50">
                    <AttemptLog delivery={d} />
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </TBody>
      </Table>
    </>
  );
}

function AttemptLog({ delivery }: { delivery: WebhookDelivery }) {
  if (delivery.attempt_log.length === 0) return <p className="text-xs text-zinc-500">No attempt finished yet.</p>;
  return (
    <table className="w-full text-xs">
      <thead className="text-left text-zinc-500">
        <tr>
          <th className="py-1 pr-4 font-medium">Attempt</th>
          <th className="py-1 pr-4 font-medium">At</th>
          <th className="py-1 pr-4 font-medium">Answer</th>
          <th className="py-1 pr-4 font-medium">Took</th>
          <th className="py-1 font-medium">Error / response</th>
        </tr>
      </thead>
      <tbody>
        {delivery.attempt_log.map((a) => (
          <tr
            key={a.attempt}
            data-testid={testIds.webhooks.attemptRow}
            data-attempt={a.attempt}
            data-code={a.response_code ?? ''}
          >
            <td className="py-1 pr-4 tabular-nums">#{a.attempt}</td>
            <td className="py-1 pr-4 text-zinc-500">{dateTime(a.at)}</td>
            <td className="py-1 pr-4 font-mono">{a.response_code ?? '—'}</td>
            <td className="py-1 pr-4 tabular-nums text-zinc-500">{a.duration_ms} ms</td>
            <td className="py-1 font-mono break-all text-zinc-700 dark:text-zinc-300">
              {a.error ?? a.response_excerpt ?? ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
