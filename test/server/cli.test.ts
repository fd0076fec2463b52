import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FAULTS, faultSyntax } from '../../src/protocol';
import { parseCliArgs, parseUserSpec, USAGE } from '../../sandbox-server/cli-options';
import { RawPop3 } from '../helpers/raw-pop3';

const ROOT = path.join(__dirname, '..', '..');

interface Running {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const children: ChildProcessWithoutNullStreams[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function runCli(args: string[]): Running {
  const child = spawn(process.execPath, ['-r', './src/register.js', 'sandbox-server/cli.ts', ...args], { cwd: ROOT });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Waits for a line on stdout matching `pattern`; the timeout error shows what arrived. */
function waitForLine(run: Running, pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const match = pattern.exec(run.stdout());
      if (match) {
        clearTimeout(timer);
        run.child.stdout.off('data', check);
        resolve(match);
      }
    };
    const timer = setTimeout(
      () => reject(new Error(`no line matching ${pattern} after ${timeoutMs} ms; stdout: ${JSON.stringify(run.stdout())}; stderr: ${JSON.stringify(run.stderr())}`)),
      timeoutMs,
    );
    run.child.stdout.on('data', check);
    void run.exited.then(() => setImmediate(check));
    check();
  });
}

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sandbox-cli-'));
  dirs.push(dir);
  return dir;
}

describe('npm run sandbox (sandbox-server/cli.ts)', () => {
  it('prints one ready line, serves --user mailboxes and --fault, writes --ca-out, refuses a taken port, stops on SIGTERM', async () => {
    const dir = tempDir();
    const mail = path.join(dir, 'mail');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(mail);
    writeFileSync(path.join(mail, 'b-second.eml'), 'Subject: second\n\nB\n');
    writeFileSync(path.join(mail, 'a-first.eml'), 'Subject: first\r\n\r\nA\r\n');
    writeFileSync(path.join(mail, 'notes.txt'), 'not a message');
    const caFile = path.join(dir, 'ca.pem');
    const run = runCli(['--port', '0', '--tls-port', '0', '--ca-out', caFile, '--user', `carol:s3cret:${mail}`, '--fault', 'fail=UIDL']);
    const [line, port, tlsPort] = await waitForLine(run, /^sandbox ready: pop3:\/\/127\.0\.0\.1:(\d+) pop3s:\/\/127\.0\.0\.1:(\d+) accounts alice, bob, zoe, max, carol\n$/);
    expect(run.stdout()).toBe(line);

    const client = await RawPop3.connect(Number(port));
    await client.login('carol', 's3cret');
    const list = await client.multiline('LIST');
    expect(list.lines).toEqual(['1 21', '2 22']);
    expect((await client.multiline('RETR 2')).body.toString()).toBe('Subject: second\r\n\r\nB\r\n');
    expect(await client.command('UIDL')).toMatch(/^-ERR \[SYS\/TEMP\] UIDL failed on purpose/);

    const secure = await RawPop3.connectTls(Number(tlsPort), { ca: readFileSync(caFile, 'utf8') });
    expect(await secure.readLine()).toMatch(/^\+OK POP3 sandbox ready/);
    secure.destroy();

    // A second sandbox on the same port fails with one line and exit code 1.
    const second = runCli(['--port', port!, '--tls-port', 'off']);
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toBe(`sandbox: cannot start the POP3 listener: port ${port} on 127.0.0.1 is already in use\n`);

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    await client.waitClosed();
  });

  it('exits 2 with one line for a bad option, whether the parser or the sandbox finds it', async () => {
    // parseCliArgs is tested below for each kind of mistake; here, the exit code and the output.
    const runs = [['--port', 'eleven'], ['--tls-name', 'not a name', '--port', '0', '--tls-port', '0']].map((args) => runCli(args));
    for (const run of runs) {
      expect(await run.exited).toBe(2);
      expect(run.stderr()).toMatch(/^sandbox: [^\n]+\n$/);
      expect(run.stdout()).toBe('');
    }
  });
});

describe('parseCliArgs', () => {
  it('defaults to ports 1110 and 1995 on loopback', () => {
    expect(parseCliArgs([])).toEqual({ sandbox: { port: 1110, tlsPort: 1995 }, trace: false, help: false });
  });

  it('reads every option', () => {
    const parsed = parseCliArgs([
      '--host', '0.0.0.0', '--port', '0', '--tls-port', 'off', '--tls-name', 'pop.lan', '--tls-name', '10.0.0.2',
      '--require-tls', '--user', 'dan:pw', '--user', 'eve:pw:C:\\mail\\eve', '--fault', 'delay=5', '--fault', 'fail=RETR+DELE',
      '--maildir', '/var/sandbox', '--ca-out', 'ca.pem', '--trace',
    ]);
    expect(parsed).toEqual({
      sandbox: {
        host: '0.0.0.0',
        port: 0,
        tlsPort: false,
        tlsNames: ['pop.lan', '10.0.0.2'],
        requireTls: true,
        users: [
          { name: 'dan', password: 'pw' },
          { name: 'eve', password: 'pw', emlDir: 'C:\\mail\\eve' },
        ],
        faults: { delayMs: 5, failCommands: ['RETR', 'DELE'] },
        maildir: '/var/sandbox',
      },
      caOut: 'ca.pem',
      trace: true,
      help: false,
    });
  });

  it('names what is wrong', () => {
    expect(() => parseCliArgs(['--port', '70000'])).toThrow('--port must be a port number from 0 to 65535, got "70000"');
    expect(() => parseCliArgs(['--nope'])).toThrow("Unknown option '--nope' (see --help)");
    expect(() => parseCliArgs(['extra'])).toThrow(/see --help/);
    expect(() => parseUserSpec(':pw')).toThrow('--user takes NAME:PASSWORD[:EML_DIR], got ":pw"');
    expect(() => parseUserSpec('a b:pw')).toThrow(/account name "a b" must be 1-255 printable ASCII/);
    expect(() => parseCliArgs(['--fault', 'refuse-login=MAYBE'])).toThrow('--fault: fault refuse-login= takes IN-USE or LOGIN-DELAY');
  });

  it('lists every fault of the table in --help, with its one line', () => {
    const faults = USAGE.slice(USAGE.indexOf('--fault SPEC'), USAGE.indexOf('--maildir'));
    const listed = faults.split('\n').slice(1).map((line) => line.trim().split(/\s{2,}/)).flat().filter(Boolean);
    expect(listed).toEqual(FAULTS.flatMap((fault) => [faultSyntax(fault), fault.doc.replace(/`/g, '')]));
  });
});
