/** @jsxRuntime automatic */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderToStaticMarkup } from 'react-dom/server';
import { ApiError } from '../../lib/api/api-error.ts';
import { byTestId, testIds } from '../../lib/testids.ts';
import { EmptyState } from './empty-state.tsx';
import { QueryCard, type QueryCardQuery } from './query-card.tsx';

const refetch = () => undefined;
const render = (query: QueryCardQuery<string[]>, props: { retry?: boolean; withEmpty?: boolean } = {}) =>
  renderToStaticMarkup(
    <QueryCard
      query={query}
      title="Secrets"
      retry={props.retry}
      empty={props.withEmpty === false ? undefined : <EmptyState title="No secrets yet" />}
    >
      {(names) => (
        <ul data-testid="names">
          {names.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </QueryCard>,
  );
const has = (html: string, testId: string) => html.includes(byTestId(testId).slice(1, -1));

describe('QueryCard', () => {
  it('shows the title and the loading state while the query is pending', () => {
    const html = render({ status: 'pending', refetch });
    assert.match(html, /Secrets/);
    assert.ok(has(html, testIds.app.loading));
    assert.match(html, /Loading…/);
    assert.ok(!html.includes('data-testid="names"'));
  });

  it('shows the API error code and message, with Retry only when asked for', () => {
    const error = new ApiError({
      code: 'FORBIDDEN',
      message: 'Your role cannot do this',
      status: 403,
      requestId: 'req-1',
    });
    const plain = render({ status: 'error', error, refetch });
    assert.ok(has(plain, testIds.app.errorState));
    assert.match(plain, /FORBIDDEN/);
    assert.match(plain, /Your role cannot do this/);
    assert.match(plain, /request req-1/);
    assert.ok(!has(plain, testIds.app.errorRetry));
    assert.ok(has(render({ status: 'error', error, refetch }, { retry: true }), testIds.app.errorRetry));
  });

  it('shows the empty state for an empty list, and the content otherwise', () => {
    const empty = render({ status: 'success', data: [], refetch });
    assert.ok(has(empty, testIds.app.emptyState));
    assert.match(empty, /No secrets yet/);
    const full = render({ status: 'success', data: ['LOKI_TOKEN'], refetch });
    assert.ok(!has(full, testIds.app.emptyState));
    assert.match(full, /<li>LOKI_TOKEN<\/li>/);
  });

  it('renders the content for an empty list when no empty state is given', () => {
    const html = render({ status: 'success', data: [], refetch }, { withEmpty: false });
    assert.ok(html.includes('data-testid="names"'));
  });
});
