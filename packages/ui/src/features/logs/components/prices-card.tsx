/** @jsxRuntime automatic */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '../../../components/ui/button.tsx';
import { Card } from '../../../components/ui/card.tsx';
import { Dialog } from '../../../components/ui/dialog.tsx';
import { InlineError } from '../../../components/ui/error-state.tsx';
import { Field, Input } from '../../../components/ui/form.tsx';
import type { PriceModel } from '../../../lib/api/types.ts';
import { testIds } from '../../../lib/testids.ts';
import { settingsApi } from '../../settings/api/settings-api.ts';
import { logKeys, logsApi } from '../api/logs-api.ts';

const usd = (n: number) => `$${n.toFixed(n < 1 ? 2 : 2).replace(/\.00$/, '')}`;

/** The log prices savings are priced with (org settings, else list prices with their source). */
export function PricesCard({ orgId, canEdit }: { orgId: string; canEdit: boolean }) {
  const prices = useQuery({ queryKey: logKeys.prices(orgId), queryFn: ({ signal }) => logsApi.prices(orgId, signal) });
  const [editing, setEditing] = useState(false);
  const p = prices.data?.prices;
  return (
    <Card
      title="Log prices"
      description={
        prices.data?.custom ? 'Your organization’s prices' : 'List prices — edit them to match your contract'
      }
      actions={
        canEdit &&
        prices.data && (
          <Button size="sm" variant="ghost" onClick={() => setEditing(true)}>
            Edit
          </Button>
        )
      }
      data-testid={testIds.logs.prices}
    >
      {p ? (
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1.5 text-xs">
          <dt className="text-zinc-500">Datadog</dt>
          <dd className="tabular-nums">
            {usd(p.datadog.log_ingested_per_gb)}/GB ingested + {usd(p.datadog.log_indexed_per_million)} per million
            events indexed
          </dd>
          <dt className="text-zinc-500">Google Cloud</dt>
          <dd className="tabular-nums">{usd(p.google_cloud.logs_per_gib)}/GiB ingested</dd>
          <dt className="text-zinc-500">Grafana Cloud</dt>
          <dd className="tabular-nums">{usd(p.grafana_cloud.logs_per_gb)}/GB written (30 days kept)</dd>
        </dl>
      ) : (
        <InlineError error={prices.error} />
      )}
      {editing && prices.data && (
        <EditPrices orgId={orgId} initial={prices.data.prices} onClose={() => setEditing(false)} />
      )}
    </Card>
  );
}

function EditPrices({ orgId, initial, onClose }: { orgId: string; initial: PriceModel; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState({
    ddIngest: initial.datadog.log_ingested_per_gb,
    ddIndex: initial.datadog.log_indexed_per_million,
    google: initial.google_cloud.logs_per_gib,
    grafana: initial.grafana_cloud.logs_per_gb,
  });
  const save = useMutation({
    mutationFn: (prices: PriceModel | null) => settingsApi.update(orgId, { prices }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: logKeys.prices(orgId) });
      onClose();
    },
  });
  const num = (v: string) => (v.trim() === '' ? Number.NaN : Number(v));
  const fields: [string, number, (n: number) => void][] = [
    ['Datadog: USD per GB ingested', form.ddIngest, (n) => setForm({ ...form, ddIngest: n })],
    ['Datadog: USD per million events indexed', form.ddIndex, (n) => setForm({ ...form, ddIndex: n })],
    ['Google Cloud: USD per GiB', form.google, (n) => setForm({ ...form, google: n })],
    ['Grafana Cloud: USD per GB', form.grafana, (n) => setForm({ ...form, grafana: n })],
  ];
  const edited: PriceModel = {
    ...initial,
    datadog: { ...initial.datadog, log_ingested_per_gb: form.ddIngest, log_indexed_per_million: form.ddIndex },
    google_cloud: { ...initial.google_cloud, logs_per_gib: form.google },
    grafana_cloud: { ...initial.grafana_cloud, logs_per_gb: form.grafana },
  };
  return (
    <Dialog
      open
      onClose={onClose}
      title="Log prices"
      description="Used for the savings the log studio shows. Negative prices are refused."
      footer={
        <>
          <Button variant="ghost" onClick={() => save.mutate(null)}>
            Reset to list prices
          </Button>
          <Button variant="primary" loading={save.isPending} onClick={() => save.mutate(edited)}>
            Save
          </Button>
        </>
      }
    >
      <div className="grid gap-3 sm:grid-cols-2">
        {fields.map(([label, value, set]) => (
          <Field key={label} label={label}>
            {(id) => (
              <Input
                id={id}
                type="number"
                step="any"
                value={Number.isNaN(value) ? '' : value}
                onChange={(e) => set(num(e.target.value))}
              />
            )}
          </Field>
        ))}
      </div>
      <div className="mt-3">
        <InlineError error={save.error} />
      </div>
    </Dialog>
  );
}
