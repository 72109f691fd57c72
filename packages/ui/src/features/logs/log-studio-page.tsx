/** @jsxRuntime automatic */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Card, StatCard } from '../../components/ui/card.tsx';
import { EmptyState } from '../../components/ui/empty-state.tsx';
import { ErrorState } from '../../components/ui/error-state.tsx';
import { IconSearch } from '../../components/ui/icons.tsx';
import { PageHeader } from '../../components/ui/page-header.tsx';
import type { MinePatternsBody, MinePatternsResult, PreviewLogsBody } from '../../lib/api/types.ts';
import { compactNumber, duration } from '../../lib/format.ts';
import { testIds } from '../../lib/testids.ts';
import { useCan, useOrgId } from '../auth/hooks/session.tsx';
import { logKeys, logsApi } from './api/logs-api.ts';
import { ActionsPanel } from './components/actions-panel.tsx';
import { PatternDetail } from './components/pattern-detail.tsx';
import { PatternTable } from './components/pattern-table.tsx';
import { PreviewResult } from './components/preview-result.tsx';
import { PricesCard } from './components/prices-card.tsx';
import { SampleSource, type SampleRequest } from './components/sample-source.tsx';
import { SaveTemplateDialog } from './components/save-template-dialog.tsx';
import { formatBytes, redactEverywhere, upsertAction, type StudioAction } from './model.ts';

/** What the patterns were mined from, sent again with a preview. */
type SampleRef = Pick<MinePatternsBody, 'sample_id' | 'content' | 'format' | 'window_seconds'>;

export function LogStudioPage() {
  const orgId = useOrgId();
  const canWrite = useCan('templates:write');
  const canEditPrices = useCan('settings:write');
  const queryClient = useQueryClient();
  const [sample, setSample] = useState<SampleRef | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [names, setNames] = useState<Record<string, Record<number, string>>>({});
  const [actions, setActions] = useState<StudioAction[]>([]);
  const [saving, setSaving] = useState(false);

  const mine = useMutation({
    mutationFn: async (request: SampleRequest): Promise<{ ref: SampleRef; result: MinePatternsResult }> => {
      const window = request.windowSeconds !== undefined ? { window_seconds: request.windowSeconds } : {};
      let ref: SampleRef;
      if (request.kind === 'saved') ref = { sample_id: request.sampleId, ...window };
      else if (request.kind === 'gateway') {
        const saved = await logsApi.createSample(orgId, { gateway_id: request.gatewayId, ...window });
        ref = { sample_id: saved.id, ...window };
      } else {
        const format = request.format === 'auto' ? {} : { format: request.format };
        if (canWrite) {
          // Editors keep what they mined: the sample is saved once and previews refer to it.
          const saved = await logsApi.createSample(orgId, {
            content: request.content,
            ...format,
            ...window,
            ...(request.name ? { name: request.name } : {}),
          });
          ref = { sample_id: saved.id, ...window };
          void queryClient.invalidateQueries({ queryKey: logKeys.samples(orgId) });
        } else ref = { content: request.content, ...format, ...window };
      }
      return { ref, result: await logsApi.mine(orgId, ref) };
    },
    onSuccess: ({ ref, result }) => {
      setSample(ref);
      setSelected(result.patterns[0]?.id ?? null);
      setActions([]);
      setNames({});
      preview.reset();
    },
  });
  const preview = useMutation({
    mutationFn: (body: PreviewLogsBody) => logsApi.preview(orgId, body),
  });
  const result = mine.data?.result;
  const pattern = result?.patterns.find((p) => p.id === selected) ?? null;
  const addAction = (a: StudioAction) => {
    setActions((list) => upsertAction(list, a));
    preview.reset();
  };

  return (
    <div className="space-y-5" data-testid={testIds.logs.page}>
      <PageHeader
        title="Log studio"
        description={
          'Find the patterns in a sample of your logs, act on the largest — drop, sample, parse, redact, ' +
          'turn into a metric — and see what the gateway would send, run through the real collector, before you deploy.'
        }
      />
      <div className="grid gap-5 lg:grid-cols-[minmax(0,26rem)_1fr]">
        <SampleSource orgId={orgId} busy={mine.isPending} error={mine.error} onMine={(r) => mine.mutate(r)} />
        <div className="space-y-5">
          <div className="grid grid-cols-2 gap-3 xl:grid-cols-4" data-testid={testIds.logs.summary}>
            <StatCard label="Lines" value={result ? compactNumber(result.lines) : '—'} />
            <StatCard label="Bytes" value={result ? formatBytes(result.bytes) : '—'} />
            <StatCard
              label="Patterns"
              value={result ? compactNumber(result.patterns.length) : '—'}
              hint={result ? `top 5 hold ${shareOfTop(result, 5)}` : undefined}
            />
            <StatCard
              label="Period covered"
              value={result?.window_seconds ? duration(Math.round(result.window_seconds)) : '—'}
              hint={result && !result.window_seconds ? 'no timestamps: give it to price savings' : undefined}
            />
          </div>
          {result && result.sample.notes.length > 0 && (
            <Card data-testid={testIds.logs.notes}>
              <ul className="list-disc space-y-0.5 pl-5 text-xs text-zinc-600 dark:text-zinc-400">
                {result.sample.notes.map((n) => (
                  <li key={n}>{n}</li>
                ))}
              </ul>
            </Card>
          )}
          <PricesCard orgId={orgId} canEdit={canEditPrices} />
        </div>
      </div>

      {result ? (
        <>
          <Card
            title="Patterns"
            description="Largest first. Pick one to see its variables and act on it."
            padded={false}
          >
            <PatternTable patterns={result.patterns} selected={selected} actions={actions} onSelect={setSelected} />
          </Card>
          <div className="grid gap-5 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
            {pattern ? (
              <PatternDetail
                key={pattern.id}
                orgId={orgId}
                pattern={pattern}
                names={names[pattern.id] ?? {}}
                canWrite={canWrite}
                onNames={(n) => setNames({ ...names, [pattern.id]: n })}
                onAction={addAction}
              />
            ) : (
              <Card>
                <EmptyState className="py-8" title="Pick a pattern" />
              </Card>
            )}
            <ActionsPanel
              orgId={orgId}
              actions={actions}
              canWrite={canWrite}
              previewing={preview.isPending}
              onRemove={(key) => {
                setActions(actions.filter((a) => a.key !== key));
                preview.reset();
              }}
              onRedactAll={() => addAction(redactEverywhere())}
              onPreview={() => sample && preview.mutate({ ...sample, blocks: actions.map((a) => a.block) })}
              onSave={() => setSaving(true)}
            />
          </div>
          {preview.isError && (
            <div data-testid={testIds.logs.previewError}>
              <ErrorState error={preview.error} title="The preview did not complete" />
            </div>
          )}
          {preview.data && <PreviewResult result={preview.data} />}
        </>
      ) : (
        <Card>
          <EmptyState
            icon={<IconSearch size={20} />}
            title="Start with a sample"
            description={
              'Paste a few thousand lines, upload a log file or pick a saved sample. Most of a log bill is a ' +
              'handful of repetitive patterns: they show up at the top.'
            }
          />
        </Card>
      )}
      {saving && (
        <SaveTemplateDialog orgId={orgId} blocks={actions.map((a) => a.block)} onClose={() => setSaving(false)} />
      )}
    </div>
  );
}

function shareOfTop(result: MinePatternsResult, n: number): string {
  const share = result.patterns.slice(0, n).reduce((s, p) => s + p.share, 0);
  return `${Math.round(share * 100)}% of bytes`;
}
