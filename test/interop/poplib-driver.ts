import * as path from 'node:path';
import { findProgram } from './find-program';
import { runProgram } from '../helpers/child-process';

/** The Python interpreter the poplib driver runs under (undefined when missing). */
export const PYTHON = findProgram('python3');

const DRIVER = path.join(__dirname, 'poplib-client.py');

/** One step of a poplib session (see poplib-client.py). */
export type PoplibStep =
  | ['stat'] | ['list'] | ['list', number] | ['uidl'] | ['uidl', number] | ['top', number, number]
  | ['retr', number] | ['retr-all'] | ['dele', number] | ['rset'] | ['noop'] | ['capa'] | ['quit'];

/** What the driver is told to do. */
export interface PoplibSpec {
  host: string;
  port: number;
  tls?: 'none' | 'stls' | 'implicit';
  /** CA file to trust; omitted = Python's default context (system CAs only). */
  cafile?: string;
  user?: string;
  password?: string;
  method?: 'user-pass' | 'apop' | 'auth-plain' | 'none';
  steps?: PoplibStep[];
}

/** A retrieved message as poplib returned it. */
export interface PoplibMessage {
  response: string;
  octets: number;
  bytes_b64: string;
  n?: number;
}

/** One step's outcome: a value, or the -ERR text poplib raised. */
export type PoplibResult =
  | { step: string; ok: true; value: unknown }
  | { step: string; ok: false; error: string };

/** What the driver printed. */
export interface PoplibOutput {
  welcome: string | null;
  tls: { version: string; cipher: string } | null;
  login: string | null;
  results: PoplibResult[];
  fatal: { type: string; message: string } | null;
}

/** Runs one poplib session in a Python child process and returns its JSON report. */
export async function runPoplib(spec: PoplibSpec): Promise<PoplibOutput> {
  if (!PYTHON) throw new Error('python3 is not installed; the poplib interop tests need it');
  const result = await runProgram(PYTHON, [DRIVER], { input: JSON.stringify(spec), timeoutMs: 30_000 });
  const stdout = result.stdout.toString('utf8');
  if (result.code !== 0) {
    throw new Error(`poplib driver exited with ${result.code ?? result.signal}\nstdout: ${stdout}\nstderr: ${result.stderr.toString('utf8')}`);
  }
  return JSON.parse(stdout) as PoplibOutput;
}

/** The value of the step at `index`, failing with the driver's report if it did not succeed. */
export function stepValue<T>(output: PoplibOutput, index: number): T {
  const result = output.results[index];
  if (output.fatal) throw new Error(`poplib session failed: ${output.fatal.type}: ${output.fatal.message}`);
  if (!result) throw new Error(`no result for step ${index}: ${JSON.stringify(output.results.map((r) => r.step))}`);
  if (!result.ok) throw new Error(`step ${index} (${result.step}) got -ERR: ${result.error}`);
  return result.value as T;
}

/** Decodes a retrieved message's bytes. */
export function messageBytes(message: PoplibMessage): Buffer {
  return Buffer.from(message.bytes_b64, 'base64');
}
