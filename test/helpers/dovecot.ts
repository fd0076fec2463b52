/**
 * A private, throw-away Dovecot POP3 server for tests and benchmarks: a real server nobody here
 * wrote, to check our client against and to measure our server beside.
 *
 * Each call to {@link startDovecot} runs the system's `dovecot` binary in the foreground with a
 * configuration of its own (see dovecot/config.ts) under a fresh temporary directory: its own
 * base_dir, state_dir, log file, passwd-file and one Maildir per user. Nothing in /etc/dovecot is
 * used, so any number of instances can run side by side with a packaged Dovecot.
 *
 * Privileges: Dovecot refuses to access mail as uid 0 ("userdb returned 0 as uid"). Started by
 * root, the harness therefore gives the Maildirs to `nobody` and has the userdb return that uid;
 * the master stays root, login processes run as `dovenull` chrooted into base_dir. Started by
 * any other user, everything runs as that user (Dovecot's rootless mode).
 *
 * @example
 *   const dovecot = await startDovecot({ users: [{ name: 'alice', password: 'pw', messages: [raw] }] });
 *   try { ... connect to dovecot.host:dovecot.port (STLS with dovecot.ca) ... } finally { await dovecot.close(); }
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants as fsConstants, readFileSync, rmSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { printedSoFar, startProgram, waitForExit } from './child-process';
import { createTestCertificates } from './dovecot/certificate';
import { renderDovecotConfig } from './dovecot/config';
import { maildirOf, writeMailAccounts, type DovecotUser, type MailOwner } from './dovecot/maildir';
import { pickFreePorts } from './dovecot/ports';

export type { DovecotUser } from './dovecot/maildir';

/** Where Debian's dovecot-core package installs the server. */
export const DOVECOT_BINARY = '/usr/sbin/dovecot';

/** Options of {@link startDovecot}. */
export interface DovecotOptions {
  /** Accounts to create, each with its own seeded Maildir. */
  users: readonly DovecotUser[];
  /** Listen address; default '127.0.0.1'. */
  host?: string;
  /** STLS plus an implicit-TLS port, with a fresh private CA (needs the `openssl` program). Default true. */
  tls?: boolean;
  /** SASL mechanisms (lower case); default ['plain', 'login']. Add 'apop' to get an APOP timestamp in the greeting. */
  mechanisms?: readonly string[];
  /** Simultaneous sessions the process and client limits are sized for; default 1,100. */
  maxSessions?: number;
  /** Write one info line per login/logout to the log; default true (benchmarks turn it off). */
  infoLog?: boolean;
  /** dovecot.conf text appended last (overrides the harness' settings). */
  extraConfig?: string;
  /** How long to wait for the greeting before giving up (and reporting the log); default 15 s. */
  startTimeoutMs?: number;
  /** The dovecot binary; default {@link DOVECOT_BINARY}. */
  binary?: string;
}

/** A running Dovecot instance. */
export interface DovecotServer {
  host: string;
  /** POP3 port (STLS offered when TLS is on). */
  port: number;
  /** Implicit-TLS port (RFC 8314), when TLS is on. */
  tlsPort?: number;
  /** PEM of the CA that signed the server certificate (names: localhost, 127.0.0.1), when TLS is on. */
  ca?: string;
  /** The temporary directory holding everything of this instance. */
  baseDir: string;
  /** Dovecot's log file (errors and, unless turned off, info lines). */
  logPath: string;
  /** The master process id. */
  pid: number;
  /** The Maildir of `user` (to inspect what a session left behind). */
  maildirOf(user: string): string;
  /** The log so far, plus anything the master printed on stdout/stderr. */
  readLog(): Promise<string>;
  /** Stops Dovecot (SIGTERM, SIGKILL after 10 s) and removes the temporary directory. Idempotent. */
  close(): Promise<void>;
}

const DEFAULT_MAX_SESSIONS = 1_100;
const DEFAULT_START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;
const PORT_ATTEMPTS = 5;
const CONNECT_RETRY_MS = 20;

/** Debian's dovecot-pop3d package: the POP3 service the master starts per session. */
const DOVECOT_POP3_BINARY = '/usr/lib/dovecot/pop3';

