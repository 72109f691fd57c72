/** @jsxRuntime automatic */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderToStaticMarkup } from 'react-dom/server';
import type { ComponentHealthNode } from '../../../lib/api/types.ts';
import { testIds } from '../../../lib/testids.ts';
import { HealthTree } from './health-tree.tsx';
import { initialExpanded, isComponentHealthNode, nodeTone, statusLabel, summarizeHealth } from './health-tree-model.ts';

const node = (
  healthy: boolean,
  status: string,
  components: Record<string, ComponentHealthNode> = {},
  last_error = '',
): ComponentHealthNode => ({
  healthy,
  status,
  last_error,
  start_time: null,
  status_time: null,
  components,
});

// Collector → two pipelines; the logs exporter is failing, the metrics pipeline is fine.
const root = node(false, 'StatusRecoverableError', {
  'pipeline:metrics': node(true, 'StatusOK', {
    'receiver:otlp': node(true, 'StatusOK'),
    'exporter:debug': node(true, 'StatusOK'),
  }),
  'pipeline:logs': node(false, 'StatusRecoverableError', {
    'receiver:otlp': node(true, 'StatusOK'),
    'exporter:otlphttp': node(false, 'StatusPermanentError', {}, 'connection refused: backend:4318'),
  }),
});

describe('health tree model', () => {
  it('labels OpAMP statuses for people', () => {
    assert.equal(statusLabel({ status: 'StatusOK', healthy: true }), 'OK');
    assert.equal(statusLabel({ status: 'StatusRecoverableError', healthy: false }), 'Recoverable error');
    assert.equal(statusLabel({ status: '', healthy: false }), 'Unhealthy');
    assert.equal(statusLabel({ status: 'StatusStarting', healthy: true }), 'Starting');
  });

  it('gives a tone from health and status', () => {
    assert.equal(nodeTone({ status: 'StatusOK', healthy: true }), 'ok');
    assert.equal(nodeTone({ status: 'StatusPermanentError', healthy: false }), 'error');
    assert.equal(nodeTone({ status: 'StatusRecoverableError', healthy: false }), 'warning');
    assert.equal(nodeTone({ status: 'StatusStarting', healthy: true }), 'starting');
  });

  it('expands the first level and every branch leading to a problem', () => {
    const expanded = initialExpanded(root);
    assert.ok(expanded.has('root'));
    assert.ok(expanded.has('root/pipeline:logs'), 'unhealthy branch open');
    assert.ok(expanded.has('root/pipeline:metrics'), 'first level open');
    const deep = node(true, 'StatusOK', {
      a: node(true, 'StatusOK', { b: node(true, 'StatusOK', { c: node(true, 'StatusOK') }) }),
    });
    assert.ok(!initialExpanded(deep).has('root/a/b'), 'healthy deep branch stays closed');
  });

  it('counts components and collects errors with their path', () => {
    const summary = summarizeHealth(root);
    assert.equal(summary.total, 6);
    assert.equal(summary.unhealthy, 2);
    assert.deepEqual(summary.errors, [
      { path: 'pipeline:logs › exporter:otlphttp', message: 'connection refused: backend:4318' },
    ]);
  });

  it('narrows untyped API data', () => {
    assert.equal(isComponentHealthNode(root), true);
    assert.equal(isComponentHealthNode(null), false);
    assert.equal(isComponentHealthNode({ status: 'x' }), false);
  });
});

describe('<HealthTree>', () => {
  const html = renderToStaticMarkup(<HealthTree root={root} />);

  it('shows the failing component with its error text, without clicking', () => {
    assert.match(html, /otlphttp/);
    assert.match(html, /connection refused: backend:4318/);
    assert.match(html, /Permanent error/);
    assert.match(html, /2 unhealthy/);
  });

  it('marks each node with its health for tests and assistive tech', () => {
    assert.match(html, /role="tree"/);
    assert.match(
      html,
      new RegExp(
        `data-testid="${testIds.agentDetail.healthTreeNode}" ` +
          `data-path="root/pipeline:logs/exporter:otlphttp" data-healthy="false" data-tone="error"`,
      ),
    );
    assert.match(html, /aria-expanded="true"[^>]*data-path="root\/pipeline:logs"/);
  });

  it('lists unhealthy children before healthy ones', () => {
    assert.ok(html.indexOf('pipeline:logs') < html.indexOf('pipeline:metrics'));
  });

  it('says all healthy when nothing is wrong', () => {
    const ok = renderToStaticMarkup(
      <HealthTree root={node(true, 'StatusOK', { 'pipeline:traces': node(true, 'StatusOK') })} />,
    );
    assert.match(ok, /all healthy/);
    assert.doesNotMatch(ok, /data-healthy="false"/);
  });
});
