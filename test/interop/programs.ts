import { describe } from 'vitest';

/** True when running under CI, where every interop test must run: a missing peer is a failure. */
export const IN_CI = process.env.CI !== undefined && !['', '0', 'false'].includes(process.env.CI.toLowerCase());

/**
 * `describe` for tests that need a real program as peer. Outside CI a missing program skips the
 * suite with a note saying why; in CI the suite runs, and fails where the program is needed.
 */
export function describeWithProgram(available: boolean, what: string, title: string, body: () => void): void {
  if (!available && !IN_CI) {
    console.warn(`[interop] skipping "${title}": ${what} is not installed (CI never skips this)`);
    describe.skip(title, body);
    return;
  }
  describe(title, body);
}
