import type { Keyword } from './commands';
import { isKeyword, toAsciiUpperCase } from './commands';
import { InvalidArgumentError } from './errors';

/**
 * Faults the sandbox injects on purpose, to teach robust clients. Every fault is
 * marked in the session log (`fault` field), so a lesson can tell "the server failed
 * on purpose" from "your code is wrong". All are off by default.
 */
export interface FaultSpec {
  /** Delay every reply by this many milliseconds. */
  delayMs?: number;
  /** Drop the connection after this many commands have been answered. */
  dropAfterCommands?: number;
  /** Drop the connection in the middle of a RETR body, after about half the message. */
  dropMidRetr?: boolean;
  /** Answer these commands with `-ERR [SYS/TEMP]`. */
  failCommands?: Keyword[];
  /** Refuse every login with this response code (LOGIN-DELAY is then advertised in CAPA). */
  refuseLogin?: 'IN-USE' | 'LOGIN-DELAY';
  /** Stop answering after this many commands (0: at once, the greeting is still sent). */
  stallAfterCommands?: number;
}

/**
 * Where in a session a fault acts: as a command line is read, before the handler runs
 * (`before-dispatch`); as a reply is about to be written (`before-reply`); once a reply is out
 * (`after-reply`); when the credentials of a login have checked out (`login`); while a
 * multi-line body is being written (`mid-body`). The sandbox has one function per hook.
 */
export type FaultHook = 'before-dispatch' | 'before-reply' | 'after-reply' | 'login' | 'mid-body';

/** What a fault takes after its name, and how it reads into its {@link FaultSpec} field. */
export type FaultArgument =
  /** `name=MS`: a whole number of milliseconds; 0 means no fault. */
  | { readonly kind: 'milliseconds' }
  /** `name=N`: a whole number; 0 is a fault too ("at once"). */
  | { readonly kind: 'count' }
  /** `name` alone: sets the field to `value`; `see` names the form that takes a value. */
  | { readonly kind: 'none'; readonly value: true | 0; readonly see?: string }
  /** `name=CMD[+CMD]`: POP3 keywords, case-insensitive. */
  | { readonly kind: 'keywords' }
  /** `name=A|B`: one of the values, case-insensitive. */
  | { readonly kind: 'choice'; readonly values: readonly string[] };

/** One fault: its name on the command line, the field it sets, what it does and where it acts. */
export interface FaultDefinition {
  /** The name in the CLI form (`--fault delay=200`). */
  readonly name: string;
  /** The {@link FaultSpec} field it sets. */
  readonly field: keyof FaultSpec;
  readonly argument: FaultArgument;
  /** One line for `--help` and docs/lesson-format.md. */
  readonly doc: string;
  readonly hook: FaultHook;
}

/**
 * Every fault, in the order `--help` and docs/lesson-format.md list them. Parsing, validation,
 * the help text and the docs are generated from this table; adding a fault is a row here plus
 * its code in the sandbox's function for the row's hook.
 */
export const FAULTS: readonly FaultDefinition[] = [
  {
    name: 'delay',
    field: 'delayMs',
    argument: { kind: 'milliseconds' },
    doc: 'Delay every reply, the greeting too, by MS milliseconds.',
    hook: 'before-reply',
  },
  {
    name: 'drop-after',
    field: 'dropAfterCommands',
    argument: { kind: 'count' },
    doc: 'Drop the connection once N commands are answered.',
    hook: 'after-reply',
  },
  {
    name: 'drop-mid-retr',
    field: 'dropMidRetr',
    argument: { kind: 'none', value: true },
    doc: 'Drop the connection halfway through a RETR body.',
    hook: 'mid-body',
  },
  {
    name: 'fail',
    field: 'failCommands',
    argument: { kind: 'keywords' },
    doc: 'Refuse these commands with `-ERR [SYS/TEMP]` once state and arguments check out.',
    hook: 'before-dispatch',
  },
  {
    name: 'refuse-login',
    field: 'refuseLogin',
    argument: { kind: 'choice', values: ['IN-USE', 'LOGIN-DELAY'] },
    doc: 'Refuse every correct login with this response code; CAPA then announces LOGIN-DELAY.',
    hook: 'login',
  },
  {
    name: 'stall',
    field: 'stallAfterCommands',
    argument: { kind: 'none', value: 0, see: 'stall-after=N' },
    doc: 'Read commands but never answer them (the greeting is still sent).',
    hook: 'before-dispatch',
  },
  {
    name: 'stall-after',
    field: 'stallAfterCommands',
    argument: { kind: 'count' },
    doc: 'Answer N commands, then read the rest without answering.',
    hook: 'before-dispatch',
  },
];

