// Reading usage from live servers, through the one outbound module:
//   - Grafana: /api/search?type=dash-db (paged), /api/dashboards/uid/<uid> for each dashboard, and
//     /api/library-elements/<uid> for the library panels they use; bearer = a service-account token.
//   - any Prometheus-compatible rules API: GET <url>/api/v1/rules (Prometheus, Mimir, Thanos, VictoriaMetrics).
// Only I/O here: the answers go to the analysis worker as plain data.
import type { ErrorCode } from '@flowgate/config-model';
import type { SourceProblem } from '@flowgate/analysis';
import { OutboundError, type Outbound, type OutboundResponse } from '../../platform/outbound.ts';

export class ConnectorError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const SEARCH_PAGE = 1000;
const MAX_DASHBOARDS = 10_000;
const PARALLEL = 4;

const joinUrl = (base: string, path: string) => `${base.replace(/\/+$/, '')}${path}`;

async function getJson(
  outbound: Outbound,
  url: string,
  token: string | null,
  what: string,
): Promise<{ status: number; body: unknown }> {
  let res: OutboundResponse;
  try {
    res = await outbound.request({ url, headers: token ? { authorization: `Bearer ${token}` } : {} });
  } catch (err) {
    if (err instanceof OutboundError) throw new ConnectorError(err.code, err.message);
    throw err;
  }
  const origin = new URL(url).origin;
  if (res.status === 401 || res.status === 403)
    throw new ConnectorError(
      'USAGE_CONNECTOR_UNAUTHORIZED',
      `${origin} refused the request for ${what} (HTTP ${res.status}): ` +
        (token ? 'check the token in the secret and its permissions' : 'it needs a token (token_secret)'),
    );
  if (res.status === 404)
    throw new ConnectorError('USAGE_CONNECTOR_NOT_FOUND', `${url} answered 404: no ${what} at this URL`);
  if (res.status < 200 || res.status >= 300)
    throw new ConnectorError('USAGE_CONNECTOR_BAD_RESPONSE', `${url} answered HTTP ${res.status} for ${what}`);
  const text = res.body.toString('utf8');
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    const looksHtml = /^\s*</.test(text) || /html/i.test(res.contentType);
    throw new ConnectorError(
      'USAGE_CONNECTOR_BAD_RESPONSE',
      `${url} answered ${looksHtml ? 'an HTML page' : `something that is not JSON (${res.contentType || 'no content type'})`} ` +
        `instead of ${what}: is this the right URL?`,
    );
  }
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(lanes);
  return out;
}

export interface GrafanaRead {
  dashboards: { doc: unknown; url: string }[];
  libraryPanels: Record<string, Record<string, unknown>>;
  problems: SourceProblem[];
}

/** Library panel uids a dashboard document uses (classic panels, nested panels, v2 LibraryPanel elements). */
function libraryPanelUids(doc: unknown): string[] {
  const uids = new Set<string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    const lib = o.libraryPanel as Record<string, unknown> | undefined;
    if (lib && typeof lib.uid === 'string') uids.add(lib.uid);
    for (const [k, child] of Object.entries(o)) if (k !== 'libraryPanel') walk(child);
  };
  walk(doc);
  return [...uids];
}

export async function readGrafana(outbound: Outbound, baseUrl: string, token: string | null): Promise<GrafanaRead> {
  const hits: { uid: string; url: string; title: string }[] = [];
  for (let page = 1; hits.length < MAX_DASHBOARDS; page++) {
    const { body } = await getJson(
      outbound,
      joinUrl(baseUrl, `/api/search?type=dash-db&limit=${SEARCH_PAGE}&page=${page}`),
      token,
      'the Grafana dashboard search',
    );
    if (!Array.isArray(body))
      throw new ConnectorError(
        'USAGE_CONNECTOR_BAD_RESPONSE',
        `${baseUrl}/api/search did not answer a list of dashboards`,
      );
    for (const h of body as Record<string, unknown>[])
      if (typeof h?.uid === 'string')
        hits.push({
          uid: h.uid,
          url: typeof h.url === 'string' ? h.url : `/d/${h.uid}`,
          title: String(h.title ?? h.uid),
        });
    if (body.length < SEARCH_PAGE) break;
  }
  const problems: SourceProblem[] = [];
  const fetched = await mapLimit(hits, PARALLEL, async (hit) => {
    try {
      const { body } = await getJson(
        outbound,
        joinUrl(baseUrl, `/api/dashboards/uid/${encodeURIComponent(hit.uid)}`),
        token,
        `dashboard ${hit.uid}`,
      );
      return { doc: body, url: joinUrl(baseUrl, hit.url) };
    } catch (err) {
      // One dashboard that cannot be read does not hide all the others; it is listed on the source.
      if (err instanceof ConnectorError && err.code !== 'USAGE_CONNECTOR_UNAUTHORIZED') {
        problems.push({
          kind: 'dashboard_invalid',
          message: `"${hit.title}": ${err.message}`,
          location: { dashboard_uid: hit.uid, dashboard_title: hit.title },
        });
        return null;
      }
      throw err;
    }
  });
  const dashboards = fetched.filter((d): d is { doc: unknown; url: string } => d !== null);
  const libraryPanels: Record<string, Record<string, unknown>> = {};
  const uids = [...new Set(dashboards.flatMap((d) => libraryPanelUids(d.doc)))];
  await mapLimit(uids, PARALLEL, async (uid) => {
    try {
      const { body } = await getJson(
        outbound,
        joinUrl(baseUrl, `/api/library-elements/${encodeURIComponent(uid)}`),
        token,
        `library panel ${uid}`,
      );
      const result = (body as { result?: Record<string, unknown> })?.result;
      if (result && typeof result === 'object') libraryPanels[uid] = result;
    } catch (err) {
      // Left unresolved: the dashboard reader reports the panel as not resolvable.
      if (!(err instanceof ConnectorError) || err.code === 'USAGE_CONNECTOR_UNAUTHORIZED') throw err;
    }
  });
  return { dashboards, libraryPanels, problems };
}

export async function readPrometheusRules(outbound: Outbound, baseUrl: string, token: string | null): Promise<unknown> {
  const { body } = await getJson(
    outbound,
    joinUrl(baseUrl, '/api/v1/rules'),
    token,
    'a Prometheus rules API (/api/v1/rules)',
  );
  const data = (body as { data?: { groups?: unknown } })?.data;
  if (!data || !Array.isArray(data.groups))
    throw new ConnectorError(
      'USAGE_CONNECTOR_BAD_RESPONSE',
      `${joinUrl(baseUrl, '/api/v1/rules')} answered JSON that is not a rules API answer ({"data": {"groups": [...]}})`,
    );
  return body;
}
