/** @jsxRuntime automatic */
import type { HTMLAttributes, ReactNode, TdHTMLAttributes, ThHTMLAttributes } from 'react';
import { cn } from '../../lib/cn.ts';

export function Table({ children, className, ...rest }: HTMLAttributes<HTMLTableElement>) {
  return (
    <div className="overflow-x-auto">
      <table className={cn('w-full border-collapse text-left text-sm', className)} {...rest}>
        {children}
      </table>
    </div>
  );
}

export function THead({ children }: { children: ReactNode }) {
  return (
    <thead
      className={cn(
        'border-b border-zinc-200 bg-zinc-50/80 text-xs font-medium text-zinc-500',
        'dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400',
      )}
    >
      {children}
    </thead>
  );
}

export function Th({ children, className, ...rest }: ThHTMLAttributes<HTMLTableCellElement>) {
  return (
    <th scope="col" className={cn('px-4 py-2.5 font-medium whitespace-nowrap', className)} {...rest}>
      {children}
    </th>
  );
}

export function TBody({ children }: { children: ReactNode }) {
  return <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">{children}</tbody>;
}

export function Tr({
  children,
  className,
  interactive,
  ...rest
}: HTMLAttributes<HTMLTableRowElement> & { interactive?: boolean; [key: `data-${string}`]: string | undefined }) {
  return (
    <tr
      className={cn(interactive && 'transition-colors hover:bg-zinc-50 dark:hover:bg-zinc-800/50', className)}
      {...rest}
    >
      {children}
    </tr>
  );
}

export function Td({ children, className, ...rest }: TdHTMLAttributes<HTMLTableCellElement>) {
  return (
    <td className={cn('px-4 py-2.5 align-middle', className)} {...rest}>
      {children}
    </td>
  );
}