/** The CLI form of a fault, e.g. `delay=MS`, `fail=CMD[+CMD]`, `stall`. */
export function faultSyntax(fault: FaultDefinition): string {
  const { argument } = fault;
  switch (argument.kind) {
    case 'milliseconds':
      return `${fault.name}=MS`;
    case 'count':
      return `${fault.name}=N`;
    case 'none':
      return fault.name;
    case 'keywords':
      return `${fault.name}=CMD[+CMD]`;
    case 'choice':
      return `${fault.name}=${argument.values.join('|')}`;
  }
}

/** True when a field's value switches its fault on (a zero delay does nothing; a zero count acts at once). */
function isOn(argument: FaultArgument, value: unknown): boolean {
  switch (argument.kind) {
    case 'milliseconds':
      return Boolean(value);
    case 'count':
      return value !== undefined;
    case 'none':
      return argument.value === 0 ? value !== undefined : Boolean(value);
    case 'keywords':
      return Array.isArray(value) && value.length > 0;
    case 'choice':
      return Boolean(value);
  }
}

/** True when the spec switches nothing on. */
export function isNoFault(spec: FaultSpec): boolean {
  return FAULTS.every((fault) => !isOn(fault.argument, spec[fault.field]));
}

/** Reads the value after `name=` (undefined: no `=` at all) into the field's value. */
function parseArgument(fault: FaultDefinition, given: string | undefined): FaultSpec[keyof FaultSpec] {
  const { name, argument } = fault;
  const value = given ?? '';
  switch (argument.kind) {
    case 'milliseconds':
    case 'count': {
      const n = Number(value);
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
        throw new InvalidArgumentError(`fault ${name} needs a whole number, got ${JSON.stringify(value)}`);
      }
      return n;
    }
    case 'none':
      if (given !== undefined) {
        throw new InvalidArgumentError(`fault ${name} takes no value${argument.see === undefined ? '' : `; for a count use ${argument.see}`}`);
      }
      return argument.value;
    case 'keywords': {
      const words = value.split('+').map(toAsciiUpperCase);
      for (const word of words) {
        if (!isKeyword(word)) throw new InvalidArgumentError(`fault ${name}=: unknown command ${JSON.stringify(word)}`);
      }
      return words as Keyword[];
    }
    case 'choice': {
      const choice = value.toUpperCase();
      if (!argument.values.includes(choice)) {
        throw new InvalidArgumentError(`fault ${name}= takes ${argument.values.join(' or ')}`);
      }
      return choice as FaultSpec['refuseLogin'];
    }
  }
}

/**
 * Parses the CLI form, a comma-separated list of the {@link FAULTS} (`delay=200,fail=RETR+DELE`).
 * @throws InvalidArgumentError naming the part it does not understand.
 */
export function parseFaultSpec(text: string): FaultSpec {
  const spec: Record<string, unknown> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    // Split at the first "=" only, so "delay=200=5" is refused rather than read as 200.
    const eq = part.indexOf('=');
    const name = eq === -1 ? part : part.slice(0, eq);
    const fault = FAULTS.find((f) => f.name === name);
    if (!fault) {
      throw new InvalidArgumentError(`unknown fault ${JSON.stringify(name)}; known: ${FAULTS.map(faultSyntax).join(', ')}`);
    }
    spec[fault.field] = parseArgument(fault, eq === -1 ? undefined : part.slice(eq + 1));
  }
  return spec as FaultSpec;
}

/** Why a field's value (from code, not the CLI) is not one its fault accepts, or undefined. */
function fieldProblem(fault: FaultDefinition, value: unknown): string | undefined {
  const { field, argument } = fault;
  switch (argument.kind) {
    case 'milliseconds':
    case 'count':
      return Number.isSafeInteger(value) && (value as number) >= 0 ? undefined : `fault ${field} must be a whole number of at least 0, got ${String(value)}`;
    case 'none':
      return undefined;
    case 'keywords': {
      const unknown = (value as readonly string[]).find((word) => !isKeyword(word));
      return unknown === undefined ? undefined : `fault ${field}: unknown command ${JSON.stringify(unknown)}`;
    }
    case 'choice':
      return argument.values.includes(value as string) ? undefined : `fault ${field} must be ${argument.values.join(' or ')}`;
  }
}

/**
 * Checks a spec given from code (a lesson's `start.faults`, `setFaults`) and returns a frozen
 * copy that later changes to the caller's object cannot reach.
 * @throws InvalidArgumentError naming the first field at fault.
 */
export function checkFaultSpec(spec: FaultSpec): FaultSpec {
  const checked = new Set<keyof FaultSpec>();
  for (const fault of FAULTS) {
    const value = spec[fault.field];
    // Two rows may set one field (stall, stall-after): it is checked once, by its first row with a value.
    if (value === undefined || checked.has(fault.field) || fault.argument.kind === 'none') continue;
    checked.add(fault.field);
    const problem = fieldProblem(fault, value);
    if (problem !== undefined) throw new InvalidArgumentError(problem);
  }
  return Object.freeze({ ...spec, ...(spec.failCommands ? { failCommands: [...spec.failCommands] } : {}) });
}
