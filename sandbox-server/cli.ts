/**
 * `npm run sandbox -- [options]`: runs the sandbox POP3 server until SIGINT or SIGTERM.
 * Prints one ready line on stdout; errors are one line on stderr (exit 2 for bad options).
 */
import { writeFile } from 'node:fs/promises';
import { formatTranscriptEntry } from '../src/protocol';
import type { TranscriptEntry } from '../src/protocol';
import { formatUrl, parseCliArgs, USAGE } from './cli-options';
import type { CliOptions } from './cli-options';
import { SandboxError } from './errors';

function fail(message: string, code: number): never {
  process.stderr.write(`sandbox: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    fail((error as Error).message, 2);
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let sandbox;
  try {
    // Loaded only now, so that --help and option mistakes answer without loading TLS and X.509 code.
    const { startSandbox } = await import('./sandbox');
    sandbox = await startSandbox(options.sandbox);
  } catch (error) {
    fail((error as Error).message, error instanceof SandboxError && error.code === 'BAD_OPTION' ? 2 : 1);
  }
  if (options.caOut !== undefined) {
    try {
      await writeFile(options.caOut, sandbox.ca);
    } catch (error) {
      await sandbox.close();
      fail(`cannot write the CA certificate to ${options.caOut}: ${(error as Error).message}`, 1);
    }
  }
  sandbox.log.on('internal-error', (error: Error, session: string) => {
    process.stderr.write(`sandbox: internal error in ${session}: ${error.stack ?? error.message}\n`);
  });
  if (options.trace) {
    sandbox.log.on('entry', (entry: TranscriptEntry) => process.stderr.write(`${entry.session} ${formatTranscriptEntry(entry)}\n`));
  }
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => fail(`error while stopping: ${(error as Error).message}`, 1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const urls = [formatUrl('pop3', sandbox.host, sandbox.port)];
  if (sandbox.tlsPort !== undefined) urls.push(formatUrl('pop3s', sandbox.host, sandbox.tlsPort));
  process.stdout.write(`sandbox ready: ${urls.join(' ')} accounts ${sandbox.accounts.map((a) => a.name).join(', ')}\n`);
}

main().catch((error: unknown) => fail(error instanceof Error ? (error.stack ?? error.message) : String(error), 1));
