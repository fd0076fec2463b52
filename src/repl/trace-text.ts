/** What `.trace on|off` says, in the terminal and on the docs site's pages alike. */
export function traceSwitchedText(on: boolean): string {
  return on ? 'Trace on: every command (C:) and reply (S:) is shown, passwords as ***.' : 'Trace off.';
}

/** The switch a `.trace` line asks for (`.trace` alone toggles), or undefined for any other line. */
export function traceLineSwitch(line: string, current: boolean): boolean | undefined {
  const match = /^\.trace(?:\s+(on|off))?\s*$/.exec(line.trim());
  if (!match) return undefined;
  return match[1] === undefined ? !current : match[1] === 'on';
}
