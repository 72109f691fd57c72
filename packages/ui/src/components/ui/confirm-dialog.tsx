/** @jsxRuntime automatic */
import { useState, type ReactNode } from 'react';
import { testIds } from '../../lib/testids.ts';
import { Button } from './button.tsx';
import { Dialog } from './dialog.tsx';
import { InlineError } from './error-state.tsx';

export interface ConfirmDialogProps {
  open: boolean;
  title: ReactNode;
  body: ReactNode;
  confirmLabel: string;
  tone?: 'danger' | 'primary';
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
}

/** Asks before a destructive action; keeps the dialog open and shows the server's error if it fails. */
export function ConfirmDialog({
  open,
  title,
  body,
  confirmLabel,
  tone = 'danger',
  onConfirm,
  onClose,
}: ConfirmDialogProps) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const close = () => {
    setError(null);
    onClose();
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      title={title}
      size="sm"
      footer={
        <>
          <Button onClick={close} data-testid={testIds.dialog.cancel}>
            Cancel
          </Button>
          <Button
            variant={tone === 'danger' ? 'danger' : 'primary'}
            loading={pending}
            data-testid={testIds.dialog.confirm}
            autoFocus
            onClick={async () => {
              setPending(true);
              setError(null);
              try {
                await onConfirm();
                close();
              } catch (e) {
                setError(e);
              } finally {
                setPending(false);
              }
            }}
          >
            {confirmLabel}
          </Button>
        </>
      }
    >
      <div className="space-y-3 text-sm text-zinc-600 dark:text-zinc-300">
        {body}
        <InlineError error={error} />
      </div>
    </Dialog>
  );
}
