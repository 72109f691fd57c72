/** @jsxRuntime automatic */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card } from '../../components/ui/card.tsx';
import { EmptyState } from '../../components/ui/empty-state.tsx';
import { IconBolt, IconPlus } from '../../components/ui/icons.tsx';
import { QueryCard } from '../../components/ui/query-card.tsx';
import { Table, TBody, Td, Th, THead, Tr } from '../../components/ui/table.tsx';
import { dateTime, relativeTime } from '../../lib/format.ts';
import { testIds } from '../../lib/testids.ts';
import { useCan, useOrgId } from '../auth/hooks/session.tsx';
import { webhookKeys, webhooksApi, type Webhook } from './api/webhooks-api.ts';
import { CreateWebhookDialog } from './components/create-webhook-dialog.tsx';
import { DeliveryStatusBadge, FormatBadge } from './components/webhook-badges.tsx';

function EventChips({ events }: { events: string[] }) {
  return (
    <div className="flex flex-wrap gap-1">
      {events.map((e) => (
        <code
          key={e}
          className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-[11px] text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300"
        >
          {e}
        </code>
      ))}
    </div>
  );
}

export function WebhooksSettings() {
  const orgId = useOrgId();
  const canWrite = useCan('webhooks:write');
  const [creating, setCreating] = useState(false);
  const hooks = useQuery({
    queryKey: webhookKeys.list(orgId),
    queryFn: ({ signal }) => webhooksApi.list(orgId, signal),
  });
  const events = useQuery({
    queryKey: webhookKeys.events(orgId),
    queryFn: ({ signal }) => webhooksApi.events(orgId, signal),
    refetchInterval: 15_000,
  });
  const createButton = canWrite && (
    <Button
      variant="primary"
      icon={<IconPlus size={15} />}
      onClick={() => setCreating(true)}
      data-testid={testIds.webhooks.create}
    >
      New webhook
    </Button>
  );

  return (
    <div className="space-y-5">
      <QueryCard
        query={hooks}
        title="Webhooks"
        description="Rollouts, gateways and alerts as they happen — to your endpoint (signed JSON), Slack, Jira or GitHub. Failed deliveries are retried for 24 hours."
        actions={createButton}
        empty={
          <EmptyState
            className="py-8"
            icon={<IconBolt size={20} />}
            title="No webhooks yet"
            description="Hear about a failed rollout in Slack instead of finding it later, or open a Jira or GitHub issue for it."
            actions={createButton}
          />
        }
      >
        {(list: Webhook[]) => (
          <Table data-testid={testIds.webhooks.list}>
            <THead>
              <tr>
                <Th>Name</Th>
                <Th>Format</Th>
                <Th>Events</Th>
                <Th>State</Th>
                <Th>Last delivery</Th>
              </tr>
            </THead>
            <TBody>
              {list.map((w) => (
                <Tr
                  key={w.id}
                  data-testid={testIds.webhooks.row}
                  data-id={w.id}
                  data-name={w.name}
                  data-status={w.enabled ? 'enabled' : 'disabled'}
                >
                  <Td>
                    <Link
                      to={`/settings/webhooks/${w.id}`}
                      className="font-medium text-zinc-900 hover:text-accent-600 dark:text-zinc-100"
                    >
                      {w.name}
                    </Link>
                    <span className="block max-w-[22rem] truncate font-mono text-[11px] text-zinc-500" title={w.url}>
                      {w.url}
                    </span>
                  </Td>
                  <Td>
                    <FormatBadge format={w.format} />
                  </Td>
                  <Td>
                    <EventChips events={w.events} />
                  </Td>
                  <Td title={w.disabled_reason ?? undefined}>
                    <Badge tone={w.enabled ? 'success' : 'muted'} dot>
                      {w.enabled ? 'Enabled' : 'Disabled'}
                    </Badge>
                    {w.disabled_reason && (
                      <span className="mt-0.5 block text-[11px] text-zinc-500">{w.disabled_reason}</span>
                    )}
                  </Td>
                  <Td className="text-xs text-zinc-500">
                    {w.last_delivery ? (
                      <span className="inline-flex items-center gap-2" title={dateTime(w.last_delivery.at)}>
                        <DeliveryStatusBadge status={w.last_delivery.status} code={w.last_delivery.response_code} />
                        {relativeTime(w.last_delivery.at)}
                      </span>
                    ) : (
                      'none yet'
                    )}
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        )}
      </QueryCard>
      <Card
        title="Recent events"
        description="What the organization's webhooks are sent (newest first)."
        padded={false}
      >
        {(events.data ?? []).length === 0 ? (
          <p className="p-4 text-sm text-zinc-500">{events.isPending ? 'Loading…' : 'No events yet.'}</p>
        ) : (
          <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {(events.data ?? []).map((e) => (
              <li key={e.id} className="flex items-baseline gap-3 px-4 py-2 text-sm">
                <span className="w-20 shrink-0 text-xs text-zinc-500" title={dateTime(e.occurred_at)}>
                  {relativeTime(e.occurred_at)}
                </span>
                <code className="w-48 shrink-0 truncate font-mono text-[11px] text-zinc-500">{e.type}</code>
                <span className="min-w-0 flex-1 truncate text-zinc-800 dark:text-zinc-200" title={e.summary}>
                  {e.summary}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <CreateWebhookDialog open={creating} onClose={() => setCreating(false)} />
    </div>
  );
}
