import { closeSync, fsyncSync, mkdirSync, openSync, promises as fsp, readFileSync, renameSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { WorkshopError } from './errors';

let temps = 0;

/**
 * Writes a file atomically: a temporary file beside it, flushed to disk, then renamed over it,
 * so a crash leaves the old content or the new, never half of one.
 */
export function writeFileAtomic(file: string, content: string | Uint8Array, mode?: number): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${++temps}.tmp`;
  const fd = openSync(temp, 'w', mode);
  try {
    writeSync(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}

/** {@link writeFileAtomic} off the event loop, for files rewritten while learners work. */
export async function writeFileAtomicAsync(file: string, content: string): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${++temps}.tmp`;
  const handle = await fsp.open(temp, 'w');
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fsp.rename(temp, file);
}

/**
 * Reads a JSON file of the data folder; undefined when it does not exist.
 * @throws WorkshopError `DATA_UNREADABLE` naming the file when it is there but not JSON.
 */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new WorkshopError('DATA_UNREADABLE', `cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new WorkshopError('DATA_UNREADABLE', `${file} is not valid JSON (${(error as Error).message}); restore it from a backup or move the folder away`);
  }
}

/** Writes JSON atomically, readable by people (two-space indent). */
export function writeJsonFile(file: string, value: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}
