/**
 * What varies from one run of a lesson's code blocks to the next, replaced by fixed words so
 * the outputs in the prose can be compared with a new run (docs/lesson-format.md, "What is
 * blanked"). Everything else must come out the same every time.
 */

/** One rule: what varies, and the fixed text it becomes. */
export interface BlankingRule {
  name: string;
  pattern: RegExp;
  replacement: string | ((match: string, ...groups: string[]) => string);
}

const DAY_MS = 24 * 60 * 60 * 1000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** True for a time within a day and a half of `now` (the run), so fixed seed dates never match. */
function nearNow(time: number, now: number): boolean {
  return Number.isFinite(time) && Math.abs(time - now) < 1.5 * DAY_MS;
}

/** The rules, in the order they apply. `now` is when the run happened. */
export function blankingRules(now: Date = new Date()): BlankingRule[] {
  const t = now.getTime();
  return [
    {
      // RFC 1939 §7: the sandbox's APOP timestamp, <process-id.clock.random@host>, new in every greeting.
      name: 'APOP timestamp',
      pattern: /<\d+\.\d+\.[0-9a-f]+@([\w.-]+)>/g,
      replacement: (_m, host: string) => `<PID.CLOCK.RANDOM@${host}>`,
    },
    {
      // The sandbox listens on free ports (port 0): any port above the well-known range.
      name: 'port after a host',
      pattern: /\b(127\.0\.0\.1|localhost|\[::1\]):([1-9]\d{3,4})\b/g,
      replacement: (m, host: string, port: string) => (Number(port) >= 1024 ? `${host}:PORT` : m),
    },
    {
      name: 'port in a printed object',
      pattern: /\b(port|tlsPort|localPort|remotePort): ([1-9]\d{3,4})\b/g,
      replacement: (m, key: string, port: string) => (Number(port) >= 1024 ? `${key}: PORT` : m),
    },
    {
      // The sandbox makes a new CA and certificate at every start.
      name: 'certificate PEM',
      pattern: /(-----BEGIN [A-Z ]+-----)[\s\S]*?(-----END [A-Z ]+-----)/g,
      replacement: (_m, begin: string, end: string) => `${begin}…${end}`,
    },
    {
      name: 'certificate fingerprint',
      pattern: /\b[0-9A-F]{2}(?::[0-9A-F]{2}){15,}\b/g,
      replacement: 'FINGERPRINT',
    },
    {
      name: 'ISO time of the run',
      pattern: /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\b/g,
      replacement: (m) => (nearNow(Date.parse(m), t) ? 'YYYY-MM-DDTHH:MM:SSZ' : m),
    },
    {
      name: 'ISO date of the run',
      pattern: /\b\d{4}-\d{2}-\d{2}\b/g,
      replacement: (m) => (nearNow(Date.parse(`${m}T12:00:00Z`), t) ? 'YYYY-MM-DD' : m),
    },
    {
      // OpenSSL's form, as in a certificate's valid_from: "Nov 26 12:22:00 2025 GMT".
      name: 'certificate date',
      pattern: /\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +(\d{1,2}) (\d{2}:\d{2}:\d{2}) (\d{4}) GMT\b/g,
      replacement: 'MON DD HH:MM:SS YYYY GMT',
    },
    {
      name: 'Date.toString() of the run',
      pattern: /\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{2}) (\d{4}) \d{2}:\d{2}:\d{2} GMT[+-]\d{4}(?: \([^)]*\))?/g,
      replacement: (m, mon: string, day: string, year: string) =>
        nearNow(Date.UTC(Number(year), MONTHS.indexOf(mon), Number(day), 12), t) ? 'DAY MON DD YYYY HH:MM:SS GMT' : m,
    },
    {
      name: 'epoch milliseconds of the run',
      pattern: /\b1\d{12}\b/g,
      replacement: (m) => (nearNow(Number(m), t) ? 'EPOCH_MS' : m),
    },
    {
      // Timings the learner printed ("took 12 ms"); fixed limits ("after 10000 ms") stay.
      name: 'measured duration',
      pattern: /\b(took|in|elapsed:?) \d+(?:\.\d+)? ?ms\b/g,
      replacement: (_m, word: string) => `${word} N ms`,
    },
    {
      // Node 24 adds advice of its own to an unverified certificate's message; Node 20 and 22 do not.
      name: "Node's --use-system-ca advice",
      pattern: /; if the root CA is installed locally, try running Node\.js with --use-system-ca/g,
      replacement: '',
    },
  ];
}

/** Applies every rule; the same text always blanks to the same result. */
export function blankOutput(text: string, now: Date = new Date()): string {
  let out = text;
  for (const rule of blankingRules(now)) {
    out = typeof rule.replacement === 'string' ? out.replace(rule.pattern, rule.replacement) : out.replace(rule.pattern, rule.replacement as (m: string, ...g: string[]) => string);
  }
  // Output blocks hold text, not trailing spaces or a final newline.
  return out
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''))
    .join('\n')
    .replace(/\n+$/, '');
}
