// Browser plumbing shared by the Chromium UI tests (e2e/ui*.test.ts): playwright-core driving Debian's
// chromium, headless, 1366×768; the UI bundle rebuilt when stale; screenshots in
// e2e/artifacts/screenshots/<page>-<light|dark>.png. Selectors come only from the UI's shared registry
// (packages/ui/src/lib/testids.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { testIds, byTestId } from '../../packages/ui/src/lib/testids.ts';
import { repoRoot, ADMIN } from './server.ts';

export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];
export const SHOTS = join(repoRoot, 'e2e/artifacts/screenshots');
const UI_DIR = join(repoRoot, 'packages/ui');

/** `skip` option for a describe(): a reason when chromium is missing, else false. */
export const skipWithoutChromium = existsSync(CHROMIUM)
  ? false
  : `chromium is not installed at ${CHROMIUM} (apt-get install chromium); the browser tests need it`;

/** `[data-testid="…"][data-k="v"]…` */
export const sel = (id: string, attrs: Record<string, string> = {}) =>
  byTestId(id) +
  Object.entries(attrs)
    .map(([k, v]) => `[data-${k}="${v}"]`)
    .join('');

/** Newest modification time under a directory (the UI sources), to rebuild a stale dist. */
function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    const s = statSync(full);
    t = Math.max(t, s.isDirectory() ? newest(full) : s.mtimeMs);
  }
  return t;
}

/** Builds packages/ui when dist is missing or older than its sources. */
export function ensureUiBuilt() {
  const index = join(UI_DIR, 'dist/index.html');
  const sources = Math.max(newest(join(UI_DIR, 'src')), statSync(join(UI_DIR, 'index.html')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const r = spawnSync('npm', ['run', 'build', '-w', '@flowgate/ui'], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (r.status !== 0) throw new Error(`UI build failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors of the page (a test may assert there were none). */
  pageErrors: string[];
  /** Screenshot of the current page as SHOTS/<name>-<theme>.png, toasts dismissed first. */
  shot(name: string): Promise<void>;
  /** Screenshot named after a failed test (call from afterEach). */
  shotOnFailure(t: { name: string; passed?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export async function openBrowser(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  const userDataDir = mkdtempSync(join(tmpdir(), 'flowgate-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1366, height: 768 },
    timeout: 30_000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  page.setDefaultNavigationTimeout(20_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return {
    context,
    page,
    pageErrors,
    async shot(name) {
      for (const dismiss of await page.$$(byTestId(testIds.toast.dismiss)))
        await dismiss.click().catch(() => undefined);
      await page.waitForSelector(byTestId(testIds.toast.item), { state: 'detached' });
      const theme = await page.getAttribute(byTestId(testIds.header.themeToggle), 'data-theme');
      await page.screenshot({
        path: join(SHOTS, `${name}-${theme ?? 'light'}.png`),
        animations: 'disabled',
        caret: 'hide',
      });
    },
    async shotOnFailure(t) {
      if (t.passed !== false) return;
      const slug = t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
      await page.screenshot({ path: join(SHOTS, `FAILED-${slug}.png`) }).catch(() => undefined);
    },
    async close() {
      await context.close().catch(() => undefined);
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Logs in through the login form as the bootstrap admin and waits for the app shell. */
export async function login(page: Page, serverUrl: string, path = '/') {
  await page.goto(`${serverUrl}${path}`);
  await page.waitForSelector(byTestId(testIds.login.form));
  await page.fill(byTestId(testIds.login.email), ADMIN.email);
  await page.fill(byTestId(testIds.login.password), ADMIN.password);
  await page.press(byTestId(testIds.login.password), 'Enter');
  await page.waitForSelector(byTestId(testIds.header.themeToggle));
}
