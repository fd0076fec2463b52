/** The key Node's `util.inspect` looks for; registered globally, so no `node:util` import (and none in a browser). */
export const INSPECT: unique symbol = Symbol.for('nodejs.util.inspect.custom');

/** What `util.inspect` passes to a custom inspect method: its options, and itself to format nested values. */
export interface InspectOptions {
  stylize(text: string, style: string): string;
}

/** `util.inspect` itself, as the third argument of a custom inspect method. */
export type Inspect = (value: unknown, options: object) => string;
