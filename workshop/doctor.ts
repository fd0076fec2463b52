import { X509Certificate, createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { parseArgs } from 'node:util';
import { createNodeSandbox } from '../sandbox-server';
import { NodeSocketTransport } from '../src/ports/node-socket-transport';
import { resolveStateDir } from '../src/tutor/node/state-dir';
import { DEFAULT_PORT } from './limits';

/** One finding: passed, a warning (works, but worse), or a failure with its fix. */
export interface Finding {
  level: 'ok' | 'warn' | 'fail';
  what: string;
  fix?: string;
}

const ROOT = path.join(__dirname, '..');
const MARK = { ok: '✔', warn: '!', fail: '✘' } as const;

/** Node 20.19+: what package.json's engines field says. */
function checkNode(): Finding {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  return major > 20 || (major === 20 && minor >= 19)
    ? { level: 'ok', what: `Node.js ${process.versions.node}` }
    : { level: 'fail', what: `Node.js ${process.versions.node} is too old`, fix: 'install Node.js 20.19 or newer' };
}

/** Every dependency package.json names is installed at the version the lockfile locked. */
function checkInstall(): Finding[] {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; optionalDependencies?: Record<string, string> };
  const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
  const wrong: string[] = [];
  for (const name of Object.keys(manifest.dependencies)) {
    const locked = lock.packages[`node_modules/${name}`]?.version;
    let installed: string | undefined;
    try {
      installed = (JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      installed = undefined;
    }
    if (installed !== locked) wrong.push(`${name} ${installed ?? 'missing'}${locked ? ` (locked: ${locked})` : ''}`);
  }
  const findings: Finding[] = [
    wrong.length === 0
      ? { level: 'ok', what: 'npm ci has run: every dependency is installed at its locked version' }
      : { level: 'fail', what: `dependencies differ from the lockfile: ${wrong.join(', ')}`, fix: `cd ${ROOT} && npm ci --omit=dev (offline: the classroom's /install page)` },
  ];
  let swc = false;
  try {
    require.resolve('@swc/core');
    require('@swc/core');
    swc = true;
  } catch {
    swc = false;
  }
  findings.push(swc ? { level: 'ok', what: 'the fast compiler (swc) loads' } : { level: 'warn', what: 'the fast compiler (swc) is missing for this system: the playground starts a little slower (ts-node)', fix: 'nothing needed; with internet, npm ci installs it' });
  return findings;
}

/** The terminal: the REPL works anywhere, but colour and line editing need a TTY. */
function checkTerminal(env: NodeJS.ProcessEnv): Finding {
  if (!process.stdout.isTTY || !process.stdin.isTTY) return { level: 'warn', what: 'not run in a terminal: the playground works, but without line editing or colour', fix: 'run npm start in a terminal window (Terminal, iTerm, Windows Terminal)' };
  if (env.TERM === 'dumb') return { level: 'warn', what: 'TERM=dumb: plain output, no line editing', fix: 'use a full terminal, or leave it: everything works in plain text' };
  return { level: 'ok', what: `terminal ${process.stdout.columns ?? '?'} columns wide${env.NO_COLOR ? ' (NO_COLOR: no colour)' : ''}` };
}

/** The state directory (progress, history) can be written. */
function checkStateDir(): Finding {
  const dir = resolveStateDir(undefined);
  try {
    mkdirSync(dir, { recursive: true });
    const probe = path.join(dir, `.doctor-${process.pid}`);
    writeFileSync(probe, 'ok');
    rmSync(probe);
    return { level: 'ok', what: `progress is kept in ${dir}` };
  } catch (error) {
    return { level: 'fail', what: `cannot write ${dir}: ${(error as Error).message}`, fix: 'give npm start --state-dir DIR with a folder you can write' };
  }
}

/** A sandbox starts, listens on loopback, greets, and its TLS works: what every lesson needs. */
async function checkSandbox(): Promise<Finding> {
  const sandbox = await createNodeSandbox({});
  const server = net.createServer((socket) => sandbox.accept(new NodeSocketTransport(socket, { local: true })));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const port = (server.address() as net.AddressInfo).port;
    const greeting = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('data', (chunk) => {
        socket.end('QUIT\r\n');
        resolve(String(chunk).trim());
      });
      socket.once('error', reject);
    });
    return greeting.startsWith('+OK') ? { level: 'ok', what: `a sandbox on loopback answers (127.0.0.1:${port})` } : { level: 'fail', what: `the sandbox greeted with ${greeting}` };
  } catch (error) {
    return { level: 'fail', what: `cannot run a sandbox on loopback: ${(error as Error).message}`, fix: 'allow Node.js to listen on 127.0.0.1 (a firewall or security tool may block it)' };
  } finally {
    server.close();
    await sandbox.close();
  }
}