/** True if the dovecot binary (and, for Debian's layout, its POP3 service) is installed. */
export function isDovecotInstalled(binary: string = DOVECOT_BINARY): boolean {
  return isExecutable(binary) && (binary !== DOVECOT_BINARY || isExecutable(DOVECOT_POP3_BINARY));
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Masters still running (with their directories), stopped if the process exits without close(). */
const running = new Map<ChildProcess, string>();
process.once('exit', () => {
  for (const [child, baseDir] of running) {
    child.kill('SIGTERM');
    rmSync(baseDir, { recursive: true, force: true }); // best effort: exit handlers cannot wait
  }
});

/**
 * Starts a private Dovecot POP3 server on free loopback ports and resolves once it greets
 * with +OK. Rejects (with Dovecot's log in the message) if it exits or stays silent.
 */
export async function startDovecot(options: DovecotOptions): Promise<DovecotServer> {
  const binary = options.binary ?? DOVECOT_BINARY;
  if (!isDovecotInstalled(binary)) {
    throw new Error(`Dovecot POP3 is not installed (${binary} or ${DOVECOT_POP3_BINARY} missing); on Debian: apt-get install dovecot-core dovecot-pop3d`);
  }
  const host = options.host ?? '127.0.0.1';
  const tls = options.tls ?? true;
  const baseDir = await fs.mkdtemp(path.join(os.tmpdir(), 'pop3-dovecot-'));
  try {
    // The pop3 processes (uid `nobody` under root) must be able to walk down to their Maildir.
    await fs.chmod(baseDir, 0o755);
    const runDir = path.join(baseDir, 'run');
    const stateDir = path.join(baseDir, 'state');
    await fs.mkdir(stateDir, { mode: 0o750 });
    const logPath = path.join(baseDir, 'dovecot.log');
    const passwdPath = path.join(baseDir, 'passwd');
    const configPath = path.join(baseDir, 'dovecot.conf');

    const identity = resolveIdentity();
    // Readable by the auth process (user `dovecot`); these are throw-away test passwords.
    await fs.writeFile(passwdPath, await writeMailAccounts(baseDir, options.users, identity.mailOwner), { mode: 0o644 });
    const certificates = tls ? await createTestCertificates(path.join(baseDir, 'tls')) : undefined;

    for (let attempt = 1; ; attempt++) {
      const [port, tlsPort] = await pickFreePorts(host, tls ? 2 : 1);
      if (port === undefined) throw new Error('no free port');
      const config = renderDovecotConfig({
        instanceName: `pop3-playground-${randomBytes(6).toString('hex')}`,
        host,
        port,
        tlsPort: certificates ? tlsPort : undefined,
        tls: certificates,
        runDir,
        stateDir,
        logPath,
        infoLogPath: options.infoLog === false ? '/dev/null' : logPath,
        passwdPath,
        mechanisms: options.mechanisms ?? ['plain', 'login'],
        mailUid: identity.mailOwner.uid,
        rootlessUser: identity.rootlessUser,
        maxSessions: options.maxSessions ?? DEFAULT_MAX_SESSIONS,
        extraConfig: options.extraConfig,
      });
      await fs.writeFile(configPath, config, { mode: 0o644 });
      await fs.rm(logPath, { force: true }); // each attempt's log on its own

      const master = launch(binary, configPath, baseDir);
      const outcome = await waitForGreeting(master, host, port, options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
      if (outcome.ready) {
        return makeServer({ master, host, port, tlsPort: certificates ? tlsPort : undefined, ca: certificates?.caPem, baseDir, logPath });
      }
      await stopMaster(master.child);
      const log = await readLogFile(logPath, master);
      if (/Address already in use/i.test(log) && attempt < PORT_ATTEMPTS) continue; // lost a port race: pick again
      throw new Error(`Dovecot did not start: ${outcome.reason}\n--- Dovecot log (${logPath}) ---\n${log}`);
    }
  } catch (error) {
    await fs.rm(baseDir, { recursive: true, force: true });
    throw error;
  }
}

interface Master {
  /** Its stdout and stderr are kept: start-up errors come before the log is open. */
  child: ChildProcess;
  exited: Promise<string>;
}

function launch(binary: string, configPath: string, baseDir: string): Master {
  // -F: stay in the foreground, so the master is our child and dies with the test run.
  const child = startProgram(binary, ['-F', '-c', configPath]);
  running.set(child, baseDir);
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error) => {
      running.delete(child);
      resolve(`could not run ${binary}: ${error.message}`);
    });
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve(`dovecot exited (code ${code ?? '-'}, signal ${signal ?? '-'})`);
    });
  });
  return { child, exited };
}

