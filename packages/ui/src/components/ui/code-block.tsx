/** @jsxRuntime automatic */
import type { ReactNode } from 'react';
import { cn } from '../../lib/cn.ts';
import { downloadText } from '../../lib/format.ts';
import { testIds } from '../../lib/testids.ts';
import { Button } from './button.tsx';
import { CopyButton } from './copy-button.tsx';
import { IconDownload } from './icons.tsx';

export interface CodeBlockProps {
  code: string;
  title?: ReactNode;
  filename?: string;
  lineNumbers?: boolean;
  maxHeight?: string;
  className?: string;
  copyTestId?: string;
  'data-testid'?: string;
}

/** Read-only code with copy and (when a filename is given) download. */
export function CodeBlock({
  code,
  title,
  filename,
  lineNumbers = false,
  maxHeight = '28rem',
  className,
  copyTestId,
  ...rest
}: CodeBlockProps) {
  const lines = code.split('\n');
  return (
    <div
      className={cn(
        'overflow-hidden rounded-lg border border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-950',
        className,
      )}
    >
      <div
        className={cn(
          'flex items-center justify-between gap-2 border-b border-zinc-200 bg-white/60 px-3 py-1.5',
          'dark:border-zinc-800 dark:bg-zinc-900/60',
        )}
      >
        <span className="truncate font-mono text-xs text-zinc-500">{title ?? filename ?? ''}</span>
        <div className="flex items-center gap-1">
          <CopyButton text={code} variant="ghost" testId={copyTestId} />
          {filename && (
            <Button
              size="sm"
              variant="ghost"
              icon={<IconDownload size={14} />}
              onClick={() => downloadText(filename, code)}
              data-testid={testIds.copy.download}
            >
              Download
            </Button>
          )}
        </div>
      </div>
      <pre
        className="overflow-auto p-3 font-mono text-[12.5px] leading-5 text-zinc-800 dark:text-zinc-200"
        style={{ maxHeight }}
        data-testid={rest['data-testid']}
      >
        {lineNumbers ? (
          <code className="grid grid-cols-[auto_1fr] gap-x-4">
            {lines.map((line, index) => (
              <span key={index} className="contents">
                <span className="text-right text-zinc-400 select-none dark:text-zinc-600">{index + 1}</span>
                <span className="whitespace-pre">{line || ' '}</span>
              </span>
            ))}
          </code>
        ) : (
          <code className="whitespace-pre-wrap break-all">{code}</code>
        )}
      </pre>
    </div>
  );
}
