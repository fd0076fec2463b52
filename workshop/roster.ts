import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { WorkshopError } from './errors';
import { MAX_LEARNERS, MAX_NAME_LENGTH } from './limits';

/** One learner as the roster names them. */
export interface RosterEntry {
  /** Letters, digits and dashes: a folder name, a URL segment, a CSV cell. */
  id: string;
  /** As the instructor wrote it (trimmed). */
  name: string;
}

/** What an id may be: lower-case letters, digits and single dashes, up to 40 characters. */
export const LEARNER_ID = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

/** Most problems listed at once: a host fixes the file in one go, not one line per run. */
const MAX_PROBLEMS = 20;

/**
 * An id from a name: accents dropped, lower case, runs of other characters as one dash
 * ("Zoë O'Neill" → `zoe-o-neill`). A name with no Latin letters or digits gets `l-` and a
 * short hash of the name, stable across runs.
 */
export function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return slug !== '' ? slug : `l-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
}

/**
 * Reads a roster: UTF-8 CSV with the header `name` or `name,id` (RFC 4180 quoting; a BOM and
 * blank lines are fine); the id defaults to {@link slugOf} the name. Nothing is returned unless
 * the whole file is good.
 * @throws WorkshopError `ROSTER_INVALID` listing every problem with its line number: not UTF-8,
 *   an unknown header, an empty or over-long name, control characters, a malformed id, extra
 *   cells, duplicate names or ids, no learners, too many learners.
 */
export function parseRoster(bytes: Uint8Array, source: string): RosterEntry[] {
  const fail = (problems: string[]): never => {
    const shown = problems.slice(0, MAX_PROBLEMS);
    const more = problems.length > shown.length ? `\n  ... and ${problems.length - shown.length} more` : '';
    throw new WorkshopError('ROSTER_INVALID', `${source}: ${problems.length === 1 ? shown[0] : `${problems.length} problems:\n  ${shown.join('\n  ')}${more}`}\nNothing was created; fix the file and run the command again.`);
  };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail([`the file is not UTF-8 text; save it as "CSV UTF-8" (at byte ${firstInvalidUtf8(bytes)})`]);
  }
  let rows: { record: string[]; line: number }[];
  try {
    const parsed = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
    rows = parsed.map(({ record, info }) => ({ record, line: info.lines }));
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    return fail([`${line !== undefined ? `line ${line}: ` : ''}${(error as Error).message.replace(/^Invalid [^:]*: /, '')}`]);
  }
  const [header, ...body] = rows;
  const columns = header?.record.map((cell) => cell.trim().toLowerCase()) ?? [];
  if (!header || !(columns.length >= 1 && columns.length <= 2 && columns[0] === 'name' && (columns[1] === undefined || columns[1] === 'id'))) {
    return fail([`line ${header?.line ?? 1}: the first line must be the header "name" or "name,id", got ${JSON.stringify(header?.record.join(',') ?? '')}`]);
  }
  const problems: string[] = [];
  const entries: RosterEntry[] = [];
  const byName = new Map<string, number>();
  const byId = new Map<string, number>();
  for (const { record, line } of body) {
    const where = `line ${line}`;
    if (record.length > columns.length) {
      problems.push(`${where}: ${record.length} cells, but the header has ${columns.length} (quote a name that contains a comma)`);
      continue;
    }
    const name = (record[0] ?? '').trim();
    const givenId = (record[1] ?? '').trim();
    if (name === '') {
      problems.push(`${where}: the name is empty`);
      continue;
    }
    if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(name)) {
      problems.push(`${where}: the name ${JSON.stringify(name)} contains control characters`);
      continue;
    }
    if ([...name].length > MAX_NAME_LENGTH) {
      problems.push(`${where}: the name is longer than ${MAX_NAME_LENGTH} characters`);
      continue;
    }
    const id = givenId === '' ? slugOf(name) : givenId;
    if (!LEARNER_ID.test(id)) {
      problems.push(`${where}: the id ${JSON.stringify(id)} must be 1-40 lower-case letters, digits and dashes, starting and ending with a letter or digit`);
      continue;
    }
    const nameKey = name.normalize('NFC').toLowerCase();
    const sameName = byName.get(nameKey);
    if (sameName !== undefined) {
      problems.push(`${where}: the name ${JSON.stringify(name)} is already on line ${sameName}; tell them apart (a last initial, say)`);
      continue;
    }
    const sameId = byId.get(id);
    if (sameId !== undefined) {
      problems.push(`${where}: the id ${JSON.stringify(id)} is already used on line ${sameId}${givenId === '' ? ' (made from the name; give an id column)' : ''}`);
      continue;
    }
    byName.set(nameKey, line);
    byId.set(id, line);
    entries.push({ id, name });
  }
  if (problems.length > 0) return fail(problems);
  if (entries.length === 0) return fail(['the roster names no learner: add one name per line under the header']);
  if (entries.length > MAX_LEARNERS) return fail([`${entries.length} learners; one classroom serves at most ${MAX_LEARNERS}`]);
  return entries;
}

/** A roster of `count` numbered learners: `Learner 01` (`learner-01`) and so on. */
export function numberedRoster(count: number): RosterEntry[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_LEARNERS) {
    throw new WorkshopError('BAD_OPTION', `--learners wants a whole number from 1 to ${MAX_LEARNERS}, got ${String(count)}`);
  }
  const width = String(count).length < 2 ? 2 : String(count).length;
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(width, '0');
    return { id: `learner-${n}`, name: `Learner ${n}` };
  });
}

/** The offset of the first byte that breaks UTF-8, for the error message. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let low = 0;
  let high = bytes.length;
  // The longest valid prefix, by halving; a cut inside a multi-byte character looks invalid too,
  // so the answer may be up to 3 bytes early, which is close enough to find it in an editor.
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    try {
      decoder.decode(bytes.subarray(0, mid));
      low = mid;
    } catch {
      high = mid - 1;
    }
  }
  return low;
}
