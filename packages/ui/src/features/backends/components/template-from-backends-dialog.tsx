/** @jsxRuntime automatic */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { Button } from '../../../components/ui/button.tsx';
import { Dialog } from '../../../components/ui/dialog.tsx';
import { InlineError } from '../../../components/ui/error-state.tsx';
import { Checkbox, Field, Input } from '../../../components/ui/form.tsx';
import { useToast } from '../../../components/ui/toast.tsx';
import { ApiError } from '../../../lib/api/api-error.ts';
import { testIds } from '../../../lib/testids.ts';
import { backendsApi, type Backend, type Signal } from '../api/backends-api.ts';

const allSignals: Signal[] = ['metrics', 'logs', 'traces'];

/** "Create template from these backends": composes them into a validated template, then opens it. */
export function TemplateFromBackendsDialog({
  orgId,
  backends,
  open,
  onClose,
}: {
  orgId: string;
  backends: Backend[];
  open: boolean;
  onClose: () => void;
}) {
  const [name, setName] = useState('');
  const [signals, setSignals] = useState<Signal[] | null>(null);
  const navigate = useNavigate();
  const toast = useToast();
  const queryClient = useQueryClient();
  const offered = allSignals.filter((s) => backends.some((b) => b.signals.includes(s)));
  const create = useMutation({
    mutationFn: () =>
      backendsApi.templateFromBackends(orgId, {
        name: name.trim(),
        backend_ids: backends.map((b) => b.id),
        ...(signals ? { signals } : {}),
      }),
    onSuccess: (r) => {
      void queryClient.invalidateQueries({ queryKey: ['org', orgId, 'templates'] });
      const skipped = r.validation.warnings.some((w) => w.code === 'COLLECTOR_CHECK_SKIPPED');
      toast.success(
        `Template ${r.template.name} created`,
        skipped ? "Structure valid — the collector's own check did not run" : 'Validated by the collector',
      );
      navigate(`/templates/${r.template.id}`);
    },
  });
  const problems =
    create.error instanceof ApiError
      ? ((create.error.details as { problems?: { path: string; message: string; code: string }[] } | null)?.problems ??
        [])
      : [];
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Create template from backends"
      description={`A collector configuration with OTLP receivers, memory_limiter, batch and one pipeline per signal, sending to: ${backends.map((b) => b.name).join(', ')}.`}
      data-testid={testIds.backends.templateDialog}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            variant="primary"
            disabled={!name.trim() || create.isPending || (signals !== null && signals.length === 0)}
            onClick={() => create.mutate()}
            data-testid={testIds.backends.templateSubmit}
          >
            Create template
          </Button>
        </>
      }
    >
      <div className="space-y-4">
        <Field label="Template name">
          {(id) => (
            <Input
              id={id}
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="gateway-backends"
              data-testid={testIds.backends.templateName}
            />
          )}
        </Field>
        <div className="space-y-1.5">
          <div className="text-xs font-medium text-zinc-700 dark:text-zinc-300">Signals</div>
          <div className="flex gap-4">
            {offered.map((s) => (
              <Checkbox
                key={s}
                label={s}
                checked={signals === null || signals.includes(s)}
                onChange={(e) => {
                  const current = signals ?? offered;
                  setSignals(e.target.checked ? [...current, s] : current.filter((x) => x !== s));
                }}
              />
            ))}
          </div>
          <p className="text-xs text-zinc-500 dark:text-zinc-400">
            Each backend gets the signals it takes; a signal one of them does not take is refused.
          </p>
        </div>
        {problems.length > 0 ? (
          <ul className="space-y-1 text-xs text-red-700 dark:text-red-400">
            {problems.map((p, i) => (
              <li key={i}>
                {p.message} <span className="font-mono text-zinc-500">{p.path}</span>
              </li>
            ))}
          </ul>
        ) : (
          create.error && <InlineError error={create.error} />
        )}
      </div>
    </Dialog>
  );
}
