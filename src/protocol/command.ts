import { InvalidArgumentError } from './errors';
import { lookupCommand, redactArgs, toAsciiUpperCase } from './commands';

/** A parsed command line. */
export interface ParsedCommand {
  /** The keyword upper-cased (RFC 1939 §3: keywords are case-insensitive). */
  keyword: string;
  /** Arguments as sent; for rest-of-line commands (USER, PASS) a single argument. */
  args: string[];
}

/**
 * Parses one command line (without CRLF). Keywords and arguments are separated by
 * single spaces (RFC 1939 §3); we also accept runs of spaces. For USER and PASS the
 * rest of the line is one argument, since passwords may contain spaces (RFC 1939 §7).
 * Bytes are read as latin1 so that no input can fail to decode; UTF-8 arguments are
 * re-read by the handlers that allow them.
 */
export function parseCommandLine(line: Buffer | string): ParsedCommand {
  const text = typeof line === 'string' ? line : line.toString('latin1');
  const space = text.indexOf(' ');
  const word = space === -1 ? text : text.slice(0, space);
  const tail = space === -1 ? '' : text.slice(space + 1);
  const keyword = toAsciiUpperCase(word);
  const spec = lookupCommand(keyword)?.spec;
  if (spec && 'rest' in spec && spec.rest) {
    return { keyword, args: tail === '' ? [] : [tail] };
  }
  const args = tail.split(' ').filter((a) => a !== '');
  return { keyword, args };
}

/** Forbidden in any argument: they would end or corrupt the command line (RFC 1939 §3). */
const UNSAFE = /[\r\n\0]/;

/**
 * Formats a command line with CRLF, refusing arguments that would split it.
 * @throws InvalidArgumentError for CR, LF or NUL in the keyword or an argument; the
 *   message never repeats a secret argument.
 */
export function formatCommand(keyword: string, args: readonly string[] = []): Buffer {
  const shown = redactArgs(keyword, args);
  if (UNSAFE.test(keyword) || keyword.includes(' ') || keyword === '') {
    // Show the first word only: a whole line passed as the keyword may hold a password.
    const word = keyword.split(/[ \r\n\0]/, 1)[0] ?? '';
    throw new InvalidArgumentError(
      `invalid keyword ${JSON.stringify(word)}: a keyword is one word with no space, CR, LF or NUL; pass arguments separately`,
    );
  }
  args.forEach((arg, i) => {
    if (UNSAFE.test(arg)) {
      throw new InvalidArgumentError(
        `argument ${i + 1} of ${keyword} (${JSON.stringify(shown[i])}) contains CR, LF or NUL, which would split the command`,
      );
    }
  });
  const line = args.length > 0 ? `${keyword} ${args.join(' ')}` : keyword;
  return Buffer.from(`${line}\r\n`, 'utf8');
}

/** Shows a command as a trace line would, secrets redacted: `PASS ***`. */
export function describeCommand(keyword: string, args: readonly string[]): string {
  const shown = redactArgs(keyword, args);
  return shown.length > 0 ? `${keyword} ${shown.join(' ')}` : keyword;
}
