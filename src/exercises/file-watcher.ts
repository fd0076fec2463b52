import { statSync, watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import * as path from 'node:path';

/** How long a burst of events on the file (an editor's write, or its rename-on-save) is let settle before one change is reported. */
export const WATCH_DEBOUNCE_MS = 100;
/** How often the polling fallback looks at the file. */
export const WATCH_POLL_MS = 250;

/** Options of {@link watchSavedFile}. */
export interface FileWatchOptions {
  file: string;
  /** Called once per save, after the events of the save have settled. */
  onSave(): void;
  /** `poll` skips file-system events, for file systems where they do not arrive (some containers and network mounts). */
  mode?: 'auto' | 'poll';
  debounceMs?: number;
  pollMs?: number;
}

/** A running watch on one file. */
export interface FileWatch {
  /** How it watches: file-system events on the folder, or polling. */
  readonly mode: 'events' | 'poll';
  close(): void;
}

/**
 * Watches one file for saves. It watches the file's folder, not the file: an editor that saves
 * by writing a new file and renaming it over the old one (an atomic save) replaces the inode a
 * watch on the file would follow. Events are debounced, and a change is reported only when the
 * file's identity, size or modification time differ from the last report, so one save is one
 * call however many events it raised. Where folder events cannot be had, it polls.
 */
export function watchSavedFile(options: FileWatchOptions): FileWatch {
  const { file } = options;
  const debounceMs = options.debounceMs ?? WATCH_DEBOUNCE_MS;
  let last = signature(file);
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const settle = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (closed) return;
      const now = signature(file);
      // Missing: halfway through a rename-on-save; the rename's own event follows.
      if (now === undefined || now === last) return;
      last = now;
      options.onSave();
    }, debounceMs);
  };

  // Each look compares with the last report, not with the look before: a save made before
  // the first look (fs.watchFile's first stat comes later) is still seen.
  const poll = (): FileWatch => {
    const looking = setInterval(() => {
      if (signature(file) !== last) settle();
    }, options.pollMs ?? WATCH_POLL_MS);
    return {
      mode: 'poll',
      close() {
        closed = true;
        clearTimeout(timer);
        clearInterval(looking);
      },
    };
  };

  if (options.mode === 'poll') return poll();
  let watcher: FSWatcher;
  try {
    const name = path.basename(file);
    watcher = watch(path.dirname(file), { persistent: true }, (_event, changed) => {
      // Some platforms do not say which file changed: look anyway.
      if (changed === null || changed === name) settle();
    });
  } catch {
    return poll();
  }
  let current: FileWatch = {
    mode: 'events',
    close() {
      closed = true;
      clearTimeout(timer);
      watcher.close();
    },
  };
  // A watch that breaks later (its folder removed, a watch limit reached) goes on by polling.
  watcher.on('error', () => {
    watcher.close();
    if (!closed) current = poll();
  });
  return {
    get mode() {
      return current.mode;
    },
    close: () => current.close(),
  };
}

/** The file's identity, size and modification time, or undefined while it is missing. */
function signature(file: string): string | undefined {
  try {
    const s = statSync(file);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return undefined;
  }
}
