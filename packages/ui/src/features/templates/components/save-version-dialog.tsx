/** @jsxRuntime automatic */
import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button.tsx';
import { Dialog } from '../../../components/ui/dialog.tsx';
import { Field, Input } from '../../../components/ui/form.tsx';
import { cn } from '../../../lib/cn.ts';
import { testIds } from '../../../lib/testids.ts';

export function SaveVersionDialog({
  open,
  nextVersion,
  errorCount,
  saving,
  onSave,
  onClose,
}: {
  open: boolean;
  nextVersion: number;
  errorCount: number;
  saving: boolean;
  onSave: (message: string) => void;
  onClose: () => void;
}) {
  const [message, setMessage] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSave(message.trim());
    setMessage('');
  };
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={`Save as version ${nextVersion}`}
      description="Versions are immutable: you can always compare with or roll back to this one."
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            type="submit"
            form="save-version"
            variant="primary"
            loading={saving}
            data-testid={testIds.templateEditor.saveSubmit}
          >
            Save version
          </Button>
        </>
      }
    >
      <form id="save-version" onSubmit={submit} className="space-y-3">
        <Field label="What changed?" hint="A short message, like a commit message.">
          {(id) => (
            <Input
              id={id}
              autoFocus
              maxLength={500}
              value={message}
              onChange={(e) => setMessage(e.target.value)}
              placeholder="Drop debug logs before export"
              data-testid={testIds.templateEditor.saveMessage}
            />
          )}
        </Field>
        {errorCount > 0 && (
          <p
            className={cn(
              'rounded-lg bg-amber-50 px-3 py-2 text-xs text-amber-800',
              'dark:bg-amber-950/40 dark:text-amber-300',
            )}
          >
            This configuration has {errorCount} validation error{errorCount === 1 ? '' : 's'}. You can save it as a
            draft version, but it cannot be deployed until they are fixed.
          </p>
        )}
      </form>
    </Dialog>
  );
}
