import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The state directory: `--state-dir` when given, else `$XDG_STATE_HOME/pop3-playground`,
 * else `~/.local/state/pop3-playground` (XDG Base Directory Specification).
 */
export function resolveStateDir(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return path.resolve(explicit);
  const xdg = env.XDG_STATE_HOME;
  // The spec says relative paths are invalid and must be ignored.
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.local', 'state');
  return path.join(base, 'pop3-playground');
}
