/** @jsxRuntime automatic */
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { cn } from '../../lib/cn.ts';
import { testIds } from '../../lib/testids.ts';
import { IconX } from './icons.tsx';

export interface DialogProps {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  children?: ReactNode;
  footer?: ReactNode;
  size?: 'sm' | 'md' | 'lg' | 'xl';
  'data-testid'?: string;
}

const widths = { sm: 'max-w-sm', md: 'max-w-lg', lg: 'max-w-2xl', xl: 'max-w-4xl' };

/**
 * A modal built on the native <dialog>: the browser traps focus, Escape fires `cancel`
 * (we route it to onClose so the parent stays the source of truth) and the backdrop is styled in CSS.
 */
export function Dialog({ open, onClose, title, description, children, footer, size = 'md', ...rest }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      data-testid={rest['data-testid'] ?? testIds.dialog.root}
      className={cn(
        'm-auto w-[calc(100%-2rem)] rounded-2xl border border-zinc-200 bg-white p-0 text-zinc-900 shadow-2xl',
        'dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100',
        widths[size],
      )}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onClick={(event) => {
        if (event.target === ref.current) onClose();
      }}
    >
      {open && (
        <div className="flex max-h-[85vh] flex-col">
          <div className="flex items-start justify-between gap-4 px-5 pt-5 pb-3">
            <div>
              <h2 id={titleId} className="text-base font-semibold">
                {title}
              </h2>
              {description && <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">{description}</p>}
            </div>
            <button
              type="button"
              onClick={onClose}
              className={cn(
                'rounded-md p-1 text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700',
                'dark:hover:bg-zinc-800 dark:hover:text-zinc-200',
              )}
              aria-label="Close"
              data-testid={testIds.dialog.close}
            >
              <IconX />
            </button>
          </div>
          <div className="min-h-0 flex-1 overflow-y-auto px-5 pb-4">{children}</div>
          {footer && (
            <div
              className={cn(
                'flex justify-end gap-2 border-t border-zinc-100 bg-zinc-50/60 px-5 py-3',
                'dark:border-zinc-800 dark:bg-zinc-900/60 rounded-b-2xl',
              )}
            >
              {footer}
            </div>
          )}
        </div>
      )}
    </dialog>
  );
}
