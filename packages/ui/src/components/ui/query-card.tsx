/** @jsxRuntime automatic */
import type { ReactNode } from 'react';
import { Card } from './card.tsx';
import { ErrorState } from './error-state.tsx';
import { PageLoading } from './spinner.tsx';

/**
 * The part of a TanStack query result a QueryCard reads. `useQuery` and `useInfiniteQuery` results both
 * fit, and narrowing on `status` gives the data without a non-null assertion.
 */
export type QueryCardQuery<T> =
  | { status: 'pending'; refetch: () => unknown }
  | { status: 'error'; error: unknown; refetch: () => unknown }
  | { status: 'success'; data: T; refetch: () => unknown };

export interface QueryCardProps<T> {
  query: QueryCardQuery<T>;
  title?: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  /**
   * Shown instead of the content when the query returned nothing (see isEmpty). Without it the content always renders.
   */
  empty?: ReactNode;
  /** When the data counts as nothing; by default an empty array. */
  isEmpty?: (data: T) => boolean;
  loadingLabel?: string;
  /** Offer a Retry button with the error. */
  retry?: boolean;
  compactError?: boolean;
  /** Above the loading / error / empty / content states, e.g. filters. */
  toolbar?: ReactNode;
  /** Below them, e.g. paging. */
  footer?: ReactNode;
  className?: string;
  'data-testid'?: string;
  children: (data: T) => ReactNode;
}

const isEmptyArray = (data: unknown) => Array.isArray(data) && data.length === 0;

/**
 * A card around one query: a spinner while it loads, the API error
 * (code, message, request id), an empty state, or the content.
 */
export function QueryCard<T>({
  query,
  title,
  description,
  actions,
  empty,
  isEmpty = isEmptyArray,
  loadingLabel,
  retry = false,
  compactError = false,
  toolbar,
  footer,
  className,
  children,
  ...rest
}: QueryCardProps<T>) {
  return (
    <Card title={title} description={description} actions={actions} padded={false} className={className} {...rest}>
      {toolbar}
      {query.status === 'pending' ? (
        <PageLoading label={loadingLabel} />
      ) : query.status === 'error' ? (
        <div className="p-4">
          <ErrorState
            error={query.error}
            compact={compactError}
            onRetry={retry ? () => void query.refetch() : undefined}
          />
        </div>
      ) : empty !== undefined && isEmpty(query.data) ? (
        empty
      ) : (
        children(query.data)
      )}
      {footer}
    </Card>
  );
}
