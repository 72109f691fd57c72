/** @jsxRuntime automatic */
import { useEffect, useState, type FormEvent } from 'react';
import { TagChip } from '../../../components/ui/badge.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { InlineError } from '../../../components/ui/error-state.tsx';
import { Input } from '../../../components/ui/form.tsx';
import { IconX } from '../../../components/ui/icons.tsx';
import { parseTag } from '../../../lib/format.ts';
import { testIds } from '../../../lib/testids.ts';

type Tags = Record<string, string>;

function sameTags(a: Tags, b: Tags): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k] === a[k]);
}

/** Edit a gateway's tags as chips; changes are saved together (PUT replaces the whole set). */
export function TagEditor({
  tags,
  editable,
  onSave,
}: {
  tags: Tags;
  editable: boolean;
  onSave: (tags: Tags) => Promise<unknown>;
}) {
  const [draft, setDraft] = useState<Tags>(tags);
  const [input, setInput] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [inputError, setInputError] = useState<string | null>(null);
  const dirty = !sameTags(draft, tags);

  // A live update from the server replaces the draft only when the user has not started editing.
  useEffect(() => {
    if (!dirty) setDraft(tags);
  }, [tags]);

  const add = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseTag(input);
    if (!parsed) {
      setInputError('Write key=value, e.g. env=prod');
      return;
    }
    const [key, value] = parsed;
    if (key.length > 63) {
      setInputError('Keys are at most 63 characters');
      return;
    }
    setDraft((d) => ({ ...d, [key]: value }));
    setInput('');
    setInputError(null);
  };

  const remove = (key: string) =>
    setDraft((d) => {
      const next = { ...d };
      delete next[key];
      return next;
    });

  const entries = Object.entries(draft).sort(([a], [b]) => a.localeCompare(b));

  return (
    <div data-testid={testIds.agentDetail.tagEditor} className="space-y-3">
      <div className="flex flex-wrap gap-1.5">
        {entries.length === 0 && (
          <span className="text-sm text-zinc-400">
            No tags. Tags let deployments target groups of gateways (env=prod, region=eu).
          </span>
        )}
        {entries.map(([key, value]) => (
          <TagChip key={key} data-testid={testIds.agentDetail.tagChip}>
            {value ? `${key}=${value}` : key}
            {editable && (
              <button
                type="button"
                onClick={() => remove(key)}
                aria-label={`Remove tag ${key}`}
                className="-mr-0.5 rounded text-zinc-400 hover:text-red-600"
                data-testid={testIds.agentDetail.tagRemove}
              >
                <IconX size={12} />
              </button>
            )}
          </TagChip>
        ))}
      </div>
      {editable && (
        <>
          <form onSubmit={add} className="flex gap-2">
            <Input
              placeholder="key=value"
              aria-label="New tag"
              value={input}
              onChange={(e) => setInput(e.target.value)}
              invalid={Boolean(inputError)}
              className="h-8 font-mono text-xs"
              data-testid={testIds.agentDetail.tagInput}
            />
            <Button type="submit" size="sm" className="h-8" data-testid={testIds.agentDetail.tagAdd}>
              Add
            </Button>
          </form>
          {inputError && <p className="text-xs text-red-600">{inputError}</p>}
          {dirty && (
            <div className="flex items-center gap-2">
              <Button
                variant="primary"
                size="sm"
                loading={saving}
                data-testid={testIds.agentDetail.tagSave}
                onClick={async () => {
                  setSaving(true);
                  setError(null);
                  try {
                    await onSave(draft);
                  } catch (e) {
                    setError(e);
                  } finally {
                    setSaving(false);
                  }
                }}
              >
                Save tags
              </Button>
              <Button variant="ghost" size="sm" onClick={() => setDraft(tags)}>
                Discard
              </Button>
            </div>
          )}
          <InlineError error={error} />
        </>
      )}
    </div>
  );
}
