/**
 * What the learner saw: values evaluated at the prompt, printed with `console`, or thrown
 * there, and what the client's calls resolved or rejected with. A check asks whether a result
 * was seen (docs/lesson-format.md, "What the learner saw"), never how it was typed or what a
 * variable was called.
 */

/** A value shown to the learner, in the order things happened. */
export interface ShownValue {
  /** Position among everything recorded in this lesson visit. */
  seq: number;
  value: unknown;
  /** Evaluated at the prompt, an argument of a `console` call, or an error printed at the prompt. */
  via: 'value' | 'console' | 'error';
}

/** What one client call resolved or rejected with (the REPL records them through its client tracker). */
export interface CallRecord {
  /** Position of the call's start among everything recorded in this lesson visit. */
  seq: number;
  /** The method or export called: `connect`, `stat`, `list`, `retr`, `send`, `fetchNew`, ... */
  call: string;
  /** Its arguments, secrets redacted (a password as `***`). */
  args: readonly unknown[];
  /** True when it resolved, false when it rejected. */
  ok: boolean;
  /** What it resolved with, or the error it rejected with. */
  value: unknown;
  /** The client's session state when the call started (undefined for `connect` and exports). */
  state?: string;
  /** When it started, as epoch milliseconds (to compare with transcript entries' `time`). */
  time?: number;
}

/** Strings shorter than this count only as a whole value shown, never found inside another. */
export const SHORT_STRING = 12;
/** How deep a shown value is searched for what it contains. */
const SHOWN_DEPTH = 4;
/** How deep a result's own fields are followed. */
const FIELD_DEPTH = 3;
/** How many values one search visits at most (a huge listing must not stall the checks). */
const MAX_NODES = 2_000;

/** The parts of a result a shown value can reveal: its objects (by identity), strings and numbers. */
interface Pieces {
  objects: Set<object>;
  strings: Set<string>;
  numbers: Set<number | bigint>;
}

const piecesCache = new WeakMap<object, Pieces>();

/**
 * True when some value shown after `after` shows `target`: it is `target`, contains it
 * (searched to depth 4), or equals one of its fields (followed to depth 3). A number or a short
 * string counts only as a whole value shown (or a number written in a shown string); a longer
 * string also when it appears inside what was shown, or is part of one of the target's strings.
 */
export function sawValue(shown: readonly ShownValue[], target: unknown, after = -1): boolean {
  const pieces = piecesOf(target);
  return shown.some((s) => s.seq > after && shows(s.value, pieces));
}

/**
 * True when a shown value, or something inside it (strings of at least {@link SHORT_STRING}
 * characters, and objects), satisfies `predicate`.
 */
export function sawDirectly(shown: readonly ShownValue[], predicate: (value: unknown) => boolean): boolean {
  return shown.some((s) => {
    let found = false;
    walk(s.value, SHOWN_DEPTH, (node, depth) => {
      if (found) return false;
      const eligible = depth === 0 || typeof node === 'object' || (typeof node === 'string' && node.length >= SHORT_STRING);
      if (eligible && test(predicate, node)) found = true;
      return !found;
    });
    return found;
  });
}

function shows(value: unknown, pieces: Pieces): boolean {
  let found = false;
  walk(value, SHOWN_DEPTH, (node, depth) => {
    if (found) return false;
    if (typeof node === 'object' && node !== null) found = pieces.objects.has(node);
    else if (typeof node === 'string') found = stringShows(node, depth === 0, pieces);
    else if ((typeof node === 'number' || typeof node === 'bigint') && depth === 0) found = pieces.numbers.has(node);
    return !found;
  });
  return found;
}

function stringShows(text: string, whole: boolean, pieces: Pieces): boolean {
  if (text === '') return false;
  if (whole && pieces.strings.has(text)) return true;
  // A number written in a printed sentence ("5 messages") shows the number.
  if (whole) for (const word of text.match(/\b\d+\b/g) ?? []) if (pieces.numbers.has(Number(word))) return true;
  if (text.length < SHORT_STRING) return false;
  for (const piece of pieces.strings) {
    if (piece.length < SHORT_STRING) continue;
    if (piece === text || piece.includes(text) || text.includes(piece)) return true;
  }
  return false;
}

/** A result's pieces: itself and its fields, their fields, and so on to {@link FIELD_DEPTH}. */
function piecesOf(target: unknown): Pieces {
  if (typeof target === 'object' && target !== null) {
    const cached = piecesCache.get(target);
    if (cached) return cached;
  }
  const pieces: Pieces = { objects: new Set(), strings: new Set(), numbers: new Set() };
  walk(target, FIELD_DEPTH, (node) => {
    if (typeof node === 'object' && node !== null) pieces.objects.add(node);
    else if (typeof node === 'string' && node !== '') pieces.strings.add(node);
    else if (typeof node === 'number' || typeof node === 'bigint') pieces.numbers.add(node);
    // How many a listing holds is one of its fields too (`listing.length`).
    if (Array.isArray(node)) pieces.numbers.add(node.length);
    return true;
  });
  if (typeof target === 'object' && target !== null) piecesCache.set(target, pieces);
  return pieces;
}

/**
 * Visits `root` and what it holds, breadth first, to `maxDepth`: array elements, Set and Map
 * entries, own properties (an error's message and cause too), and the getters of class
 * instances (a message's `size`, a client's `greeting`). Bytes are visited but not entered.
 * `visit` returns false to stop.
 */
function walk(root: unknown, maxDepth: number, visit: (node: unknown, depth: number) => boolean): void {
  const seen = new Set<unknown>();
  let level: unknown[] = [root];
  let visited = 0;
  for (let depth = 0; depth <= maxDepth && level.length > 0; depth++) {
    const next: unknown[] = [];
    for (const node of level) {
      if (visited++ >= MAX_NODES) return;
      if (!visit(node, depth)) return;
      if (typeof node !== 'object' || node === null || seen.has(node) || depth === maxDepth) continue;
      seen.add(node);
      next.push(...children(node));
    }
    level = next;
  }
}

function children(node: object): unknown[] {
  if (ArrayBuffer.isView(node)) return [];
  if (Array.isArray(node)) return node.slice(0, MAX_NODES);
  const tag = Object.prototype.toString.call(node);
  if (tag === '[object Set]') return [...(node as Set<unknown>)].slice(0, MAX_NODES);
  if (tag === '[object Map]') return [...(node as Map<unknown, unknown>).values()].slice(0, MAX_NODES);
  if (tag === '[object Promise]') return [];
  const out: unknown[] = [];
  for (const key of Object.getOwnPropertyNames(node)) {
    if (key === 'stack' || key === 'constructor') continue;
    out.push(read(node, key));
  }
  // Getters of a class instance are its fields too (a message's size, a client's greeting).
  for (let proto = Object.getPrototypeOf(node) as object | null; proto && Object.getPrototypeOf(proto) !== null; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(proto))) {
      if (descriptor.get && key !== '__proto__') out.push(read(node, key));
    }
  }
  return out;
}

function read(node: object, key: string): unknown {
  try {
    const value = (node as Record<string, unknown>)[key];
    return typeof value === 'function' ? undefined : value;
  } catch {
    return undefined;
  }
}

function test(predicate: (value: unknown) => boolean, value: unknown): boolean {
  try {
    return predicate(value) === true;
  } catch {
    return false;
  }
}
