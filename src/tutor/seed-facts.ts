import { CodedError } from '../protocol/errors';

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

/** One message of the seed's manifest (sandbox-server/seed/manifest.json). */
export interface SeedManifestEntry {
  /** The message's file, relative to the seed folder. */
  file: string;
  subject: string;
  from: string;
  date: string;
  tags: readonly string[];
}

/** The seed as data, however the front end reads it (a folder, a bundle). */
export interface SeedSource {
  /** The manifest's messages by seed name. */
  messages(): Readonly<Record<string, SeedManifestEntry>>;
  /** The size a server reports for a message file (RFC 1939 §11: CRLF line ends, a final CRLF). */
  size(file: string): number;
}

/**
 * A lookup over the seed `source` gives. The manifest is asked for on the first lookup and a
 * message's size on the first lookup of that message, each once, so lessons that never ask
 * read nothing.
 */
export function createSeedLookup(source: SeedSource): SeedLookup {
  let manifest: Readonly<Record<string, SeedManifestEntry>> | undefined;
  const facts = new Map<string, SeedMessageFacts>();
  return (name) => {
    const cached = facts.get(name);
    if (cached) return cached;
    manifest ??= source.messages();
    if (!Object.prototype.hasOwnProperty.call(manifest, name)) return undefined;
    const entry = manifest[name]!;
    const found: SeedMessageFacts = { name, subject: entry.subject, from: entry.from, date: entry.date, tags: entry.tags, size: source.size(entry.file) };
    facts.set(name, found);
    return found;
  };
}
