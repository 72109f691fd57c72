// PostgreSQL (Debian postgresql-15): a throwaway cluster on a free port, the Debian log_line_prefix, connection
// and checkpoint logging on; load: pgbench with a connection per transaction, failing statements of many
// kinds, wrong passwords / unknown roles and databases / a pg_hba reject, lock waits and a deadlock, temp
// files, slow statements, cancel and terminate, autovacuum, a fast shutdown.
import { chownSync, mkdirSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { daemon, freePort, log, must, rng, run, sleep, waitPort } from '../lib.mjs';

const PASSWORD = 'corpus-pw';

export async function collectPostgres(outFile, tmp) {
  const dir = join(tmp, 'postgres');
  mkdirSync(dir, { recursive: true });
  const pg = {
    uid: Number((await must('id', ['-u', 'postgres'])).stdout.trim()),
    gid: Number((await must('id', ['-g', 'postgres'])).stdout.trim()),
  };
  const pw = join(dir, 'pw');
  writeFileSync(pw, PASSWORD + '\n');
  chownSync(tmp, pg.uid, pg.gid);
  chownSync(dir, pg.uid, pg.gid);
  chownSync(pw, pg.uid, pg.gid);
  const data = join(dir, 'data');
  await must('runuser', [
    '-u',
    'postgres',
    '--',
    '/usr/lib/postgresql/15/bin/initdb',
    '-D',
    data,
    '-U',
    'postgres',
    '-A',
    'scram-sha-256',
    `--pwfile=${pw}`,
  ]);
  // pg_hba: a reject line first for one role, then password auth for everyone else.
  writeFileSync(
    join(data, 'pg_hba.conf'),
    [
      'host all blocked 127.0.0.1/32 reject',
      'local all all scram-sha-256',
      'host all all 127.0.0.1/32 scram-sha-256',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  appendFileSync(
    join(data, 'postgresql.conf'),
    [
      `port = ${port}`,
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${dir}'`,
      "log_line_prefix = '%m [%p] %q%u@%d '", // the Debian default
      'log_connections = on',
      'log_disconnections = on',
      'log_checkpoints = on',
      'log_lock_waits = on',
      "deadlock_timeout = '300ms'",
      'log_temp_files = 0',
      'log_min_duration_statement = 200',
      'log_autovacuum_min_duration = 0',
      "autovacuum_naptime = '2s'",
      'autovacuum_vacuum_threshold = 20',
      'autovacuum_analyze_threshold = 20',
      '',
    ].join('\n'),
  );
  const server = daemon(
    'runuser',
    ['-u', 'postgres', '--', '/usr/lib/postgresql/15/bin/postgres', '-D', data],
    outFile,
  );
  try {
    await load(port, dir, data);
  } finally {
    await server.stop();
  }
}

async function load(port, dir, data) {
  await waitPort(port);
  await sleep(500);
  const env = { PGPASSWORD: PASSWORD, PGHOST: '127.0.0.1', PGPORT: String(port), PGUSER: 'postgres' };
  const psql = (db, sql, extra = {}) =>
    run('psql', ['-X', '-q', '-d', db, '-v', 'ON_ERROR_STOP=0', '-c', sql], { env: { ...env, ...extra } });
  const psqlFile = (db, sql, extra = {}) =>
    run('psql', ['-X', '-q', '-d', db, '-v', 'ON_ERROR_STOP=0'], { env: { ...env, ...extra }, input: sql });
  const r = rng(7);
  log('postgres', `port ${port}`);

  await psqlFile(
    'postgres',
    `CREATE ROLE app LOGIN PASSWORD '${PASSWORD}'; CREATE ROLE reporting LOGIN PASSWORD '${PASSWORD}';` +
      `CREATE ROLE blocked LOGIN PASSWORD '${PASSWORD}'; CREATE DATABASE shop OWNER app;`,
  );
  await psqlFile(
    'shop',
    `CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL UNIQUE, created timestamptz DEFAULT now());
     CREATE TABLE orders (id serial PRIMARY KEY, customer int REFERENCES customers(id), total numeric CHECK (total >= 0));
     CREATE TABLE accounts (id int PRIMARY KEY, balance int);
     INSERT INTO accounts VALUES (1, 100), (2, 100);
     INSERT INTO customers SELECT g, 'user' || g || '@example.com' FROM generate_series(1, 500) g;
     ALTER TABLE customers OWNER TO app; ALTER TABLE orders OWNER TO app; ALTER TABLE accounts OWNER TO app;`,
    { PGUSER: 'app' },
  );
  await must('pgbench', ['-i', '-s', '1', '-q', 'shop'], { env: { ...env, PGUSER: 'app' } });

  // A connection per transaction: the connection received / authorized / disconnection lines of a busy app.
  log('postgres', 'pgbench');
  await run('pgbench', ['-C', '-c', '2', '-j', '1', '-t', '120', '-n', 'shop'], {
    env: { ...env, PGUSER: 'app' },
    timeoutMs: 120_000,
  });

  log('postgres', 'failing statements');
  const failing = () => {
    const n = r.int(1, 9999);
    return r.pick([
      `SELECT * FROM missing_table_${n};`,
      `SELECT nosuchcolumn_${n % 7} FROM customers LIMIT 1;`,
      `SELEC id FROM customers;`,
      `SELECT ${n} / 0;`,
      `INSERT INTO customers (id, email) VALUES (${r.int(1, 500)}, 'dup${n}@example.com');`,
      `INSERT INTO customers (id, email) VALUES (${1000 + n}, NULL);`,
      `INSERT INTO orders (customer, total) VALUES (${100000 + n}, 10);`,
      `INSERT INTO orders (customer, total) VALUES (1, -${n});`,
      `SELECT 'abc${n}'::int;`,
      `SELECT * FROM customers WHERE id = '${n}x';`,
      `UPDATE accounts SET balance = balance + 1 WHERE id = 1; SELECT pg_sleep(0.01);`,
      `SELECT count(*) FROM customers;`,
    ]);
  };
  for (let session = 0; session < 12; session++) {
    const stmts = Array.from({ length: 14 }, failing).join('\n');
    await psqlFile('shop', stmts, { PGUSER: r.pick(['app', 'app', 'reporting']) });
  }
  // reporting may not read app's tables
  await psqlFile('shop', 'SELECT * FROM customers LIMIT 1;\nDELETE FROM orders;\n', { PGUSER: 'reporting' });

  log('postgres', 'authentication failures');
  for (let i = 0; i < 25; i++) {
    const kind = i % 5;
    if (kind === 0) await psql('shop', 'SELECT 1', { PGUSER: 'app', PGPASSWORD: `wrong${i}` });
    if (kind === 1) await psql('shop', 'SELECT 1', { PGUSER: r.pick(['admin', 'root', 'test', 'oracle', 'guest']) });
    if (kind === 2) await psql(r.pick(['shop_prod', 'analytics', 'app']), 'SELECT 1', { PGUSER: 'app' });
    if (kind === 3) await psql('shop', 'SELECT 1', { PGUSER: 'blocked' });
    if (kind === 4) await psql('shop', 'SELECT 1', { PGUSER: 'postgres', PGPASSWORD: '' });
  }

  log('postgres', 'lock waits and a deadlock');
  for (let round = 0; round < 3; round++) {
    const a = psqlFile(
      'shop',
      'BEGIN; UPDATE accounts SET balance = balance - 1 WHERE id = 1; SELECT pg_sleep(0.6); ' +
        'UPDATE accounts SET balance = balance + 1 WHERE id = 2; COMMIT;',
      { PGUSER: 'app' },
    );
    await sleep(100);
    const b = psqlFile(
      'shop',
      'BEGIN; UPDATE accounts SET balance = balance - 1 WHERE id = 2; SELECT pg_sleep(0.6); ' +
        'UPDATE accounts SET balance = balance + 1 WHERE id = 1; COMMIT;',
      { PGUSER: 'app' },
    );
    await Promise.all([a, b]);
  }

  log('postgres', 'temp files, slow statements, cancel, terminate');
  for (let i = 0; i < 6; i++) {
    await psql(
      'shop',
      `SET work_mem = '64kB'; SELECT g FROM generate_series(1, ${50000 + i * 1000}) g ORDER BY g DESC LIMIT 1;`,
      {
        PGUSER: 'app',
      },
    );
    await psql('shop', `SELECT pg_sleep(0.${2 + (i % 3)}${i});`, { PGUSER: 'app' });
  }
  for (let i = 0; i < 3; i++) {
    const victim = psql('shop', "SET application_name = 'batch-job'; SELECT pg_sleep(5);", { PGUSER: 'app' });
    await sleep(600);
    await psql(
      'postgres',
      `SELECT ${i === 2 ? 'pg_terminate_backend' : 'pg_cancel_backend'}(pid) FROM pg_stat_activity WHERE application_name = 'batch-job';`,
    );
    await victim;
  }

  log('postgres', 'writes for autovacuum, checkpoints');
  for (let i = 0; i < 4; i++) {
    await psql('shop', `UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid <= ${2000 + i * 500};`, {
      PGUSER: 'app',
    });
    await psql('shop', `DELETE FROM customers WHERE id > ${480 - i * 10};`, { PGUSER: 'app' });
    await sleep(2500);
  }
  await psql('postgres', 'CHECKPOINT;');
  await psql('shop', 'VACUUM ANALYZE customers;', { PGUSER: 'app' });
  await sleep(3000);
  await psql('postgres', 'CHECKPOINT;');

  log('postgres', 'shutdown');
  await must('runuser', [
    '-u',
    'postgres',
    '--',
    '/usr/lib/postgresql/15/bin/pg_ctl',
    '-D',
    data,
    '-m',
    'fast',
    'stop',
  ]);
}
