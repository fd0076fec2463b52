/**
 * How output looks: colour or not, width, and whether box drawing is allowed. Decided once,
 * at start, from the output stream and the environment.
 */

/** The output style the REPL renders with. */
export interface OutputStyle {
  /** ANSI colour and emphasis. */
  colour: boolean;
  /** Columns to wrap markdown at. */
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
  const columns = terminal && stream.columns && stream.columns > 20 ? stream.columns : 80;
  return { colour, width: Math.min(columns, 100), terminal: terminal && env.TERM !== 'dumb' };
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
