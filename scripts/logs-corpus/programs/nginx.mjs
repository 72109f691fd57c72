// nginx (Debian nginx 1.22): one server on a free port with the combined access log and the error log at
// level info; load: requests from several clients (curl, browsers, bots, probes) for pages, static files,
// missing files, a denied location, a redirect, a dead upstream (502), a too-large body (413), malformed
// requests and TLS bytes sent to the plain-HTTP port, client aborts.
import { mkdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { daemon, freePort, log, rng, run, sleep, tcp, waitPort } from '../lib.mjs';

const agents = [
  'curl/7.88.1',
  'Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
  'python-requests/2.31.0',
  'Go-http-client/1.1',
  'kube-probe/1.29',
  'Prometheus/2.42.0',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
];

export async function collectNginx(outFile, tmp) {
  const www = join(tmp, 'www');
  mkdirSync(join(www, 'static'), { recursive: true });
  mkdirSync(join(www, 'private'), { recursive: true });
  mkdirSync(join(www, 'docs'), { recursive: true });
  writeFileSync(join(www, 'index.html'), '<h1>shop</h1>\n');
  writeFileSync(join(www, 'static', 'app.js'), 'console.log(1);\n'.repeat(200));
  writeFileSync(join(www, 'static', 'style.css'), 'body{}\n'.repeat(50));
  writeFileSync(join(www, 'private', 'secret.txt'), 'no\n');
  const port = await freePort();
  const dead = await freePort();
  const conf = join(tmp, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1;
error_log ${tmp}/error.log info;
pid ${tmp}/nginx.pid;
events { worker_connections 128; }
http {
  include /etc/nginx/mime.types;
  access_log ${tmp}/access.log combined;
  client_body_temp_path ${tmp}/body;
  proxy_temp_path ${tmp}/proxy;
  fastcgi_temp_path ${tmp}/fastcgi;
  uwsgi_temp_path ${tmp}/uwsgi;
  scgi_temp_path ${tmp}/scgi;
  client_max_body_size 1k;
  keepalive_timeout 2s;
  server {
    listen 127.0.0.1:${port};
    root ${www};
    location / { try_files $uri $uri/ =404; }
    location /private/ { deny all; }
    location /old/ { return 301 /static/; }
    location /api/ { proxy_pass http://127.0.0.1:${dead}; proxy_connect_timeout 1s; }
    location /upload { return 204; }
  }
}
`,
  );
  const server = daemon('nginx', ['-p', tmp, '-c', conf, '-g', 'daemon off; user root;'], join(tmp, 'stderr.txt'));
  try {
    await waitPort(port);
    log('nginx', `port ${port}`);
    const r = rng(23);
    const base = `http://127.0.0.1:${port}`;
    const curl = (args) => run('curl', ['-s', '-o', '/dev/null', '--max-time', '3', ...args]);
    for (let i = 0; i < 700; i++) {
      const ua = r.pick(agents);
      const ref =
        r.next() < 0.3 ? ['-e', r.pick([`${base}/`, 'https://www.example.com/search?q=shop', `${base}/static/`])] : [];
      const roll = r.next();
      if (roll < 0.3)
        await curl(['-A', ua, ...ref, `${base}${r.pick(['/', '/index.html', '/static/app.js', '/static/style.css'])}`]);
      else if (roll < 0.5)
        await curl([
          '-A',
          ua,
          ...ref,
          `${base}/${r.pick(['wp-login.php', 'favicon.ico', 'robots.txt', `products/${r.int(1, 300)}`, `.env`, 'admin/config.php'])}`,
        ]);
      else if (roll < 0.58) await curl(['-A', ua, `${base}/private/${r.pick(['secret.txt', 'keys', ''])}`]);
      else if (roll < 0.64) await curl(['-A', ua, `${base}/old/${r.pick(['a', 'b.html', ''])}`]);
      else if (roll < 0.72)
        await curl([
          '-A',
          ua,
          `${base}/api/orders/${r.int(1, 9999)}?include=${r.pick(['items', 'customer', 'items,customer'])}`,
        ]);
      else if (roll < 0.78)
        await curl(['-A', ua, '-X', 'POST', '--data-binary', 'x'.repeat(r.pick([10, 500, 4000])), `${base}/upload`]);
      else if (roll < 0.82) await curl(['-A', ua, '-I', `${base}/static/app.js`]);
      else if (roll < 0.85) await curl(['-A', ua, `${base}/docs/`]);
      else if (roll < 0.9) await curl(['-A', 'kube-probe/1.29', `${base}/healthz`]);
      else if (roll < 0.93)
        await tcp(
          port,
          r.pick([
            '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03',
            'GET /\r\n\r\n',
            'HELLO\r\n\r\n',
            'GET /%%% HTTP/1.1\r\nHost: x\r\n\r\n',
          ]),
          300,
        );
      else if (roll < 0.96) await tcp(port, `GET /static/app.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, 1);
      else await curl(['-A', ua, '-X', r.pick(['PUT', 'DELETE', 'OPTIONS']), `${base}/products/${r.int(1, 300)}`]);
    }
    await sleep(2500);
    log('nginx', 'reload and stop');
    await run('nginx', ['-p', tmp, '-c', conf, '-s', 'reload']);
    await sleep(1500);
    await run('nginx', ['-p', tmp, '-c', conf, '-s', 'quit']);
    await server.exited;
  } finally {
    await server.stop('SIGKILL', 2000);
  }
  writeFileSync(outFile, '');
  for (const f of ['access.log', 'error.log']) appendFileSync(outFile, readFileSync(join(tmp, f)));
}