type Outcome = { ready: true } | { ready: false; reason: string };

/** Polls the POP3 port until a connection is accepted and greeted with +OK. */
async function waitForGreeting(master: Master, host: string, port: number, timeoutMs: number): Promise<Outcome> {
  const deadline = Date.now() + timeoutMs;
  let exitReason: string | undefined;
  void master.exited.then((reason) => (exitReason = reason));
  let lastProblem = 'no connection attempt yet';
  while (Date.now() < deadline) {
    if (exitReason !== undefined) return { ready: false, reason: exitReason };
    const probe = await probeGreeting(host, port, Math.max(1, deadline - Date.now()));
    if (probe.greeting?.startsWith('+OK')) return { ready: true };
    lastProblem = probe.greeting !== undefined ? `unexpected greeting ${JSON.stringify(probe.greeting)}` : probe.problem;
    // Connection refused: the master is still starting. Retry shortly, or stop at once if it exits.
    await Promise.race([master.exited, new Promise((resolve) => setTimeout(resolve, CONNECT_RETRY_MS))]);
  }
  return { ready: false, reason: `no +OK greeting on ${host}:${port} within ${timeoutMs} ms (last: ${lastProblem})` };
}

function probeGreeting(host: string, port: number, timeoutMs: number): Promise<{ greeting?: string; problem: string }> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let received = '';
    const finish = (result: { greeting?: string; problem: string }): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ problem: `timeout, received ${JSON.stringify(received)}` }), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\r\n');
      if (end === -1) return;
      socket.end('QUIT\r\n');
      finish({ greeting: received.slice(0, end), problem: '' });
    });
    socket.on('error', (error) => finish({ problem: error.message }));
    socket.on('close', () => finish({ problem: `closed after ${JSON.stringify(received)}` }));
  });
}

async function stopMaster(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM'); // the master stops its login, auth and pop3 processes
  await waitForExit(child, STOP_TIMEOUT_MS);
}

async function readLogFile(logPath: string, master: Master): Promise<string> {
  const log = await fs.readFile(logPath, 'utf8').catch(() => '');
  const output = printedSoFar(master.child);
  return output ? `${log}${log ? '\n' : ''}[dovecot stdout/stderr]\n${output}` : log;
}

function makeServer(parts: {
  master: Master; host: string; port: number; tlsPort?: number; ca?: string; baseDir: string; logPath: string;
}): DovecotServer {
  let closing: Promise<void> | undefined;
  return {
    host: parts.host,
    port: parts.port,
    ...(parts.tlsPort !== undefined ? { tlsPort: parts.tlsPort } : {}),
    ...(parts.ca !== undefined ? { ca: parts.ca } : {}),
    baseDir: parts.baseDir,
    logPath: parts.logPath,
    pid: parts.master.child.pid ?? -1,
    maildirOf: (user) => maildirOf(parts.baseDir, user),
    readLog: () => readLogFile(parts.logPath, parts.master),
    close: () =>
      (closing ??= (async () => {
        await stopMaster(parts.master.child);
        await fs.rm(parts.baseDir, { recursive: true, force: true });
      })()),
  };
}

interface Identity {
  mailOwner: MailOwner;
  rootlessUser?: { user: string; group: string };
}

/** Picks the uid/gid for mail files: `nobody` under root (Dovecot refuses uid 0), else ourselves. */
function resolveIdentity(): Identity {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  if (uid !== 0) {
    const user = os.userInfo().username;
    return { mailOwner: { uid, gid }, rootlessUser: { user, group: groupName(gid) ?? user } };
  }
  const nobody = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[0] === 'nobody');
  return { mailOwner: { uid: Number(nobody?.[2] ?? 65534), gid: Number(nobody?.[3] ?? 65534) } };
}

function groupName(gid: number): string | undefined {
  try {
    return readFileSync('/etc/group', 'utf8')
      .split('\n')
      .map((line) => line.split(':'))
      .find((fields) => fields[2] === String(gid))?.[0];
  } catch {
    return undefined;
  }
}
