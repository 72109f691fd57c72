/** @jsxRuntime automatic */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderToStaticMarkup } from 'react-dom/server';
import type { QueryCardQuery } from '../../../components/ui/query-card.tsx';
import { ApiError } from '../../../lib/api/api-error.ts';
import type { GatewaySummary } from '../../../lib/api/types.ts';
import { testIds } from '../../../lib/testids.ts';
import { GatewayOptions } from './gateway-options.tsx';

const refetch = () => undefined;
const gateway = (name: string, acceptsRemoteConfig = true): GatewaySummary => ({
  id: `00000000-0000-4000-8000-${name.length.toString().padStart(12, '0')}`,
  org_id: '00000000-0000-4000-8000-00000000000a',
  name,
  instance_id: name,
  status: 'active',
  mode: 'supervisor',
  health: { status: 'healthy', score: 100 },
  version: '0.149.0',
  hostname: name,
  last_seen: '2026-01-01T00:00:00Z',
  connected: true,
  transport: 'websocket',
  tags: {},
  accepts_remote_config: acceptsRemoteConfig,
  remote_config_status: null,
  created_at: '2026-01-01T00:00:00Z',
});
const render = (query: QueryCardQuery<{ items: GatewaySummary[] }>, filtered = false) =>
  renderToStaticMarkup(
    <GatewayOptions query={query} filtered={filtered} selected={new Set()} onToggle={() => undefined} />,
  );

describe('GatewayOptions', () => {
  it(
    'shows the API error code and message with Retry when ' + 'the gateways cannot be loaded, not "no gateway matches"',
    () => {
      const html = render({
        status: 'error',
        error: new ApiError({
          code: 'FORBIDDEN',
          message: 'Your role cannot list gateways',
          status: 403,
          requestId: 'req-9',
        }),
        refetch,
      });
      assert.ok(html.includes(`data-testid="${testIds.app.errorState}"`));
      assert.match(html, /Could not load the gateways/);
      assert.match(html, /FORBIDDEN/);
      assert.match(html, /Your role cannot list gateways/);
      assert.match(html, /request req-9/);
      assert.ok(html.includes(`data-testid="${testIds.app.errorRetry}"`));
      assert.doesNotMatch(html, /No gateway/);
    },
  );

  it('tells an empty organization from a name filter that matches nothing', () => {
    assert.match(
      render({ status: 'success', data: { items: [] }, refetch }),
      /No gateway has enrolled in this organization yet/,
    );
    assert.match(render({ status: 'success', data: { items: [] }, refetch }, true), /No gateway matches this name/);
  });

  it('lists one option per gateway, disabled when it does not accept remote config', () => {
    const html = render({
      status: 'success',
      data: { items: [gateway('gw-fra-01'), gateway('gw-legacy', false)] },
      refetch,
    });
    assert.equal(html.split(`data-testid="${testIds.deploymentCreate.gatewayOption}"`).length - 1, 2);
    assert.match(html, /data-name="gw-legacy"><input type="checkbox"[^>]*disabled=""/);
    assert.match(html, /Does not accept remote config/);
  });
});
