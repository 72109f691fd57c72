/** @jsxRuntime automatic */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderToStaticMarkup } from 'react-dom/server';
import type { DeploymentStrategy, DeploymentTargetState } from '../../../lib/api/types.ts';
import { testIds } from '../../../lib/testids.ts';
import { availableActions, batchSizes, groupByBatch, parseBatches, progressOf } from './deployment-model.ts';
import { BatchProgress, ProgressBar } from './deployment-progress.tsx';

let seq = 0;
const target = (batch: number, status: string, error: string | null = null): DeploymentTargetState => {
  seq += 1;
  return {
    gateway_id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    gateway_name: `gw-${seq}`,
    batch,
    status,
    error,
    config_hash: null,
    updated_at: '2026-01-01T00:00:00Z',
  };
};
const canary: DeploymentStrategy = { type: 'canary', batches: [10, 50, 100], soak_seconds: 30 };

describe('groupByBatch', () => {
  it('orders batches, attaches cumulative percents and classifies each', () => {
    const targets = [
      target(2, 'pending'),
      target(0, 'applied'),
      target(1, 'applying'),
      target(1, 'applied'),
      target(2, 'pending'),
    ];
    const groups = groupByBatch(targets, canary, 'in_progress', 1);
    assert.deepEqual(
      groups.map((g) => [g.batch, g.position, g.percent, g.state, g.targets.length]),
      [
        [0, 1, 10, 'done', 1],
        [1, 2, 50, 'active', 2],
        [2, 3, 100, 'waiting', 2],
      ],
    );
  });

  it('marks a batch with a failure as failed even while others apply', () => {
    const groups = groupByBatch(
      [target(0, 'failed', 'invalid keys'), target(0, 'applying'), target(1, 'pending')],
      canary,
      'paused',
      0,
    );
    assert.equal(groups[0]?.state, 'failed');
    assert.equal(groups[1]?.state, 'waiting');
  });

  it('treats the current batch of a running rollout as active before anything is sent', () => {
    const groups = groupByBatch([target(0, 'pending'), target(1, 'pending')], canary, 'in_progress', 0);
    assert.equal(groups[0]?.state, 'active');
    assert.equal(groups[1]?.state, 'waiting');
  });

  it('counts excluded/superseded targets as settled, and a batch of only those as skipped', () => {
    const groups = groupByBatch(
      [target(0, 'applied'), target(0, 'superseded'), target(1, 'cancelled')],
      { type: 'all_at_once' },
      'cancelled',
      0,
    );
    assert.equal(groups[0]?.state, 'done');
    assert.equal(groups[1]?.state, 'skipped');
    assert.equal(groups[0]?.percent, null, 'no percents without a canary strategy');
  });
});

describe('deployment helpers', () => {
  it('summarises progress', () => {
    const p = progressOf([
      target(0, 'applied'),
      target(0, 'failed'),
      target(1, 'applying'),
      target(1, 'pending'),
      target(1, 'excluded'),
    ]);
    assert.deepEqual(p, { total: 5, applied: 1, failed: 1, applying: 1, pending: 1, skipped: 1, done: 3 / 5 });
  });

  it('offers the actions a state allows', () => {
    assert.deepEqual(availableActions('in_progress'), ['pause', 'cancel']);
    assert.deepEqual(availableActions('paused'), ['resume', 'cancel', 'rollback']);
    assert.deepEqual(availableActions('completed'), ['rollback']);
    assert.deepEqual(availableActions('rolled_back'), []);
  });

  it('parses canary batches typed by a person', () => {
    assert.deepEqual(parseBatches('10, 50, 100'), [10, 50, 100]);
    assert.deepEqual(parseBatches('5% 25% 100%'), [5, 25, 100]);
    assert.equal(parseBatches('50, 10, 100'), null, 'must increase');
    assert.equal(parseBatches('10, 50'), null, 'must end at 100');
    assert.equal(parseBatches(''), null);
  });

  it('sizes batches from cumulative percents, at least one gateway each', () => {
    assert.deepEqual(batchSizes(20, [10, 50, 100]), [2, 8, 10]);
    assert.deepEqual(batchSizes(3, [1, 50, 100]), [1, 1, 1]);
    assert.deepEqual(batchSizes(0, [10, 100]), [0, 0]);
  });
});

describe('<BatchProgress>', () => {
  const targets = [
    target(0, 'applied'),
    target(0, 'applied'),
    target(1, 'failed', 'exporter otlp: invalid endpoint'),
    target(1, 'applied'),
    target(2, 'pending'),
  ];
  const html = renderToStaticMarkup(
    <BatchProgress batches={groupByBatch(targets, canary, 'paused', 1)} soakSeconds={30} />,
  );

  it('shows one card per batch with its state and applied count', () => {
    assert.equal(html.split(`data-testid="${testIds.deploymentDetail.batch}"`).length - 1, 3);
    assert.match(html, /data-batch="0" data-state="done"/);
    assert.match(html, /data-batch="1" data-state="failed"/);
    assert.match(html, /data-batch="2" data-state="waiting"/);
    assert.match(html, /Batch 1<span[^>]*>to 10%/);
    assert.match(html, /2\/2 applied/);
    assert.match(html, /1\/2 applied.*1 failed/);
  });

  it('explains the soak after a finished batch', () => {
    assert.match(html, /Soaked 30s healthy before the next batch/);
  });

  it('puts the error of a failed gateway in its tooltip', () => {
    assert.match(html, /title="gw-\d+: failed — exporter otlp: invalid endpoint"/);
  });
});

describe('<ProgressBar>', () => {
  it('draws one segment per status, sized by share', () => {
    const html = renderToStaticMarkup(<ProgressBar counts={{ applied: 3, pending: 1 }} />);
    assert.match(html, /width:75%" data-status="applied"/);
    assert.match(html, /width:25%" data-status="pending"/);
    assert.match(html, /aria-label="3 applied, 1 pending"/);
  });
});

describe('finished deployments', () => {
  it('shows rolled-back batches as rolled back and unreached ones as not reached', () => {
    const groups = groupByBatch(
      [target(0, 'rolled_back'), target(0, 'rolled_back'), target(1, 'cancelled'), target(2, 'pending')],
      canary,
      'rolled_back',
      0,
    );
    assert.deepEqual(
      groups.map((g) => g.state),
      ['rolled_back', 'skipped', 'skipped'],
    );
    const html = renderToStaticMarkup(<BatchProgress batches={groups} />);
    assert.match(html, /Rolled back/);
    assert.match(html, /Not reached/);
    assert.doesNotMatch(html, /Waiting/);
  });
});
