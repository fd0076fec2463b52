import type { FaultSpec } from '../src/protocol';
import { FAULTS } from '../src/protocol';

/**
 * A fault spec in the `--fault` form the instructor typed (`delay=500,fail=RETR`), from the
 * fault table (src/protocol/faults.ts), so the dashboard shows what is on the way it is asked for.
 */
export function formatFaultSpec(spec: FaultSpec): string {
  const parts: string[] = [];
  const seen = new Set<keyof FaultSpec>();
  for (const fault of FAULTS) {
    const value = spec[fault.field];
    if (value === undefined || seen.has(fault.field)) continue;
    const { argument } = fault;
    if (argument.kind === 'none') {
      if (value !== argument.value) continue;
      parts.push(fault.name);
    } else if (argument.kind === 'keywords') parts.push(`${fault.name}=${(value as readonly string[]).join('+')}`);
    else parts.push(`${fault.name}=${String(value)}`);
    seen.add(fault.field);
  }
  return parts.join(',');
}
