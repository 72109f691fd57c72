/* global process */
// OpenSSH sshd (Debian openssh-server 9.2) logging through rsyslog (Debian rsyslog 8.2302) in the traditional
// syslog file format, as /var/log/auth.log has it. Both run in a private mount namespace (`unshare -m`) whose
// /dev/log is rsyslog's socket and whose /run holds sshd's privilege-separation directory, so nothing on the
// host changes. Load: public-key logins that run a command, wrong passwords, invalid users, an unknown key,
// too many attempts, clients that offer only a cipher the server refuses, port scans and HTTP sent to the port.
import { mkdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { daemon, freePort, log, must, rng, run, sleep, tcp, waitPort } from '../lib.mjs';

const namespaceScript = (d) => `set -e
mkdir -p ${d}/dev
for f in null zero random urandom tty; do touch ${d}/dev/$f; mount --bind /dev/$f ${d}/dev/$f; done
mount --rbind ${d}/dev /dev
mount -t tmpfs tmpfs /run
mkdir -m 755 /run/sshd
rsyslogd -n -f ${d}/rsyslog.conf -i ${d}/rsyslog.pid &
for i in $(seq 50); do [ -S /dev/log ] && break; sleep 0.1; done
exec /usr/sbin/sshd -D -f ${d}/sshd_config
`;

export async function collectSshd(outFile, tmp) {
  const d = tmp;
  const port = await freePort();
  for (const t of ['ed25519', 'ecdsa', 'rsa'])
    await must('ssh-keygen', ['-q', '-t', t, '-N', '', '-f', join(d, `host_${t}`)]);
  await must('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'deploy@ci', '-f', join(d, 'client_key')]);
  await must('ssh-keygen', [
    '-q',
    '-t',
    'rsa',
    '-b',
    '2048',
    '-N',
    '',
    '-C',
    'old@laptop',
    '-f',
    join(d, 'unknown_key'),
  ]);
  copyFileSync(join(d, 'client_key.pub'), join(d, 'authorized_keys'));
  mkdirSync(join(d, 'rsyslog'));
  writeFileSync(
    join(d, 'rsyslog.conf'),
    `global(workDirectory="${d}/rsyslog" localHostName="gw-eu-1")
module(load="imuxsock" SysSock.Name="/dev/log")
*.* action(type="omfile" file="${d}/auth.log" template="RSYSLOG_TraditionalFileFormat")
`,
  );
  writeFileSync(
    join(d, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      ...['ed25519', 'ecdsa', 'rsa'].map((t) => `HostKey ${d}/host_${t}`),
      `PidFile ${d}/sshd.pid`,
      'UsePAM no',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      `AuthorizedKeysFile ${d}/authorized_keys`,
      'StrictModes no',
      'LogLevel VERBOSE',
      'SyslogFacility AUTH',
      'MaxAuthTries 3',
      '',
    ].join('\n'),
  );
  const ns = daemon('unshare', ['-m', '--propagation', 'private', 'sh', '-c', namespaceScript(d)], join(d, 'ns.txt'));
  try {
    await waitPort(port);
    log('sshd', `port ${port}`);
    const r = rng(31);
    const opts = [
      '-p',
      String(port),
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      '-o',
      'LogLevel=QUIET',
    ];
    const ssh = (args, extra = {}) => run('ssh', [...opts, ...args], { timeoutMs: 20_000, ...extra });
    const password = (user, pw, tries = 1) =>
      run(
        'sshpass',
        [
          '-p',
          pw,
          'ssh',
          ...opts,
          '-o',
          'PubkeyAuthentication=no',
          '-o',
          'PreferredAuthentications=password',
          '-o',
          `NumberOfPasswordPrompts=${tries}`,
          `${user}@127.0.0.1`,
          'true',
        ],
        { timeoutMs: 20_000 },
      );
    const users = [
      'admin',
      'test',
      'ubuntu',
      'oracle',
      'git',
      'pi',
      'deploy',
      'user',
      'support',
      'ftpuser',
      'postgres',
      'nobody',
      'root',
    ];
    for (let i = 0; i < 300; i++) {
      const roll = r.next();
      if (roll < 0.25)
        await ssh([
          '-i',
          join(d, 'client_key'),
          '-o',
          'BatchMode=yes',
          'root@127.0.0.1',
          r.pick(['true', 'uptime', 'df -h /']),
        ]);
      else if (roll < 0.6) await password(r.pick(users), `pw${r.int(1, 999)}`, r.next() < 0.2 ? 4 : 1);
      else if (roll < 0.7)
        await ssh([
          '-i',
          join(d, 'unknown_key'),
          '-o',
          'BatchMode=yes',
          '-o',
          'IdentitiesOnly=yes',
          `${r.pick(['root', 'deploy', 'git'])}@127.0.0.1`,
          'true',
        ]);
      else if (roll < 0.76)
        await ssh([
          '-o',
          'BatchMode=yes',
          '-o',
          `Ciphers=${r.pick(['aes128-cbc', '3des-cbc'])}`,
          'root@127.0.0.1',
          'true',
        ]);
      else if (roll < 0.84) await tcp(port, undefined, 200);
      else if (roll < 0.9)
        await tcp(port, r.pick(['GET / HTTP/1.1\r\nHost: x\r\n\r\n', 'SSH-2.0-Go\r\n', '\x16\x03\x01\x00']), 500);
      else
        await ssh(['-o', 'BatchMode=yes', '-o', 'PreferredAuthentications=none', `${r.pick(users)}@127.0.0.1`, 'true']);
    }
    await sleep(1000);
  } finally {
    const pid = Number(readFileSync(join(d, 'sshd.pid'), 'utf8').trim());
    if (pid) process.kill(pid, 'SIGTERM');
    await sleep(500);
    const rs = Number(readFileSync(join(d, 'rsyslog.pid'), 'utf8').trim());
    if (rs) process.kill(rs, 'SIGTERM');
    await ns.stop('SIGTERM', 5000);
  }
  writeFileSync(outFile, readFileSync(join(d, 'auth.log')));
}
