// Redis (Debian redis-server 7.0): a primary and a replica on free ports, loglevel verbose (client connections),
// RDB saves on a short schedule; load: redis-benchmark, one-shot redis-cli clients, BGSAVE / BGREWRITEAOF,
// CLIENT KILL, an HTTP request sent to the Redis port, a replica restart (partial resync), shutdown of both.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { daemon, freePort, log, rng, run, sleep, tcp, waitPort } from '../lib.mjs';

export async function collectRedis(outFile, tmp) {
  const primaryDir = join(tmp, 'primary');
  const replicaDir = join(tmp, 'replica');
  mkdirSync(primaryDir);
  mkdirSync(replicaDir);
  const port = await freePort();
  const replicaPort = await freePort();
  const common = ['--bind', '127.0.0.1', '--loglevel', 'verbose', '--logfile', '', '--daemonize', 'no'];
  const primary = daemon(
    'redis-server',
    ['--port', String(port), '--dir', primaryDir, '--save', '5 50', '--appendonly', 'no', ...common],
    outFile,
  );
  let replica = null;
  const cli = (...args) => run('redis-cli', ['-p', String(port), ...args]);
  try {
    await waitPort(port);
    log('redis', `primary ${port}, replica ${replicaPort}`);
    const startReplica = async () => {
      replica = daemon(
        'redis-server',
        ['--port', String(replicaPort), '--dir', replicaDir, '--replicaof', '127.0.0.1', String(port), ...common],
        outFile,
      );
      await waitPort(replicaPort);
    };
    await startReplica();
    await sleep(2000);
    const r = rng(11);
    for (let round = 0; round < 4; round++) {
      log('redis', `round ${round}`);
      await run(
        'redis-benchmark',
        [
          '-p',
          String(port),
          '-q',
          '-c',
          String(4 + round),
          '-n',
          '2000',
          '-t',
          r.pick(['set,get', 'incr,lpush', 'hset,sadd']),
        ],
        { timeoutMs: 60_000 },
      );
      for (let i = 0; i < 130; i++) {
        const key = `user:${r.int(1, 5000)}`;
        await cli(
          ...r.pick([
            ['SET', key, String(r.int(1, 1e6))],
            ['GET', key],
            ['INCR', `hits:${r.int(1, 50)}`],
            ['DEL', key],
            ['PING'],
          ]),
        );
      }
      if (round === 1) {
        await cli('BGSAVE');
        await sleep(1000);
        await cli('BGREWRITEAOF');
        await sleep(1000);
      }
      if (round === 2) {
        // Someone pointing an HTTP client at Redis.
        for (let i = 0; i < 3; i++) await tcp(port, `POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
        const list = await cli('CLIENT', 'LIST');
        void list;
        await cli('CONFIG', 'SET', 'maxmemory', '64mb');
        await cli('CLIENT', 'KILL', 'TYPE', 'replica');
        await sleep(3000);
      }
      if (round === 3) {
        await run('redis-cli', ['-p', String(replicaPort), 'SHUTDOWN', 'NOSAVE']);
        await replica.stop();
        await sleep(1500);
        for (let i = 0; i < 20; i++) await cli('SET', `k${i}`, 'v');
        await startReplica();
        await sleep(3000);
      }
      await sleep(6000);
    }
    log('redis', 'shutdown');
    await run('redis-cli', ['-p', String(replicaPort), 'SHUTDOWN']);
    await replica?.stop();
    await cli('SHUTDOWN');
    await primary.stop();
  } finally {
    await replica?.stop('SIGKILL', 2000);
    await primary.stop('SIGKILL', 2000);
  }
}