/** The classroom answers, its CA is the one the join URL pins, and TLS to it works (and the code, if given). */
async function checkClassroom(url: string, code: string | undefined): Promise<Finding[]> {
  let parsed: URL;
  try {
    parsed = new URL(/^[a-z]+:\/\//i.test(url) ? url : `http://${url}`);
  } catch {
    return [{ level: 'fail', what: `${url} is not a URL`, fix: 'copy the join URL from your slip, e.g. http://192.168.1.20:7070/?ca=...' }];
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const port = Number(parsed.port || DEFAULT_PORT);
  const where = `${host}:${port}`;
  const fixReach = `check the Wi-Fi (the same network as the instructor), the address on the slip, and that the classroom runs with --host 0.0.0.0`;
  let ca: string;
  try {
    ca = await new Promise<string>((resolve, reject) => {
      const req = http.get({ host, port, path: '/ca.pem', timeout: 5_000 }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += String(chunk)));
        res.on('end', () => (res.statusCode === 200 && text.includes('BEGIN CERTIFICATE') ? resolve(text) : reject(new Error(`answered ${res.statusCode ?? '?'}, not as a classroom`))));
      });
      req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
      req.on('error', reject);
    });
  } catch (error) {
    return [{ level: 'fail', what: `the classroom at ${where} cannot be reached: ${(error as Error).message}`, fix: fixReach }];
  }
  const findings: Finding[] = [];
  const pin = parsed.searchParams.get('ca');
  const actual = createHash('sha256').update(new X509Certificate(ca).raw).digest('hex').slice(0, 20);
  if (pin !== null && pin !== actual) return [{ level: 'fail', what: `the server at ${where} is not the classroom on your slip (its CA fingerprint differs)`, fix: 'check the URL; tell the instructor' }];
  findings.push({ level: pin === null ? 'warn' : 'ok', what: `the classroom at ${where} answers${pin === null ? ' (the URL has no ?ca=, so its CA was not checked)' : ', and its CA matches your slip'}` });
  try {
    await new Promise<void>((resolve, reject) => {
      const socket = tls.connect({ host, port, ca, checkServerIdentity: () => undefined, timeout: 5_000 }, () => {
        socket.end();
        resolve();
      });
      socket.on('error', reject);
      socket.on('timeout', () => socket.destroy(new Error('no TLS handshake within 5 s')));
    });
    findings.push({ level: 'ok', what: 'TLS to the classroom works (what carries your POP3 connections)' });
  } catch (error) {
    findings.push({ level: 'fail', what: `TLS to the classroom fails: ${(error as Error).message}`, fix: 'a proxy or firewall may intercept TLS on this network; tell the instructor' });
  }
  if (code !== undefined) {
    const status = await new Promise<number>((resolve) => {
      const req = https.get({ host, port, path: '/api/learner/log-head', ca, checkServerIdentity: () => undefined, headers: { authorization: `Bearer ${code}` }, timeout: 5_000 }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(0));
    });
    findings.push(status === 200 ? { level: 'ok', what: 'your join code is valid' } : { level: 'fail', what: `the join code was refused (${status})`, fix: 'check the code on your slip (8 letters and digits, e.g. ABCD-EFGH), or ask for a new one' });
  }
  return findings;
}

/** `npm run workshop -- doctor [--join URL] [--code CODE]`: prints each finding and its fix; resolves 0 when nothing failed. */
export async function runDoctor(argv: string[], out: NodeJS.WritableStream = process.stdout, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { join: { type: 'string' }, code: { type: 'string' } }, strict: true });
  const findings: Finding[] = [checkNode(), ...checkInstall(), checkTerminal(env), checkStateDir(), await checkSandbox()];
  if (values.join !== undefined) findings.push(...(await checkClassroom(values.join, values.code)));
  else findings.push({ level: 'warn', what: 'no classroom checked', fix: 'add --join URL (from your slip) to check the way to the classroom' });
  for (const finding of findings) {
    out.write(`${MARK[finding.level]} ${finding.what}\n`);
    if (finding.fix && finding.level !== 'ok') out.write(`  fix: ${finding.fix}\n`);
  }
  const failed = findings.filter((f) => f.level === 'fail').length;
  out.write(failed === 0 ? 'Ready for the workshop.\n' : `${failed} problem${failed === 1 ? '' : 's'} to fix before the workshop.\n`);
  return failed === 0 ? 0 : 1;
}
