import { parseArgs } from 'node:util';
import type { FaultDefinition, FaultSpec } from '../src/protocol';
import { FAULTS, faultSyntax, parseFaultSpec } from '../src/protocol';
import type { UserOption } from './accounts';
import { checkUserOption } from './accounts';
import { SandboxError } from './errors';
import type { SandboxOptions } from './options';

/** CLI default ports: unprivileged stand-ins for 110 and 995. */
export const CLI_DEFAULT_PORT = 1110;
export const CLI_DEFAULT_TLS_PORT = 1995;

/** What the command line asked for. */
export interface CliOptions {
  sandbox: SandboxOptions;
  /** Where to write the CA certificate (PEM), if anywhere. */
  caOut?: string;
  /** Print every session-log entry to stderr. */
  trace: boolean;
  help: boolean;
}

/** One fault of the table in --help: its syntax, then its one line (below, when the syntax is long). */
function faultHelp(fault: FaultDefinition): string {
  const syntax = `                          ${faultSyntax(fault)}`;
  const doc = fault.doc.replace(/`/g, '');
  return syntax.length < 42 ? `${syntax.padEnd(42)} ${doc}` : `${syntax}\n${' '.repeat(43)}${doc}`;
}

/** The --help text. */
export const USAGE = `usage: npm run sandbox -- [options]

Runs the sandbox POP3 server with the seed mailboxes (alice, bob, zoe, max).

  --host H              address to listen on (default 127.0.0.1)
  --port P              POP3 port (default ${CLI_DEFAULT_PORT}; 0 = any free port)
  --tls-port Q          implicit-TLS port, RFC 8314 (default ${CLI_DEFAULT_TLS_PORT}; 0 = any; off = none)
  --tls-name N          extra certificate name, DNS name or IP (repeatable)
  --ca-out FILE         write the CA certificate (PEM) that clients should trust
  --require-tls         no cleartext login before STLS (default: on unless --host is loopback)
  --user NAME:PASS[:DIR]  add or replace an account; DIR holds its .eml files (repeatable)
  --fault SPEC          inject faults, comma-separated (repeatable):
${FAULTS.map(faultHelp).join('\n')}
  --maildir DIR         keep mailboxes in a Maildir folder across restarts
  --trace               print every command, reply and event to stderr
  -h, --help            show this help`;

function bad(message: string): SandboxError {
  return new SandboxError('BAD_OPTION', message);
}

function parsePort(name: string, value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw bad(`--${name} must be a port number from 0 to 65535, got ${JSON.stringify(value)}`);
  return Number(value);
}

/** `NAME:PASSWORD[:EML_DIR]`; the password may not contain ":" (the folder may). */
export function parseUserSpec(spec: string): UserOption {
  const first = spec.indexOf(':');
  if (first <= 0) throw bad(`--user takes NAME:PASSWORD[:EML_DIR], got ${JSON.stringify(spec)}`);
  const name = spec.slice(0, first);
  const rest = spec.slice(first + 1);
  const second = rest.indexOf(':');
  const user: UserOption =
    second === -1 ? { name, password: rest } : { name, password: rest.slice(0, second), emlDir: rest.slice(second + 1) };
  if (user.emlDir === '') throw bad(`--user ${name}: the folder after the second ":" is empty`);
  try {
    checkUserOption(user);
  } catch (error) {
    throw bad(`--user: ${(error as Error).message}`);
  }
  return user;
}

/**
 * Parses the sandbox's command line.
 * @throws SandboxError `BAD_OPTION` with a one-line message naming the option.
 */
export function parseCliArgs(argv: readonly string[]): CliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'tls-port': { type: 'string' },
        'tls-name': { type: 'string', multiple: true },
        'ca-out': { type: 'string' },
        'require-tls': { type: 'boolean' },
        user: { type: 'string', multiple: true },
        fault: { type: 'string', multiple: true },
        maildir: { type: 'string' },
        trace: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    // node:util's messages are already one line ("Unknown option '--x'..."); keep the first sentence.
    throw bad(`${(error as Error).message.split('. ')[0]!.replace(/\.$/, '')} (see --help)`);
  }
  const sandbox: SandboxOptions = {
    port: values.port === undefined ? CLI_DEFAULT_PORT : parsePort('port', values.port),
    tlsPort:
      values['tls-port'] === undefined
        ? CLI_DEFAULT_TLS_PORT
        : /^(off|none|false)$/i.test(values['tls-port'])
          ? false
          : parsePort('tls-port', values['tls-port']),
  };
  if (values.host !== undefined) {
    if (values.host === '') throw bad('--host must not be empty');
    sandbox.host = values.host;
  }
  if (values['tls-name']) sandbox.tlsNames = values['tls-name'];
  if (values['require-tls']) sandbox.requireTls = true;
  if (values.user) sandbox.users = values.user.map(parseUserSpec);
  if (values.fault) {
    let faults: FaultSpec = {};
    for (const spec of values.fault) {
      try {
        faults = { ...faults, ...parseFaultSpec(spec) };
      } catch (error) {
        throw bad(`--fault: ${(error as Error).message}`);
      }
    }
    sandbox.faults = faults;
  }
  if (values.maildir !== undefined) sandbox.maildir = values.maildir;
  const options: CliOptions = { sandbox, trace: values.trace ?? false, help: values.help ?? false };
  if (values['ca-out'] !== undefined) options.caOut = values['ca-out'];
  return options;
}

/** `pop3://127.0.0.1:1110`, with brackets around an IPv6 address. */
export function formatUrl(scheme: string, host: string, port: number): string {
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
