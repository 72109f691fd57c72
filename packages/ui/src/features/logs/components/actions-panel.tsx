/** @jsxRuntime automatic */
import { useQuery } from '@tanstack/react-query';
import { Badge } from '../../../components/ui/badge.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Card } from '../../../components/ui/card.tsx';
import { CodeBlock } from '../../../components/ui/code-block.tsx';
import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { InlineError } from '../../../components/ui/error-state.tsx';
import { IconFlow, IconPlay, IconPlus, IconTrash } from '../../../components/ui/icons.tsx';
import { Spinner } from '../../../components/ui/spinner.tsx';
import { testIds } from '../../../lib/testids.ts';
import { logKeys, logsApi } from '../api/logs-api.ts';
import { ACTION_LABELS, type StudioAction } from '../model.ts';

export function ActionsPanel({
  orgId,
  actions,
  canWrite,
  previewing,
  onRemove,
  onRedactAll,
  onPreview,
  onSave,
}: {
  orgId: string;
  actions: StudioAction[];
  canWrite: boolean;
  previewing: boolean;
  onRemove: (key: string) => void;
  onRedactAll: () => void;
  onPreview: () => void;
  onSave: () => void;
}) {
  const blocks = actions.map((a) => a.block);
  const rendered = useQuery({
    queryKey: logKeys.render(orgId, blocks),
    queryFn: ({ signal }) => logsApi.render(orgId, blocks, signal),
    enabled: blocks.length > 0,
    placeholderData: (previous) => previous,
  });

  return (
    <Card
      title="Actions"
      description="Each action is a building block rendered to standard collector processors."
      actions={
        canWrite && (
          <Button
            size="sm"
            variant="ghost"
            icon={<IconPlus size={13} />}
            onClick={onRedactAll}
            data-testid={testIds.logs.redactAll}
          >
            Mask secrets everywhere
          </Button>
        )
      }
      data-testid={testIds.logs.actions}
    >
      {actions.length === 0 ? (
        <EmptyState
          className="py-6"
          icon={<IconFlow size={18} />}
          title="No actions yet"
          description="Pick a pattern — the largest are at the top — and choose what the gateway should do with its lines."
        />
      ) : (
        <div className="space-y-4">
          <ul className="space-y-1.5">
            {actions.map((a) => (
              <li
                key={a.key}
                className="flex items-start justify-between gap-2 rounded-lg border border-zinc-200 px-3 py-2 dark:border-zinc-800"
                data-testid={testIds.logs.actionRow}
                data-kind={a.kind}
                data-pattern={a.patternId ?? ''}
              >
                <div className="min-w-0">
                  <div className="flex items-center gap-2">
                    <Badge tone="accent">{ACTION_LABELS[a.kind]}</Badge>
                    <span className="truncate text-xs text-zinc-700 dark:text-zinc-300">{a.summary}</span>
                  </div>
                  {a.template && (
                    <div className="mt-1 truncate font-mono text-[11px] text-zinc-500" title={a.template}>
                      {a.template}
                    </div>
                  )}
                </div>
                {canWrite && (
                  <Button
                    size="sm"
                    variant="danger-ghost"
                    icon={<IconTrash size={13} />}
                    aria-label="Remove action"
                    onClick={() => onRemove(a.key)}
                    data-testid={testIds.logs.removeAction}
                  />
                )}
              </li>
            ))}
          </ul>
          <div className="flex flex-wrap gap-2">
            <Button
              variant="primary"
              icon={<IconPlay size={14} />}
              loading={previewing}
              onClick={onPreview}
              data-testid={testIds.logs.preview}
            >
              Preview through the collector
            </Button>
            {canWrite && (
              <Button variant="secondary" onClick={onSave} data-testid={testIds.logs.saveTemplate}>
                Save as template…
              </Button>
            )}
          </div>
          <div data-testid={testIds.logs.configError}>
            <InlineError error={rendered.error} />
          </div>
          {rendered.data ? (
            <CodeBlock
              title="Generated collector config (what the actions add)"
              code={rendered.data.components_yaml}
              filename="log-actions.yaml"
              maxHeight="22rem"
              data-testid={testIds.logs.config}
            />
          ) : rendered.isFetching ? (
            <div className="flex items-center gap-2 text-xs text-zinc-500">
              <Spinner size="sm" /> Rendering…
            </div>
          ) : null}
        </div>
      )}
    </Card>
  );
}
