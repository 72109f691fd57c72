/** @jsxRuntime automatic */
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button.tsx';
import { Card } from '../../../components/ui/card.tsx';
import { InlineError } from '../../../components/ui/error-state.tsx';
import { Field, Input, Segmented, Select, Textarea } from '../../../components/ui/form.tsx';
import { IconBolt } from '../../../components/ui/icons.tsx';
import { gatewaysApi } from '../../agents/api/gateways-api.ts';
import { dateTime } from '../../../lib/format.ts';
import { testIds } from '../../../lib/testids.ts';
import { logKeys, logsApi } from '../api/logs-api.ts';
import { formatBytes } from '../model.ts';

export type SourceMode = 'paste' | 'upload' | 'saved' | 'gateway';
export type SampleFormatChoice = 'auto' | 'text' | 'jsonl' | 'otlp_json';

/** What the user chose: content to send (and maybe save), a saved sample, or a gateway to sample. */
export type SampleRequest =
  | { kind: 'content'; content: string; format: SampleFormatChoice; windowSeconds?: number; name?: string }
  | { kind: 'saved'; sampleId: string; windowSeconds?: number }
  | { kind: 'gateway'; gatewayId: string; windowSeconds?: number };

const MAX_UPLOAD_BYTES = 32 * 1024 * 1024;

export function SampleSource({
  orgId,
  busy,
  error,
  onMine,
}: {
  orgId: string;
  busy: boolean;
  error: unknown;
  onMine: (request: SampleRequest) => void;
}) {
  const [mode, setMode] = useState<SourceMode>('paste');
  const [content, setContent] = useState('');
  const [format, setFormat] = useState<SampleFormatChoice>('auto');
  const [minutes, setMinutes] = useState('');
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [sampleId, setSampleId] = useState('');
  const [gatewayId, setGatewayId] = useState('');
  const samples = useQuery({
    queryKey: logKeys.samples(orgId),
    queryFn: ({ signal }) => logsApi.samples(orgId, signal),
    enabled: mode === 'saved',
  });
  const gateways = useQuery({
    queryKey: ['org', orgId, 'logs', 'gateways'],
    queryFn: ({ signal }) => gatewaysApi.list(orgId, {}, undefined, signal),
    enabled: mode === 'gateway',
  });
  const windowSeconds = minutes.trim() && Number(minutes) > 0 ? Number(minutes) * 60 : undefined;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (mode === 'paste') onMine({ kind: 'content', content, format, windowSeconds });
    else if (mode === 'upload' && file)
      onMine({ kind: 'content', content: file.text, format, windowSeconds, name: file.name });
    else if (mode === 'saved' && sampleId) onMine({ kind: 'saved', sampleId, windowSeconds });
    else if (mode === 'gateway' && gatewayId) onMine({ kind: 'gateway', gatewayId, windowSeconds });
  };
  const ready =
    (mode === 'paste' && content.trim().length > 0) ||
    (mode === 'upload' && file !== null) ||
    (mode === 'saved' && sampleId !== '') ||
    (mode === 'gateway' && gatewayId !== '');

  return (
    <Card title="Sample" description="Lines are masked for credentials and bounded to 100,000 lines (16 MiB).">
      <form onSubmit={submit} className="space-y-4">
        <Segmented<SourceMode>
          label="Sample source"
          value={mode}
          onChange={setMode}
          options={[
            { value: 'paste', label: 'Paste', testId: testIds.logs.sourcePaste },
            { value: 'upload', label: 'Upload', testId: testIds.logs.sourceUpload },
            { value: 'saved', label: 'Saved', testId: testIds.logs.sourceSaved },
            { value: 'gateway', label: 'Gateway', testId: testIds.logs.sourceGateway },
          ]}
        />
        {mode === 'paste' && (
          <Field label="Log lines" hint="Plain lines, JSON lines or an OTLP/JSON export.">
            {(id) => (
              <Textarea
                id={id}
                rows={8}
                spellCheck={false}
                className="font-mono text-xs"
                placeholder={'2026-01-05T10:00:00Z INFO request served in 12ms\n…'}
                value={content}
                onChange={(e) => setContent(e.target.value)}
                data-testid={testIds.logs.content}
              />
            )}
          </Field>
        )}
        {mode === 'upload' && (
          <Field
            label="Log file"
            hint={fileError ?? (file ? `${file.name} · ${formatBytes(file.text.length)}` : 'Up to 32 MiB')}
          >
            {(id) => (
              <Input
                id={id}
                type="file"
                accept=".log,.txt,.json,.jsonl,.ndjson,text/plain,application/json"
                data-testid={testIds.logs.file}
                onChange={async (e) => {
                  const f = e.target.files?.[0];
                  setFileError(null);
                  setFile(null);
                  if (!f) return;
                  if (f.size > MAX_UPLOAD_BYTES) {
                    setFileError(`${f.name} is ${formatBytes(f.size)}: upload at most 32 MiB`);
                    return;
                  }
                  setFile({ name: f.name, text: await f.text() });
                }}
              />
            )}
          </Field>
        )}
        {mode === 'saved' && (
          <Field label="Saved sample">
            {(id) => (
              <Select
                id={id}
                value={sampleId}
                onChange={(e) => setSampleId(e.target.value)}
                data-testid={testIds.logs.savedSelect}
              >
                <option value="">
                  {samples.isPending ? 'Loading…' : samples.data?.length ? 'Choose a sample' : 'No saved samples'}
                </option>
                {(samples.data ?? []).map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name} · {s.lines.toLocaleString('en')} lines · {dateTime(s.created_at)}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        )}
        {mode === 'gateway' && (
          <Field label="Gateway" hint="A live sample of the gateway's logs pipeline.">
            {(id) => (
              <Select
                id={id}
                value={gatewayId}
                onChange={(e) => setGatewayId(e.target.value)}
                data-testid={testIds.logs.gatewaySelect}
              >
                <option value="">{gateways.isPending ? 'Loading…' : 'Choose a gateway'}</option>
                {(gateways.data?.items ?? []).map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        )}
        <div className="grid grid-cols-2 gap-3">
          {(mode === 'paste' || mode === 'upload') && (
            <Field label="Format">
              {(id) => (
                <Select
                  id={id}
                  value={format}
                  onChange={(e) => setFormat(e.target.value as SampleFormatChoice)}
                  data-testid={testIds.logs.format}
                >
                  <option value="auto">Detect</option>
                  <option value="text">Plain lines</option>
                  <option value="jsonl">JSON lines</option>
                  <option value="otlp_json">OTLP/JSON</option>
                </Select>
              )}
            </Field>
          )}
          <Field label="Period covered (min)" hint="Default: from the timestamps">
            {(id) => (
              <Input
                id={id}
                type="number"
                min={0}
                step="any"
                value={minutes}
                placeholder="auto"
                onChange={(e) => setMinutes(e.target.value)}
                data-testid={testIds.logs.window}
              />
            )}
          </Field>
        </div>
        <div data-testid={testIds.logs.sourceError}>
          <InlineError error={error} />
        </div>
        <Button
          type="submit"
          variant="primary"
          icon={<IconBolt size={14} />}
          loading={busy}
          disabled={!ready}
          data-testid={testIds.logs.mine}
        >
          Find patterns
        </Button>
      </form>
    </Card>
  );
}
