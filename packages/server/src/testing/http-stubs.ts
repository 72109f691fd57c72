// Real HTTP servers on 127.0.0.1 for tests of outbound calls: a webhook receiver whose answers a test
// scripts, and stand-ins for the Jira and GitHub REST APIs' create-issue endpoints. The stand-ins check
// what the real services check for that call (docs/testing.md): the path, the credentials in the form each
// service takes them, the content type and the fields it requires, and answer in the services' shapes.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

function readBody(req: import('node:http').IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export interface ScriptedAnswer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Answer after this long (a slow receiver). */
  delayMs?: number;
  /** Never answer (the connection stays open until the server closes). */
  hang?: boolean;
}

/** A webhook receiver: answers the n-th request (0-based) with answer(n), records every request. */
export async function startReceiver(
  answer: (n: number, req: ReceivedRequest) => ScriptedAnswer = () => ({ status: 200 }),
) {
  const requests: ReceivedRequest[] = [];
  const open = new Set<import('node:http').ServerResponse>();
  const server = createServer(async (req, res) => {
    const r: ReceivedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body: await readBody(req),
      at: Date.now(),
    };
    requests.push(r);
    const a = answer(requests.length - 1, r);
    if (a.hang) {
      open.add(res);
      return;
    }
    const send = () => {
      res.writeHead(a.status, { 'content-type': 'text/plain', ...a.headers });
      res.end(a.body ?? '');
    };
    if (a.delayMs) setTimeout(send, a.delayMs);
    else send();
  });
  const url = await listen(server);
  return {
    url,
    requests,
    async close() {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

const json = (res: import('node:http').ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' });
  res.end(JSON.stringify(body));
};

/**
 * Jira's create-issue endpoint (REST API v2): POST /rest/api/2/issue. Jira Cloud takes Basic auth with the
 * account's email and an API token; Server/Data Center a Bearer personal access token. A project key and an
 * issue type the site has, and a summary (≤ 255 characters) are required.
 */
export async function startJiraStub(opts: {
  email?: string;
  token: string;
  projects: string[];
  issueTypes?: string[];
}) {
  const issues: { key: string; fields: Record<string, unknown>; headers: IncomingHttpHeaders }[] = [];
  const types = opts.issueTypes ?? ['Bug', 'Task', 'Story'];
  const expected = opts.email
    ? `Basic ${Buffer.from(`${opts.email}:${opts.token}`).toString('base64')}`
    : `Bearer ${opts.token}`;
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    if (req.method !== 'POST' || req.url !== '/rest/api/2/issue')
      return json(res, 404, { errorMessages: ['Not found'] });
    if (req.headers.authorization !== expected)
      return json(res, 401, {
        errorMessages: ['You are not authenticated. Authentication required to perform this operation.'],
      });
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json'))
      return json(res, 415, { errorMessages: ['Unsupported Media Type'] });
    let fields: Record<string, { key?: string; name?: string } | string | string[]>;
    try {
      fields = (JSON.parse(body) as { fields: typeof fields }).fields ?? {};
    } catch {
      return json(res, 400, { errorMessages: ['Unexpected character in JSON body'] });
    }
    const errors: Record<string, string> = {};
    const project = (fields.project as { key?: string } | undefined)?.key;
    if (!project || !opts.projects.includes(project)) errors.project = 'valid project is required';
    const type = (fields.issuetype as { name?: string } | undefined)?.name;
    if (!type || !types.includes(type)) errors.issuetype = 'valid issue type is required';
    const summary = fields.summary;
    if (typeof summary !== 'string' || !summary.trim()) errors.summary = 'You must specify a summary of the issue.';
    else if (summary.length > 255) errors.summary = 'Summary must be less than 255 characters.';
    if (fields.description !== undefined && typeof fields.description !== 'string')
      errors.description = 'Operation value must be a string';
    if (Array.isArray(fields.labels) && fields.labels.some((l) => /\s/.test(l)))
      errors.labels = 'The label must not contain spaces.';
    if (Object.keys(errors).length) return json(res, 400, { errorMessages: [], errors });
    const key = `${project}-${issues.length + 1}`;
    issues.push({ key, fields: fields as Record<string, unknown>, headers: req.headers });
    const url = `http://${req.headers.host}`;
    json(res, 201, {
      id: String(10000 + issues.length),
      key,
      self: `${url}/rest/api/2/issue/${10000 + issues.length}`,
    });
  });
  const url = await listen(server);
  return { url, issues, close: () => new Promise((r) => server.close(r)) };
}

/**
 * GitHub's create-issue endpoint: POST /repos/{owner}/{repo}/issues. Needs a token (Authorization: Bearer
 * or token), a User-Agent (GitHub refuses requests without one), a supported X-GitHub-Api-Version when one
 * is sent, a repository the token can see, and a title.
 */
export async function startGithubStub(opts: { token: string; repositories: string[] }) {
  const issues: {
    repository: string;
    number: number;
    title: string;
    body: string;
    labels: string[];
    headers: IncomingHttpHeaders;
  }[] = [];
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const m = /^\/repos\/([^/]+\/[^/]+)\/issues$/.exec(req.url ?? '');
    if (!req.headers['user-agent'])
      return json(res, 403, {
        message: 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header',
      });
    const auth = req.headers.authorization ?? '';
    if (auth !== `Bearer ${opts.token}` && auth !== `token ${opts.token}`)
      return json(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    const version = req.headers['x-github-api-version'];
    if (version && version !== '2022-11-28')
      return json(res, 400, { message: `API version ${String(version)} is not supported.` });
    if (req.method !== 'POST' || !m || !opts.repositories.includes(m[1]!))
      return json(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    let issue: { title?: unknown; body?: unknown; labels?: unknown };
    try {
      issue = JSON.parse(body) as typeof issue;
    } catch {
      return json(res, 400, { message: 'Problems parsing JSON' });
    }
    if (typeof issue.title !== 'string' || !issue.title)
      return json(res, 422, {
        message: 'Validation Failed',
        errors: [{ resource: 'Issue', code: 'missing_field', field: 'title' }],
      });
    const number = issues.length + 1;
    issues.push({
      repository: m[1]!,
      number,
      title: issue.title,
      body: typeof issue.body === 'string' ? issue.body : '',
      labels: Array.isArray(issue.labels) ? (issue.labels as string[]) : [],
      headers: req.headers,
    });
    json(res, 201, {
      id: 1000 + number,
      number,
      html_url: `https://github.com/${m[1]}/issues/${number}`,
      state: 'open',
    });
  });
  const url = await listen(server);
  return { url, issues, close: () => new Promise((r) => server.close(r)) };
}
