/** Reads a V8 .cpuprofile (as written by `node --cpu-prof`) and ranks functions by self time. */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** One function's share of the profile. */
export interface HotFunction {
  name: string;
  location: string;
  selfMs: number;
  selfPercent: number;
}

/** The functions with the most self time, and the time per source file. */
export interface ProfileSummary {
  totalMs: number;
  functions: HotFunction[];
  files: { file: string; selfMs: number; selfPercent: number }[];
}

function describeUrl(url: string, root: string): string {
  if (!url) return '(native)';
  const path = url.startsWith('file://') ? url.slice('file://'.length) : url;
  return path.startsWith('/') ? relative(root, path) : path;
}

/** Self time per function and per file, from the sample timeline of a .cpuprofile. */
export function summarizeCpuProfile(file: string, root: string, top = 20): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // A sample's time is the delta to the next sample.
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i + 1] ?? 0));
  }
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0) || 1;
  const perFunction = new Map<string, HotFunction>();
  const perFile = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const location = `${describeUrl(frame.url, root)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    const name = frame.functionName || '(anonymous)';
    const key = `${name} ${location}`;
    const entry = perFunction.get(key) ?? { name, location, selfMs: 0, selfPercent: 0 };
    entry.selfMs += us / 1000;
    perFunction.set(key, entry);
    const fileKey = describeUrl(frame.url, root) || name;
    perFile.set(frame.url ? fileKey : name, (perFile.get(frame.url ? fileKey : name) ?? 0) + us / 1000);
  }
  const totalMs = totalUs / 1000;
  const functions = [...perFunction.values()]
    .map((f) => ({ ...f, selfPercent: (100 * f.selfMs) / totalMs }))
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, top);
  const files = [...perFile.entries()]
    .map(([f, ms]) => ({ file: f, selfMs: ms, selfPercent: (100 * ms) / totalMs }))
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, top);
  return { totalMs, functions, files };
}
