/** @jsxRuntime automatic */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { alertRuleDefaults, alertRuleKindInfo, alertRuleKinds, type AlertRuleKind } from '@flowgate/config-model';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card } from '../../components/ui/card.tsx';
import { EmptyState } from '../../components/ui/empty-state.tsx';
import { InlineError } from '../../components/ui/error-state.tsx';
import { Checkbox, Field, Input, Select } from '../../components/ui/form.tsx';
import { QueryCard } from '../../components/ui/query-card.tsx';
import { Table, TBody, Td, Th, THead, Tr } from '../../components/ui/table.tsx';
import { useToast } from '../../components/ui/toast.tsx';
import { testIds } from '../../lib/testids.ts';
import { useCan, useOrgId } from '../auth/hooks/session.tsx';
import { webhookKeys, webhooksApi, type AlertRule, type AlertRuleParams } from './api/webhooks-api.ts';

type NumberParam = 'minutes' | 'per_minute' | 'percent' | 'window_minutes';
const NUMBER_PARAMS: Record<AlertRuleKind, { key: NumberParam; label: string; unit: string }[]> = {
  gateway_unhealthy: [{ key: 'minutes', label: 'For longer than', unit: 'minutes' }],
  rollout_failed: [],
  send_failures: [
    { key: 'per_minute', label: 'More than', unit: 'failed items / minute' },
    { key: 'minutes', label: 'Over the last', unit: 'minutes' },
  ],
  savings_regressed: [
    { key: 'percent', label: 'Sent out up by more than', unit: '%' },
    { key: 'window_minutes', label: 'Compared over', unit: 'minutes before / after' },
  ],
};

/** "unhealthy or disconnected > 5 min" — a rule's parameters in a few words. */
export function paramsSummary(kind: string, p: AlertRuleParams): string {
  switch (kind) {
    case 'gateway_unhealthy':
      return `longer than ${p.minutes ?? '?'} min`;
    case 'rollout_failed':
      return p.include_paused ? 'failed or paused' : 'failed';
    case 'send_failures':
      return `> ${p.per_minute ?? '?'} failed items/min over ${p.minutes ?? '?'} min`;
    case 'savings_regressed':
      return `out +${p.percent ?? '?'} % over ${p.window_minutes ?? '?'} min`;
    default:
      return '';
  }
}

