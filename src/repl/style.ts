/**
 * How output looks: colour or not, width, and whether box drawing is allowed. Decided once,
 * at start, from the output stream and the environment.
 */

/** The output style the REPL renders with. */
export interface OutputStyle {
  /** ANSI colour and emphasis. */
  colour: boolean;
  /** Columns to wrap markdown at when the output has no width of its own (see {@link proseWidth}). */
  width: number;
  /** The output is a terminal (box drawing, cursor movement allowed). */
  terminal: boolean;
}

/** The part of a writable stream the style looks at. */
export interface StyledStream {
  isTTY?: boolean;
  columns?: number;
  hasColors?: (count?: number) => boolean;
}

/**
 * Decides the style: FORCE_COLOR (when set) wins, then NO_COLOR (https://no-color.org) and
 * TERM=dumb switch colour off, else colour only on a terminal that reports colours.
 */
export function decideStyle(stream: StyledStream, env: NodeJS.ProcessEnv = process.env): OutputStyle {
  const terminal = stream.isTTY === true;
  let colour: boolean;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') colour = force !== '0' && force.toLowerCase() !== 'false';
  else if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') colour = false;
  else if (env.TERM === 'dumb') colour = false;
  else colour = terminal && (stream.hasColors?.() ?? false);
  return { colour, width: proseWidth(stream, 80), terminal: terminal && env.TERM !== 'dumb' };
}

/** Prose wider than this is hard to read, however wide the terminal. */
const MAX_PROSE_WIDTH = 100;

/** Narrower terminals are taken for a misreport. */
const MIN_COLUMNS = 21;

/**
 * The terminal's width now (it follows resizes: Node updates `columns` on SIGWINCH), or
 * undefined when the output is not a terminal, which has no width to fit.
 */
export function terminalColumns(stream: StyledStream): number | undefined {
  return stream.isTTY === true && stream.columns !== undefined && stream.columns >= MIN_COLUMNS ? stream.columns : undefined;
}

/** Columns to wrap lesson prose at: the terminal's width now, at most 100; `fallback` without a terminal. */
export function proseWidth(stream: StyledStream, fallback: number): number {
  return Math.min(terminalColumns(stream) ?? fallback, MAX_PROSE_WIDTH);
}

const SGR = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
} as const;

/** A small painter: applies SGR emphasis only when the style has colour. */
export type Painter = Record<keyof typeof SGR, (text: string) => string>;

/** Makes a painter for the style. */
export function createPainter(style: OutputStyle): Painter {
  const paint = {} as Painter;
  for (const [name, [on, off]] of Object.entries(SGR) as [keyof typeof SGR, readonly [number, number]][]) {
    paint[name] = style.colour ? (text) => `\u001b[${on}m${text}\u001b[${off}m` : (text) => text;
  }
  return paint;
}
