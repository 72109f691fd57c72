// The web UI in a real browser (playwright-core driving Debian's chromium, headless) against a real
// `flowgate start` process: log in, create a registration token, watch a simulated gateway enrol live,
// edit a template through an inline validation error, deploy it, watch it apply live, roll it back.
// Then it seeds a small realistic fleet and screenshots every main page in light and dark mode into
// e2e/artifacts/screenshots/ (<page>-<light|dark>.png) for review.
//
// Selectors come only from the UI's shared registry (packages/ui/src/lib/testids.ts).
import { describe, test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { AgentCapability, ComponentHealthSchema, create, type ComponentHealth } from '@flowgate/opamp';
import { testIds, testHooks, byTestId } from '../packages/ui/src/lib/testids.ts';
import { startServer, eventually, ADMIN, type ServerProcess } from './lib/server.ts';
import { TestAgent } from './lib/agent.ts';
import { freshDatabase, type TestDatabase } from './lib/database.ts';
import { ensureUiBuilt, openBrowser, sel, SHOTS, skipWithoutChromium as skip, type Browser } from './lib/browser.ts';

type EditorHook = {
  getValue(): string;
  setValue(v: string): void;
  getMarkers(): { severity: string; line: number; message: string }[];
};
const editor = {
  get: (page: Page) =>
    page.evaluate(
      (hook) => (globalThis as unknown as Record<string, EditorHook>)[hook]!.getValue(),
      testHooks.templateEditor,
    ),
  set: (page: Page, yaml: string) =>
    page.evaluate(
      ([hook, y]) => (globalThis as unknown as Record<string, EditorHook>)[hook!]!.setValue(y!),
      [testHooks.templateEditor, yaml],
    ),
  markers: (page: Page) =>
    page.evaluate(
      (hook) => (globalThis as unknown as Record<string, EditorHook>)[hook]!.getMarkers(),
      testHooks.templateEditor,
    ),
};

const health = (
  healthy: boolean,
  status: string,
  lastError = '',
  children: Record<string, ComponentHealth> = {},
): ComponentHealth =>
  create(ComponentHealthSchema, {
    healthy,
    status,
    lastError,
    componentHealthMap: children,
    statusTimeUnixNano: BigInt(Date.now() - 240_000) * 1_000_000n,
  });

// Seed templates: a metrics cost-cut pipeline (v2 drops a noisy metric) and a logs severity filter.
const METRICS_V1 = `receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 0.0.0.0:4317
      http:
        endpoint: 0.0.0.0:4318
processors:
  memory_limiter:
    check_interval: 1s
    limit_percentage: 80
    spike_limit_percentage: 20
  batch: {}
exporters:
  otlphttp/grafana:
    endpoint: https://otlp-gateway.grafana.example/otlp
service:
  pipelines:
    metrics:
      receivers: [otlp]
      processors: [memory_limiter, batch]
      exporters: [otlphttp/grafana]
`;
const METRICS_V2 = METRICS_V1.replace(
  '  batch: {}\n',
  '  filter/drop-debug:\n    error_mode: ignore\n    metrics:\n      metric:\n' +
    '        - name == "debug.heartbeat"\n        - IsMatch(name, "^go\\\\.gc\\\\..*")\n' +
    '  batch:\n    send_batch_size: 8192\n',
).replace('processors: [memory_limiter, batch]', 'processors: [memory_limiter, filter/drop-debug, batch]');
const LOGS_V1 = `receivers:
  otlp:
    protocols:
      http:
        endpoint: 0.0.0.0:4318
processors:
  filter/severity:
    error_mode: ignore
    logs:
      log_record:
        - severity_number < SEVERITY_NUMBER_INFO
  batch: {}
exporters:
  otlphttp/loki:
    endpoint: https://loki.example/otlp
    headers:
      Authorization: Bearer \${secret:LOKI_TOKEN}
service:
  pipelines:
    logs:
      receivers: [otlp]
      processors: [filter/severity, batch]
      exporters: [otlphttp/loki]
`;
const LOGS_V2 = LOGS_V1.replace('SEVERITY_NUMBER_INFO', 'SEVERITY_NUMBER_WARN');
const TRACES_HONEYCOMB = `receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 0.0.0.0:4317
processors:
  batch: {}
exporters:
  otlp/honeycomb:
    endpoint: api.honeycomb.io:443
    headers:
      x-honeycomb-team: \${secret:HONEYCOMB_API_KEY}
service:
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [otlp/honeycomb]
`;

describe('web UI in a real browser', { skip }, () => {
  let db: TestDatabase | null = null;
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  const agents: TestAgent[] = [];
  let pageErrors: string[] = [];
  const state: { regToken?: string; liveGatewayId?: string; templateId?: string } = {};
  const wsUrl = () => `${server.url.replace(/^http/, 'ws')}/v1/opamp`;

  before(async () => {
    ensureUiBuilt();
    db = await freshDatabase();
    server = await startServer(db.env);
    browser = await openBrowser();
    ({ page, pageErrors } = browser);
  });

  // What the browser showed when a step failed: e2e/artifacts/screenshots/FAILED-<test>.png.
  afterEach(async (t) => {
    await browser?.shotOnFailure(t as { name: string; passed?: boolean });
  });

  after(async () => {
    await browser?.close();
    for (const a of agents) await a.stop().catch(() => undefined);
    await server?.stop();
    await db?.drop();
  });

  const shot = (name: string) => browser.shot(name);

  /** Waits until the form control with this test id holds this value. */
  async function hasValue(testId: string, value: string) {
    await page.waitForFunction(
      ([s, v]) => (document.querySelector(s!) as HTMLInputElement | null)?.value === v,
      [byTestId(testId), value],
    );
  }

  /** Waits until no page-level spinner is left. */
  async function settled() {
    await page.waitForSelector(byTestId(testIds.app.loading), { state: 'detached' });
  }

  test('logs in (a wrong password shows the server error first)', { timeout: 60_000 }, async () => {
    await page.goto(`${server.url}/agents`);
    await page.waitForSelector(byTestId(testIds.login.form));
    await page.fill(byTestId(testIds.login.email), ADMIN.email);
    await page.fill(byTestId(testIds.login.password), 'not-the-password');
    await page.click(byTestId(testIds.login.submit));
    const error = await page.waitForSelector(byTestId(testIds.login.error));
    assert.match((await error.textContent()) ?? '', /\S/);
    await page.fill(byTestId(testIds.login.password), ADMIN.password);
    await page.press(byTestId(testIds.login.password), 'Enter');
    // Back where it was going: the fresh org has no gateway yet, and the page says how to start one.
    await page.waitForSelector(byTestId(testIds.agents.emptyOnboarding));
    await page.waitForSelector(sel(testIds.header.liveIndicator, { status: 'live' }));
    await shot('agents-empty');
  });

  test(
    'creates a registration token: the plaintext and the start command are shown once',
    { timeout: 60_000 },
    async () => {
      await page.click(byTestId(testIds.nav.tokens));
      await page.click(byTestId(testIds.tokens.create));
      await page.fill(byTestId(testIds.tokens.createName), 'frankfurt-edge');
      await page.click(byTestId(testIds.tokens.createSubmit));
      const token = ((await page.textContent(byTestId(testIds.tokens.plaintext))) ?? '').trim();
      assert.ok(token.length >= 20, `a plaintext token is shown: ${token}`);
      assert.ok(
        ((await page.textContent(byTestId(testIds.tokens.command))) ?? '').includes(token),
        'the start command carries the token',
      );
      await page.keyboard.press('Escape');
      await page.waitForSelector(byTestId(testIds.tokens.plaintext), { state: 'detached' });
      await page.waitForSelector(sel(testIds.tokens.row, { name: 'frankfurt-edge' }));
      assert.ok(
        !(await page.content()).includes(token),
        'once the dialog is closed the plaintext is gone from the page',
      );
      state.regToken = token;
    },
  );

  test('a gateway enrols with that token and appears on /agents without a reload', { timeout: 60_000 }, async () => {
    assert.ok(state.regToken, 'needs the token from the previous test');
    await page.click(byTestId(testIds.nav.agents));
    await page.waitForSelector(byTestId(testIds.agents.emptyOnboarding));
    await page.waitForSelector(sel(testIds.header.liveIndicator, { status: 'live' }));
    // A marker on window survives only if the document is never reloaded.
    await page.evaluate(() => ((globalThis as Record<string, unknown>).__flowgateNoReload = true));
    const agent = new TestAgent({
      url: wsUrl(),
      token: state.regToken!,
      hostName: 'gw-fra-01',
      version: '0.149.0',
      effectiveConfig: METRICS_V1,
      extraCapabilities: AgentCapability.ReportsOwnMetrics,
    });
    agents.push(agent);
    await agent.start();
    const row = await page.waitForSelector(sel(testIds.agents.row, { name: 'gw-fra-01', status: 'connected' }), {
      timeout: 20_000,
    });
    assert.equal(
      await page.evaluate(() => (globalThis as Record<string, unknown>).__flowgateNoReload),
      true,
      'the row arrived over the event stream, not through a reload',
    );
    state.liveGatewayId = (await row.getAttribute('data-id')) ?? undefined;
    assert.ok(state.liveGatewayId);

    // It enrolled zero-touch: it sends the registration token on every connection and has no OpAMP token
    // of its own, so its page names that registration token, and offers no gateway token to revoke.
    await page.click(`${sel(testIds.agents.row, { name: 'gw-fra-01' })} ${byTestId(testIds.agents.rowLink)}`);
    await page.waitForSelector(sel(testIds.agentDetail.auth, { method: 'registration_token' }));
    const auth = await page.waitForSelector(sel(testIds.agentDetail.authRegistrationToken, { state: 'active' }));
    assert.match(
      (await auth.textContent()) ?? '',
      /^Registration token frankfurt-edge \(fgr_[\w-]+…\) — zero-touch; active$/,
    );
    assert.equal(await page.getAttribute(byTestId(testIds.agentDetail.authTokensLink), 'href'), '/tokens');
    assert.equal(
      await page.isDisabled(byTestId(testIds.agentDetail.revokeToken)),
      true,
      'revoke is not offered: the server would answer 409 GATEWAY_HAS_NO_TOKEN',
    );
    assert.match(
      (await page.getAttribute(byTestId(testIds.agentDetail.revokeToken), 'title')) ?? '',
      /revoke registration token frankfurt-edge/,
    );
  });

  test(
    'creates a template, sees an inline validation error, fixes it and saves a version',
    { timeout: 90_000 },
    async () => {
      await page.click(byTestId(testIds.nav.templates));
      await page.click(byTestId(testIds.templates.create));
      await page.fill(byTestId(testIds.templates.createName), 'edge-gateway-baseline');
      await page.fill(
        byTestId(testIds.templates.createDescription),
        'OTLP in, batched, with a traces pipeline for the Frankfurt edge',
      );
      await page.click(byTestId(testIds.templates.createSubmit));
      await page.waitForSelector(byTestId(testIds.templateEditor.page));
      state.templateId = (await page.getAttribute(byTestId(testIds.templateEditor.page), 'data-id')) ?? undefined;
      await page.waitForSelector(sel(testIds.templateEditor.versionBadge, { status: '1' }));
      await page.waitForFunction(
        (hook) => Boolean((globalThis as Record<string, unknown>)[hook]),
        testHooks.templateEditor,
        { timeout: 30_000 },
      );
      await page.waitForSelector(sel(testIds.templateEditor.validationStatus, { status: 'valid' }), {
        timeout: 20_000,
      });
      const starter = await editor.get(page);

      // A traces pipeline that exports to an exporter nobody defined.
      const broken =
        `${starter}    traces:\n      receivers: [otlp]\n` +
        `      processors: [batch]\n      exporters: [otlphttp/tempo]\n`;
      await editor.set(page, broken);
      await page.waitForSelector(sel(testIds.templateEditor.validationStatus, { status: 'invalid' }), {
        timeout: 20_000,
      });
      const problem = ((await page.textContent(byTestId(testIds.templateEditor.problem))) ?? '').trim();
      assert.match(problem, /otlphttp\/tempo/, `the problems list names the culprit: ${problem}`);
      const markers = await eventually(async () => {
        const m = (await editor.markers(page)).filter((x) => x.severity === 'error');
        return m.length > 0 ? m : null;
      }, 10_000);
      const brokenLine = broken.split('\n').findIndex((l) => l.includes('otlphttp/tempo')) + 1;
      assert.ok(
        markers.some((m) => m.line === brokenLine && /otlphttp\/tempo/.test(m.message)),
        `a Monaco error marker on line ${brokenLine}: ${JSON.stringify(markers)}`,
      );
      await page.waitForSelector(byTestId(testIds.templateEditor.dirtyIndicator));
      // Selecting the problem brings its line (and the squiggle) into view.
      await page.click(byTestId(testIds.templateEditor.problem));
      await shot('template-editor-invalid');

      // Fix: define the exporter.
      const fixed = broken.replace(
        'exporters:\n  debug:\n',
        'exporters:\n  otlphttp/tempo:\n    endpoint: https://tempo.example/otlp\n  debug:\n',
      );
      assert.notEqual(fixed, broken);
      await editor.set(page, fixed);
      await page.waitForSelector(sel(testIds.templateEditor.validationStatus, { status: 'valid' }), {
        timeout: 20_000,
      });
      await page.waitForSelector(byTestId(testIds.templateEditor.problemsEmpty));
      await eventually(
        async () => ((await editor.markers(page)).some((m) => m.severity === 'error') ? null : true),
        10_000,
      );

      await page.click(byTestId(testIds.templateEditor.save));
      await page.fill(byTestId(testIds.templateEditor.saveMessage), 'Add a traces pipeline to Tempo');
      await page.click(byTestId(testIds.templateEditor.saveSubmit));
      await page.waitForSelector(sel(testIds.templateEditor.versionBadge, { status: '2' }));
      await page.waitForSelector(byTestId(testIds.templateEditor.dirtyIndicator), { state: 'detached' });
      const saved = await server.api('GET', `/api/v1/templates/${state.templateId}/versions/2`);
      assert.equal(saved.status, 200);
      assert.match(saved.body.config_yaml, /otlphttp\/tempo:\n\s+endpoint: https:\/\/tempo\.example\/otlp/);
    },
  );

  test(
    'deploys the template to the gateway, watches it reach applied live, and rolls it back',
    { timeout: 90_000 },
    async () => {
      assert.ok(state.templateId && state.liveGatewayId, 'needs the template and gateway from the previous tests');
      const agent = agents[0]!;
      // The gateway answers only when told to, so the progress view is seen moving from pending to applied.
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      agent.opts.answer = async () => {
        await released;
        return null;
      };
      await page.click(byTestId(testIds.templateEditor.deploy));
      await page.waitForSelector(byTestId(testIds.deploymentCreate.page));
      // Preselected from the editor: this template, the version just saved.
      await hasValue(testIds.deploymentCreate.template, state.templateId!);
      await hasValue(testIds.deploymentCreate.version, '2');
      await page.click(byTestId(testIds.deploymentCreate.targetModeGateways));
      await page.check(`${sel(testIds.deploymentCreate.gatewayOption, { name: 'gw-fra-01' })} input`);
      await page.click(byTestId(testIds.deploymentCreate.strategyAllAtOnce));
      await page.fill(byTestId(testIds.deploymentCreate.name), 'Traces to Tempo on gw-fra-01');
      await page.click(byTestId(testIds.deploymentCreate.submit));
      await page.waitForSelector(byTestId(testIds.deploymentDetail.page));
      const target = (status: string) => sel(testIds.deploymentDetail.targetRow, { name: 'gw-fra-01', status });
      await page.waitForSelector(`${target('pending')}, ${target('applying')}`);
      await page.evaluate(() => ((globalThis as Record<string, unknown>).__flowgateNoReload = 'deployment'));
      release();
      await page.waitForSelector(target('applied'), { timeout: 20_000 });
      await page.waitForSelector(sel(testIds.deploymentDetail.status, { status: 'completed' }), { timeout: 20_000 });
      assert.equal(
        await page.evaluate(() => (globalThis as Record<string, unknown>).__flowgateNoReload),
        'deployment',
        'the progress view updated in place',
      );
      assert.match(agent.applied.at(-1) ?? '', /otlphttp\/tempo/, 'the gateway received version 2');
      agent.opts.answer = undefined;

      const appliedBefore = agent.applied.length;
      await page.click(byTestId(testIds.deploymentDetail.rollback));
      await page.click(byTestId(testIds.dialog.confirm));
      await page.waitForSelector(sel(testIds.deploymentDetail.status, { status: 'rolled_back' }), { timeout: 20_000 });
      await page.waitForSelector(target('rolled_back'));
      await eventually(async () => agent.applied.length > appliedBefore, 15_000);
      assert.doesNotMatch(
        agent.applied.at(-1) ?? '',
        /otlphttp\/tempo/,
        'the gateway went back to its previous configuration',
      );
    },
  );

  test(
    'deleting a secret a template references lists the template first; "Delete anyway" removes it',
    { timeout: 60_000 },
    async () => {
      // The latest version of a template referencing ${secret:NAME} is enough for the server to refuse.
      const put = await server.api('PUT', '/api/v1/secrets', {
        name: 'HONEYCOMB_API_KEY',
        value: 'hcaik_e2e_not_a_real_key',
      });
      assert.ok(put.status < 300, `PUT secret → ${put.status}`);
      const created = await server.api<{ id: string }>('POST', '/api/v1/templates', {
        name: 'traces-to-honeycomb',
        type: 'traces',
        config_yaml: TRACES_HONEYCOMB,
        message: 'Traces to Honeycomb',
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const templateId = created.body.id;
      const secretNames = async () =>
        (await server.api<{ items: { name: string }[] }>('GET', '/api/v1/secrets')).body.items.map((x) => x.name);

      await page.goto(`${server.url}/settings?tab=secrets`);
      const row = sel(testIds.settings.secretRow, { name: 'HONEYCOMB_API_KEY' });
      await page.click(`${row} ${byTestId(testIds.settings.secretDelete)}`);
      await page.click(byTestId(testIds.dialog.confirm));
      // Refused: the dialog stays open and names the template, linked to its editor.
      const ref = await page.waitForSelector(
        sel(testIds.settings.secretInUseRef, { kind: 'template', id: templateId }),
      );
      assert.match((await ref.textContent()) ?? '', /traces-to-honeycomb/);
      assert.equal(await ref.$eval('a', (a) => a.getAttribute('href')), `/templates/${templateId}`);
      assert.match(
        (await page.textContent(byTestId(testIds.settings.secretInUse))) ?? '',
        /templates that reference it fail validation until a secret named HONEYCOMB_API_KEY exists again/,
      );
      assert.ok((await secretNames()).includes('HONEYCOMB_API_KEY'), 'nothing was deleted');
      assert.equal(await page.$(byTestId(testIds.toast.item)), null, 'no success toast for a refused delete');
      await shot('secret-in-use');

      await page.click(byTestId(testIds.settings.secretDeleteAnyway));
      await page.waitForSelector(byTestId(testIds.settings.secretInUse), { state: 'detached' });
      await page.waitForSelector(row, { state: 'detached' });
      assert.match((await page.textContent(byTestId(testIds.toast.item))) ?? '', /Secret HONEYCOMB_API_KEY deleted/);
      assert.ok(!(await secretNames()).includes('HONEYCOMB_API_KEY'), 'the forced delete removed it');
    },
  );

  test('screenshots of every main page, light and dark, on a realistic fleet', { timeout: 150_000 }, async () => {
    const seed = await seedFleet();
    const pages: { name: string; path: string; ready: () => Promise<unknown> }[] = [
      {
        name: 'dashboard',
        path: '/',
        ready: async () => {
          await page.waitForSelector(
            `${byTestId(testIds.dashboard.recentDeployments)} ${byTestId(testIds.deployments.statusBadge)}`,
          );
          await page.waitForSelector(byTestId(testIds.dashboard.attentionItem));
        },
      },
      {
        name: 'agents',
        path: '/agents',
        ready: () =>
          page.waitForFunction(
            ([s, n]) => document.querySelectorAll(s!).length >= Number(n),
            [byTestId(testIds.agents.row), String(seed.gateways)],
          ),
      },
      {
        name: 'agent-detail',
        path: `/agents/${seed.degradedId}`,
        ready: async () => {
          await page.waitForSelector(byTestId(testIds.agentDetail.healthTree));
          await page.waitForSelector(byTestId(testIds.agentDetail.version));
        },
      },
      {
        name: 'templates',
        path: '/templates',
        ready: () => page.waitForSelector(sel(testIds.templates.row, { name: 'prod-metrics-cost-cut' })),
      },
      {
        name: 'template-editor',
        path: `/templates/${seed.metricsTemplateId}`,
        ready: async () => {
          await page.waitForFunction(
            (hook) => Boolean((globalThis as Record<string, unknown>)[hook]),
            testHooks.templateEditor,
            { timeout: 30_000 },
          );
          await page.waitForSelector(sel(testIds.templateEditor.validationStatus, { status: 'valid' }), {
            timeout: 20_000,
          });
        },
      },
      {
        name: 'template-diff',
        path: `/templates/${seed.metricsTemplateId}`,
        ready: async () => {
          await page.click(byTestId(testIds.templateEditor.tabHistory));
          await page.waitForSelector(byTestId(testIds.templateEditor.diffRow));
        },
      },
      {
        name: 'deployments',
        path: '/deployments',
        ready: () => page.waitForSelector(sel(testIds.deployments.row, { id: seed.pausedId })),
      },
      {
        name: 'deployment-progress',
        path: `/deployments/${seed.pausedId}`,
        ready: async () => {
          await page.waitForSelector(sel(testIds.deploymentDetail.status, { status: 'paused' }));
          await page.waitForSelector(sel(testIds.deploymentDetail.targetRow, { status: 'failed' }));
        },
      },
      {
        name: 'tokens',
        path: '/tokens',
        ready: () => page.waitForSelector(sel(testIds.tokens.row, { name: 'edge-fleet' })),
      },
      {
        name: 'settings',
        path: '/settings',
        ready: () => page.waitForSelector(byTestId(testIds.settings.generalForm)),
      },
    ];
    const takeAll = async () => {
      for (const p of pages) {
        await page.goto(`${server.url}${p.path}`);
        await page.waitForSelector(byTestId(testIds.app.shell));
        await p.ready();
        await settled();
        await shot(p.name);
      }
    };
    await takeAll();
    // Dark mode through the UI's own toggle; the choice survives the reloads of the second pass.
    await page.click(sel(testIds.header.themeToggle, { theme: 'light' }));
    await page.waitForSelector(sel(testIds.header.themeToggle, { theme: 'dark' }));
    await takeAll();
    const files = readdirSync(SHOTS);
    for (const p of pages)
      for (const theme of ['light', 'dark'])
        assert.ok(files.includes(`${p.name}-${theme}.png`), `${p.name}-${theme}.png saved`);
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
  });

  /**
   * A small fleet through the public API and OpAMP: five more gateways with tags, versions, health
   * (one with a failing exporter, one offline), own-metrics throughput, two templates with two versions
   * each, two completed deployments and a canary paused by a gateway that rejects the new config;
   * tokens (one revoked), secrets, an API key and a viewer for the settings pages.
   */
  async function seedFleet() {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const ok = async <T = any>(method: string, path: string, body?: unknown): Promise<T> => {
      const r = await server.api<T>(method, path, body);
      assert.ok(r.status >= 200 && r.status < 300, `${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    const token = (
      await ok<{ token: string }>('POST', '/api/v1/registration-tokens', { name: 'edge-fleet', expires_in_days: 90 })
    ).token;
    const old = await ok<{ id: string }>('POST', '/api/v1/registration-tokens', {
      name: 'laptop-trial',
      expires_in_days: 7,
      max_uses: 1,
    });
    await ok('DELETE', `/api/v1/registration-tokens/${old.id}`);
    await ok('PUT', '/api/v1/secrets', { name: 'LOKI_TOKEN', value: 'glc_e2e_not_a_real_token' });
    await ok('PUT', '/api/v1/secrets', { name: 'GRAFANA_API_KEY', value: 'glsa_e2e_not_a_real_key' });
    await ok('POST', '/api/v1/api-keys', { name: 'terraform', role: 'editor' });
    await ok('POST', '/api/v1/users', {
      email: 'sre-oncall@flowgate.e2e',
      password: 'e2e-viewer-password',
      name: 'SRE on-call',
    });
    const me = await ok<{ memberships: { org_id: string }[] }>('GET', '/api/v1/auth/me');
    await ok('POST', `/api/v1/orgs/${me.memberships[0]!.org_id}/members`, {
      email: 'sre-oncall@flowgate.e2e',
      role: 'viewer',
    });

    const rejectsFilter = (config: string) =>
      config.includes('filter/drop-debug')
        ? '\'processors\' unknown type: "filter" for id: "filter/drop-debug" (valid values: [batch memory_limiter])'
        : null;
    const fleet: {
      host: string;
      tags: Record<string, string>;
      version: string;
      answer?: (c: string) => string | null;
    }[] = [
      { host: 'gw-fra-02', tags: { env: 'prod', region: 'eu-central-1', team: 'platform' }, version: '0.149.0' },
      { host: 'gw-fra-03', tags: { env: 'prod', region: 'eu-central-1', team: 'platform' }, version: '0.149.0' },
      {
        host: 'gw-iad-01',
        tags: { env: 'prod', region: 'us-east-1', team: 'payments' },
        version: '0.148.0',
        answer: rejectsFilter,
      },
      { host: 'gw-sin-01', tags: { env: 'prod', region: 'ap-southeast-1' }, version: '0.147.0' },
      { host: 'gw-stg-01', tags: { env: 'staging', region: 'eu-central-1' }, version: '0.149.0' },
    ];
    for (const g of fleet) {
      const a = new TestAgent({
        url: wsUrl(),
        token,
        hostName: g.host,
        version: g.version,
        effectiveConfig: METRICS_V1,
        extraCapabilities: AgentCapability.ReportsOwnMetrics,
        answer: g.answer,
      });
      agents.push(a);
      await a.start();
    }
    const agentOf = (host: string) => agents.find((a) => a.opts.hostName === host)!;
    const ids: Record<string, string> = {};
    await eventually(async () => {
      for (const i of (await ok<{ items: { id: string; name: string }[] }>('GET', '/api/v1/gateways?limit=50')).items)
        ids[i.name] = i.id;
      return fleet.every((g) => ids[g.host]) ? true : null;
    }, 20_000);
    await ok('PUT', `/api/v1/gateways/${ids['gw-fra-01']}/tags`, { tags: { env: 'dev', region: 'eu-central-1' } });
    for (const g of fleet) await ok('PUT', `/api/v1/gateways/${ids[g.host]}/tags`, { tags: g.tags });

    // Own metrics: each gateway pushes its collector counters to the URL of its own_metrics offer.
    for (const [n, a] of agents.entries()) {
      const offer = await eventually(
        async () => a.received.find((m) => m.connectionSettings?.ownMetrics)?.connectionSettings?.ownMetrics,
        10_000,
      );
      const auth = offer.headers?.headers.find((h) => h.key.toLowerCase() === 'authorization')?.value ?? '';
      const received = 900_000 + 210_000 * n;
      const sent = Math.round(received * (0.38 + 0.05 * n));
      const counter = (name: string, value: number, attrs: Record<string, string>) => ({
        name,
        sum: {
          isMonotonic: true,
          aggregationTemporality: 2,
          dataPoints: [
            {
              asDouble: value,
              attributes: Object.entries(attrs).map(([key, v]) => ({ key, value: { stringValue: v } })),
            },
          ],
        },
      });
      const body = {
        resourceMetrics: [
          {
            scopeMetrics: [
              {
                metrics: [
                  counter('otelcol_receiver_accepted_metric_points', received, { receiver: 'otlp' }),
                  counter('otelcol_receiver_accepted_log_records', Math.round(received / 3), { receiver: 'otlp' }),
                  counter('otelcol_exporter_sent_metric_points', sent, { exporter: 'otlphttp/grafana' }),
                  counter('otelcol_exporter_sent_log_records', Math.round(sent / 4), { exporter: 'otlphttp/loki' }),
                  counter('otelcol_processor_incoming_items', received, {
                    processor: 'filter/drop-debug',
                    'otel.signal': 'metrics',
                  }),
                  counter('otelcol_processor_outgoing_items', sent, {
                    processor: 'filter/drop-debug',
                    'otel.signal': 'metrics',
                  }),
                ],
              },
            ],
          },
        ],
      };
      const r = await fetch(offer.destinationEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body: JSON.stringify(body),
      });
      assert.equal(r.status, 200, `own metrics of ${a.opts.hostName}: ${await r.text()}`);
    }

    const metrics = await ok<{ id: string }>('POST', '/api/v1/templates', {
      name: 'prod-metrics-cost-cut',
      description: 'Drop debug and Go GC metrics before they reach Grafana',
      type: 'metrics',
      config_yaml: METRICS_V1,
      message: 'Initial version: OTLP to Grafana',
    });
    await ok('POST', `/api/v1/templates/${metrics.id}/versions`, {
      config_yaml: METRICS_V2,
      message: 'Drop debug.heartbeat and go.gc.*, bigger batches',
      base_version: 1,
    });
    const logs = await ok<{ id: string }>('POST', '/api/v1/templates', {
      name: 'logs-severity-filter',
      description: 'Only INFO and above go to Loki',
      type: 'logs',
      config_yaml: LOGS_V1,
      message: 'Initial version',
    });
    await ok('POST', `/api/v1/templates/${logs.id}/versions`, {
      config_yaml: LOGS_V2,
      message: 'Raise the floor to WARN',
      base_version: 1,
    });

    const until = (id: string, status: string) =>
      eventually(
        async () =>
          (await ok<{ status: string }>('GET', `/api/v1/deployments/${id}`)).status === status ? true : null,
        30_000,
      );
    const staging = await ok<{ id: string }>('POST', '/api/v1/deployments', {
      name: 'Logs floor to WARN on staging',
      template_id: logs.id,
      version: 2,
      target: { tags: { env: 'staging' } },
      strategy: { type: 'all_at_once' },
    });
    const baseline = await ok<{ id: string }>('POST', '/api/v1/deployments', {
      name: 'Metrics baseline for prod',
      template_id: metrics.id,
      version: 1,
      target: { tags: { env: 'prod' } },
      strategy: { type: 'all_at_once' },
    });
    await until(staging.id, 'completed');
    await until(baseline.id, 'completed');

    // Then things go wrong: gw-fra-03's Loki exporter cannot connect, gw-sin-01 drops off the network,
    // and a canary of v2 (gw-fra-02 first, by name) pauses when gw-iad-01's older collector rejects it.
    agentOf('gw-fra-03').health = health(false, 'StatusRecoverableError', '', {
      'pipeline:metrics': health(true, 'StatusOK', '', {
        'receiver:otlp': health(true, 'StatusOK'),
        'processor:batch': health(true, 'StatusOK'),
        'exporter:otlphttp/grafana': health(true, 'StatusOK'),
      }),
      'pipeline:logs': health(false, 'StatusRecoverableError', '', {
        'receiver:otlp': health(true, 'StatusOK'),
        'processor:filter/severity': health(true, 'StatusOK'),
        'exporter:otlphttp/loki': health(
          false,
          'StatusRecoverableError',
          'Post "https://loki.example/otlp/v1/logs": dial tcp 10.0.4.12:443: connect: connection refused',
        ),
      }),
    });
    await agentOf('gw-fra-03').full();
    await agentOf('gw-sin-01').stop();
    await eventually(
      async () =>
        (await ok<{ connected: boolean }>('GET', `/api/v1/gateways/${ids['gw-sin-01']}`)).connected ? null : true,
      15_000,
    );
    const paused = await ok<{ id: string }>('POST', '/api/v1/deployments', {
      name: 'Drop debug metrics in prod',
      template_id: metrics.id,
      version: 2,
      target: { tags: { env: 'prod' } },
      strategy: { type: 'canary', batches: [25, 100], soak_seconds: 1, pause_on_failure: true },
    });
    await until(paused.id, 'paused');
    return {
      gateways: agents.length,
      degradedId: ids['gw-fra-03']!,
      metricsTemplateId: metrics.id,
      pausedId: paused.id,
    };
  }
});
