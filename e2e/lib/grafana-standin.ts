// A STAND-IN for a Grafana server, for tests only: no Grafana can be installed here. It serves real
// public dashboards through the HTTP endpoints Grafana documents and the usage connector calls, and
// checks what Grafana checks (docs/testing.md says so):
//   GET /api/search?type=dash-db&limit=&page=   → [{uid, title, url: "/d/<uid>/<slug>", type: "dash-db"}]
//   GET /api/dashboards/uid/<uid>               → {dashboard, meta: {url, slug}}   (404 {message} if unknown)
//   GET /api/library-elements/<uid>             → {result: {uid, name, kind: 1, model}}   (404 if unknown)
// Every request needs `Authorization: Bearer <token>` with the service-account token it was given,
// else 401 {"message": "Unauthorized"} — as Grafana answers an invalid or missing token.
import { createServer, type Server } from 'node:http';

export interface GrafanaStandIn {
  url: string;
  /** Requests seen, as "METHOD path?query". */
  requests: string[];
  addDashboard(dashboard: Record<string, unknown>): void;
  addLibraryPanel(uid: string, name: string, model: Record<string, unknown>): void;
  close(): Promise<void>;
}

const slug = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

export async function startGrafanaStandIn(token: string): Promise<GrafanaStandIn> {
  const dashboards = new Map<string, Record<string, unknown>>();
  const library = new Map<string, { name: string; model: Record<string, unknown> }>();
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://standin');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${token}`) return send(401, { message: 'Unauthorized' });
    if (req.method !== 'GET') return send(405, { message: 'Method not allowed' });
    if (url.pathname === '/api/search') {
      const type = url.searchParams.get('type');
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 1000), 5000);
      const page = Math.max(Number(url.searchParams.get('page') ?? 1), 1);
      const all = type && type !== 'dash-db' ? [] : [...dashboards.values()];
      const hits = all.slice((page - 1) * limit, page * limit).map((d) => ({
        uid: d.uid,
        title: d.title,
        url: `/d/${d.uid}/${slug(String(d.title))}`,
        type: 'dash-db',
        tags: [],
      }));
      return send(200, hits);
    }
    let m = /^\/api\/dashboards\/uid\/([^/]+)$/.exec(url.pathname);
    if (m) {
      const d = dashboards.get(decodeURIComponent(m[1]!));
      if (!d) return send(404, { message: 'Dashboard not found' });
      return send(200, {
        dashboard: d,
        meta: { url: `/d/${d.uid}/${slug(String(d.title))}`, slug: slug(String(d.title)) },
      });
    }
    m = /^\/api\/library-elements\/([^/]+)$/.exec(url.pathname);
    if (m) {
      const uid = decodeURIComponent(m[1]!);
      const el = library.get(uid);
      if (!el) return send(404, { message: 'library element could not be found' });
      return send(200, {
        result: { uid, name: el.name, kind: 1, type: el.model.type ?? 'timeseries', model: el.model },
      });
    }
    send(404, { message: 'Not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    addDashboard(d) {
      dashboards.set(String(d.uid), d);
    },
    addLibraryPanel(uid, name, model) {
      library.set(uid, { name, model });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
