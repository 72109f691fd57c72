/** @jsxRuntime automatic */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { renderToStaticMarkup } from 'react-dom/server';
import { MemoryRouter } from 'react-router-dom';
import { ApiError, apiErrorFromResponse } from '../../../lib/api/api-error.ts';
import type { SecretInUseDetails } from '../../../lib/api/types.ts';
import { testIds } from '../../../lib/testids.ts';
import { settingsApi } from '../api/settings-api.ts';
import { SecretInUseNotice } from './delete-secret-dialog.tsx';
import { forceDeleteWarning, secretInUse, secretReferencePath, unlistedReferences } from './secret-in-use.ts';

const GATEWAY_ID = '00000000-0000-4000-8000-000000000001';
const TEMPLATE_ID = '00000000-0000-4000-8000-000000000002';

const inUseError = (details: unknown) =>
  apiErrorFromResponse(
    409,
    JSON.stringify({
      error: {
        code: 'SECRET_IN_USE',
        message: 'Secret "LOKI_TOKEN" is referenced by gateway "gw-1"',
        request_id: 'r-1',
        details,
      },
    }),
    null,
  );

describe('secretInUse', () => {
  it('reads what references the secret from a 409 SECRET_IN_USE', () => {
    const details = {
      used_by: [
        { kind: 'gateway', id: GATEWAY_ID, name: 'gw-fra-01' },
        { kind: 'template', id: TEMPLATE_ID, name: 'logs-severity-filter' },
      ],
      total: 2,
    };
    assert.deepEqual(secretInUse(inUseError(details)), details);
  });

  it('is null for any other error, so it is shown as an error instead', () => {
    assert.equal(secretInUse(new ApiError({ code: 'NOT_FOUND', message: 'Secret "X" not found', status: 404 })), null);
    assert.equal(secretInUse(new Error('network down')), null);
    assert.equal(secretInUse(null), null);
  });

  it('drops entries it cannot link and never counts fewer than it lists', () => {
    const details = secretInUse(
      inUseError({
        used_by: [{ kind: 'gateway', id: GATEWAY_ID, name: 'gw-1' }, { kind: 'pipeline', id: 'x', name: 'y' }, 'junk'],
        total: 0,
      }),
    );
    assert.deepEqual(details, { used_by: [{ kind: 'gateway', id: GATEWAY_ID, name: 'gw-1' }], total: 1 });
    assert.deepEqual(secretInUse(inUseError(undefined)), { used_by: [], total: 0 });
  });
});

describe('secret references', () => {
  it('link a gateway to its agent page and a template to its editor', () => {
    assert.equal(secretReferencePath({ kind: 'gateway', id: GATEWAY_ID, name: 'gw' }), `/agents/${GATEWAY_ID}`);
    assert.equal(secretReferencePath({ kind: 'template', id: TEMPLATE_ID, name: 't' }), `/templates/${TEMPLATE_ID}`);
  });

  it('count what the capped list leaves out', () => {
    assert.equal(unlistedReferences({ used_by: [{ kind: 'gateway', id: GATEWAY_ID, name: 'gw' }], total: 23 }), 22);
    assert.equal(unlistedReferences({ used_by: [{ kind: 'gateway', id: GATEWAY_ID, name: 'gw' }], total: 1 }), 0);
  });
});

describe('forceDeleteWarning', () => {
  const gw = { kind: 'gateway', id: GATEWAY_ID, name: 'gw' } as const;
  const tpl = { kind: 'template', id: TEMPLATE_ID, name: 't' } as const;

  it('warns that the gateways cannot receive that configuration until the secret exists again', () => {
    assert.equal(
      forceDeleteWarning('K', { used_by: [gw], total: 1 }),
      'If you delete it anyway, those gateways cannot receive that configuration until a secret named K exists again.',
    );
  });

  it('speaks of templates only when templates reference it', () => {
    assert.equal(
      forceDeleteWarning('K', { used_by: [tpl], total: 1 }),
      'If you delete it anyway, templates that reference it fail validation until a secret named K exists again.',
    );
    assert.match(
      forceDeleteWarning('K', { used_by: [gw, tpl], total: 2 }),
      /those gateways cannot receive .* and templates that reference it fail validation/,
    );
  });

  it('counts unlisted references as possibly templates', () => {
    assert.match(forceDeleteWarning('K', { used_by: [gw], total: 30 }), /those gateways .* and templates/);
  });
});

describe('SecretInUseNotice', () => {
  const render = (details: SecretInUseDetails) =>
    renderToStaticMarkup(
      <MemoryRouter>
        <SecretInUseNotice name="LOKI_TOKEN" details={details} />
      </MemoryRouter>,
    );

  it('lists each gateway and template with a link to its page, and warns what deleting anyway breaks', () => {
    const html = render({
      used_by: [
        { kind: 'gateway', id: GATEWAY_ID, name: 'gw-fra-01' },
        { kind: 'template', id: TEMPLATE_ID, name: 'logs-severity-filter' },
      ],
      total: 2,
    });
    assert.match(
      html,
      new RegExp(
        `data-testid="${testIds.settings.secretInUseRef}" data-kind="gateway"[^>]*>.*?<a ` +
          `[^>]*href="/agents/${GATEWAY_ID}"[^>]*>gw-fra-01</a>`,
      ),
    );
    assert.match(
      html,
      new RegExp(
        `data-testid="${testIds.settings.secretInUseRef}" data-kind="template"[^>]*>.*?<a ` +
          `[^>]*href="/templates/${TEMPLATE_ID}"[^>]*>logs-severity-filter</a>`,
      ),
    );
    assert.ok(!html.includes(testIds.settings.secretInUseMore), 'no "and N more" when everything is listed');
    assert.match(
      html,
      new RegExp(
        'those gateways cannot receive that configuration until a secret named LOKI_TOKEN exists again, ' +
          'and templates that reference it fail validation',
      ),
    );
  });

  it('says how many more there are when the server capped the list', () => {
    const html = render({ used_by: [{ kind: 'gateway', id: GATEWAY_ID, name: 'gw-fra-01' }], total: 21 });
    assert.match(html, new RegExp(`data-testid="${testIds.settings.secretInUseMore}"[^>]*>and 20 more<`));
  });
});

describe('settingsApi.deleteSecret', () => {
  const realFetch = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = realFetch;
  });
  const capture = () => {
    const urls: string[] = [];
    globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      urls.push(`${init?.method} ${String(input)}`);
      return new Response(JSON.stringify({ ok: true }), { status: 200 });
    }) as typeof fetch;
    return urls;
  };

  it('asks without force first, and with force=true only when told to', async () => {
    const urls = capture();
    await settingsApi.deleteSecret('org-1', 'LOKI_TOKEN');
    await settingsApi.deleteSecret('org-1', 'LOKI_TOKEN', { force: true });
    assert.deepEqual(urls, [
      'DELETE /api/v1/secrets/LOKI_TOKEN?org_id=org-1',
      'DELETE /api/v1/secrets/LOKI_TOKEN?org_id=org-1&force=true',
    ]);
  });
});
