import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmbeddedTarget } from '../../src/cli';
import type { EmbeddedTarget } from '../../src/cli';
import type { PlaygroundTarget } from '../../src/repl';
import { loadLessons } from '../../src/tutor/node';
import { makeStateDir, ROOT, startStreamedRepl } from '../helpers/repl-streams';
import type { StreamedRepl } from '../helpers/repl-streams';

export { makeStateDir, ROOT } from '../helpers/repl-streams';

/** A REPL driven through streams, with the embedded sandbox behind it. */
export interface ReplHarness extends StreamedRepl {
  embedded: EmbeddedTarget;
  stateDir: string;
}

export interface HarnessOptions {
  fast?: boolean;
  stateDir?: string;
  /** Default: the first two shipped lessons. */
  lessonsDir?: string;
  evalTimeoutMs?: number;
  /** Reuse a running sandbox (the harness then leaves it open). */
  embedded?: EmbeddedTarget;
  /** Point the REPL at this target instead (e.g. `--server`); a sandbox is still started for `embedded`. */
  target?: PlaygroundTarget;
}

/**
 * A lessons folder with only the first two shipped lessons (linked, not copied), so tests of
 * the engine do not change as the curriculum grows.
 */
export function firstTwoLessonsDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-two-lessons-'));
  const order = ['01-first-contact', '02-user-and-pass'];
  for (const name of order) symlinkSync(path.join(ROOT, 'lessons', name), path.join(dir, name), 'dir');
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ formatVersion: 1, order }));
  return dir;
}

/** Starts a REPL on PassThrough streams, and the embedded sandbox unless one is given. */
export async function startHarness(options: HarnessOptions = {}): Promise<ReplHarness> {
  const embedded = options.embedded ?? (await startEmbeddedTarget());
  const stateDir = options.stateDir ?? makeStateDir();
  const streamed = await startStreamedRepl({
    target: options.target ?? embedded.target,
    lessons: await loadLessons(options.lessonsDir ?? firstTwoLessonsDir()),
    stateDir,
    fast: options.fast ?? true,
    evalTimeoutMs: options.evalTimeoutMs ?? 2_000,
  });
  return {
    ...streamed,
    embedded,
    stateDir,
    async close() {
      await streamed.close();
      if (!options.embedded) await embedded.close();
    },
  };
}