export function AlertRulesSettings() {
  const orgId = useOrgId();
  const canWrite = useCan('webhooks:write');
  const queryClient = useQueryClient();
  const toast = useToast();
  const rules = useQuery({
    queryKey: webhookKeys.alertRules(orgId),
    queryFn: ({ signal }) => webhooksApi.alertRules(orgId, signal),
  });
  const [name, setName] = useState('');
  const [kind, setKind] = useState<AlertRuleKind>('rollout_failed');
  const [params, setParams] = useState<AlertRuleParams>(alertRuleDefaults.rollout_failed);
  const refresh = () => queryClient.invalidateQueries({ queryKey: webhookKeys.alertRules(orgId) });
  const create = useMutation({
    mutationFn: () => webhooksApi.createAlertRule(orgId, { name: name.trim(), kind, params }),
    onSuccess: (r) => {
      toast.success(`Alert rule ${r.name} created`, 'It records alert.fired events: subscribe a webhook to alert.*');
      setName('');
      void refresh();
    },
  });
  const toggle = useMutation({
    mutationFn: (r: AlertRule) => webhooksApi.updateAlertRule(orgId, r.id, { enabled: !r.enabled }),
    onSuccess: () => void refresh(),
  });
  const remove = useMutation({
    mutationFn: (id: string) => webhooksApi.removeAlertRule(orgId, id),
    onSuccess: () => void refresh(),
  });
  const pickKind = (k: AlertRuleKind) => {
    setKind(k);
    setParams(alertRuleDefaults[k]);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) create.mutate();
  };

  return (
    <div className="space-y-5">
      {canWrite && (
        <Card
          title="New alert rule"
          description="When a rule fires it records an alert.fired event (and alert.resolved when it is over); webhooks on alert.* receive them."
        >
          <form onSubmit={submit} className="space-y-4">
            <div className="grid gap-4 md:grid-cols-[16rem_1fr]">
              <Field label="Name">
                {(id) => (
                  <Input
                    id={id}
                    value={name}
                    maxLength={100}
                    onChange={(e) => setName(e.target.value)}
                    data-testid={testIds.alertRules.createName}
                  />
                )}
              </Field>
              <Field label="When" hint={alertRuleKindInfo[kind].description.replace(/params\./g, '')}>
                {(id) => (
                  <Select
                    id={id}
                    value={kind}
                    onChange={(e) => pickKind(e.target.value as AlertRuleKind)}
                    data-testid={testIds.alertRules.createKind}
                  >
                    {alertRuleKinds.map((k) => (
                      <option key={k} value={k}>
                        {alertRuleKindInfo[k].title}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
            </div>
            <div className="flex flex-wrap items-end gap-4">
              {NUMBER_PARAMS[kind].map((p) => (
                <Field key={p.key} label={p.label} hint={p.unit} className="w-48">
                  {(id) => (
                    <Input
                      id={id}
                      type="number"
                      min={p.key === 'window_minutes' ? 5 : p.key === 'per_minute' ? 0 : 1}
                      value={params[p.key] ?? ''}
                      onChange={(e) =>
                        setParams({ ...params, [p.key]: e.target.value === '' ? undefined : Number(e.target.value) })
                      }
                      data-testid={testIds.alertRules.param}
                      data-param={p.key}
                    />
                  )}
                </Field>
              ))}
              {kind === 'rollout_failed' && (
                <Checkbox
                  label="Also when someone pauses a rollout"
                  checked={params.include_paused === true}
                  onChange={(e) => setParams({ ...params, include_paused: e.target.checked })}
                  data-testid={testIds.alertRules.param}
                  data-param="include_paused"
                />
              )}
              <Button
                type="submit"
                variant="primary"
                className="ml-auto"
                loading={create.isPending}
                disabled={!name.trim()}
                data-testid={testIds.alertRules.createSubmit}
              >
                Create rule
              </Button>
            </div>
            <InlineError error={create.error} />
          </form>
        </Card>
      )}
      <QueryCard
        query={rules}
        title="Alert rules"
        empty={
          <EmptyState
            className="py-8"
            title="No alert rules"
            description="Create one to be told when gateways go away, rollouts fail, exporters fail or savings regress."
          />
        }
      >
        {(list) => (
          <Table data-testid={testIds.alertRules.list}>
            <THead>
              <tr>
                <Th>Name</Th>
                <Th>When</Th>
                <Th>Firing</Th>
                <Th>State</Th>
                {canWrite && <Th className="w-40" />}
              </tr>
            </THead>
            <TBody>
              {list.map((r) => (
                <Tr
                  key={r.id}
                  data-testid={testIds.alertRules.row}
                  data-id={r.id}
                  data-name={r.name}
                  data-kind={r.kind}
                  data-enabled={String(r.enabled)}
                >
                  <Td className="font-medium">{r.name}</Td>
                  <Td>
                    {alertRuleKindInfo[r.kind as AlertRuleKind]?.title ?? r.kind}
                    <span className="block text-[11px] text-zinc-500">{paramsSummary(r.kind, r.params)}</span>
                  </Td>
                  <Td>
                    {r.firing > 0 ? (
                      <Badge tone="danger" dot pulse>
                        {r.firing} firing
                      </Badge>
                    ) : (
                      <span className="text-xs text-zinc-500">—</span>
                    )}
                  </Td>
                  <Td>
                    <Badge tone={r.enabled ? 'success' : 'muted'} dot>
                      {r.enabled ? 'On' : 'Off'}
                    </Badge>
                  </Td>
                  {canWrite && (
                    <Td className="text-right">
                      <Button
                        size="sm"
                        variant="ghost"
                        onClick={() => toggle.mutate(r)}
                        data-testid={testIds.alertRules.toggle}
                      >
                        {r.enabled ? 'Turn off' : 'Turn on'}
                      </Button>
                      <Button
                        size="sm"
                        variant="danger-ghost"
                        onClick={() => remove.mutate(r.id)}
                        data-testid={testIds.alertRules.remove}
                      >
                        Delete
                      </Button>
                    </Td>
                  )}
                </Tr>
              ))}
            </TBody>
          </Table>
        )}
      </QueryCard>
    </div>
  );
}
