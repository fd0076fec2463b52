import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CodedError } from '../protocol/errors';
import { toCanonicalCrlf } from '../protocol/multiline';

/** What a lesson's checks know of one seed message (sandbox-server/seed/manifest.json). */
export interface SeedMessageFacts {
  /** The seed name, e.g. `report-attachment`. */
  name: string;
  /** The subject as the manifest gives it: decoded, as a MIME parser returns it. */
  subject: string;
  from: string;
  date: string;
  tags: readonly string[];
  /**
   * The size a POP3 server reports and RETR delivers: the message's octets with every line
   * ending in CRLF, a final CRLF included (RFC 1939 §11).
   */
  size: number;
}

/** Finds a seed message by name; undefined for a name the seed does not have. */
export type SeedLookup = (name: string) => SeedMessageFacts | undefined;

/** Thrown by `facts.seed(name)` for a name the seed does not have (a typo in a check). */
export class UnknownSeedMessageError extends CodedError {
  constructor(name: string) {
    super('UNKNOWN_SEED_MESSAGE', `no seed message named "${name}"`);
  }
}

interface ManifestMessage {
  file: string;
  subject: string;
  from: string;
  date: string;
  tags: string[];
}

/**
 * The sandbox's bundled seed, read as data: the tutor never imports the server's code (only the
 * CLI does), so it names the folder instead of borrowing sandbox-server's constant.
 */
const BUNDLED_SEED_DIR = path.join(__dirname, '..', '..', 'sandbox-server', 'seed');

const lookups = new Map<string, SeedLookup>();

/**
 * A lookup over the seed in `dir` (the sandbox's bundled seed by default). The manifest is read
 * on the first lookup and a message's file on the first lookup of that message, both once per
 * process, so lessons that never ask read nothing.
 */
export function seedLookup(dir: string = BUNDLED_SEED_DIR): SeedLookup {
  const known = lookups.get(dir);
  if (known) return known;
  let manifest: Record<string, ManifestMessage> | undefined;
  const facts = new Map<string, SeedMessageFacts>();
  const lookup: SeedLookup = (name) => {
    const cached = facts.get(name);
    if (cached) return cached;
    manifest ??= (JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { messages: Record<string, ManifestMessage> }).messages;
    if (!Object.prototype.hasOwnProperty.call(manifest, name)) return undefined;
    const entry = manifest[name]!;
    const size = toCanonicalCrlf(readFileSync(path.join(dir, entry.file))).length;
    const found: SeedMessageFacts = { name, subject: entry.subject, from: entry.from, date: entry.date, tags: entry.tags, size };
    facts.set(name, found);
    return found;
  };
  lookups.set(dir, lookup);
  return lookup;
}
