/**
 * Compute the APOP digest (RFC 1939 §7) from a greeting and a shared secret: judged on what the
 * learner's `apopDigest` returns for the RFC's own example and other greetings, and on whether
 * the sandbox accepts the digest it makes for the sandbox's greeting.
 */
import { createHash } from 'node:crypto';
import type { ExerciseContext, ExerciseUnitDefinition, Facts } from '../../../../src/tutor';
import type * as Playground from '../../../../src/index';
import { callOnce, callsResult, callsVerdict, loadFunctions, notJudgeable, verdict } from '../../../common';
import type { ExerciseCall } from '../../../common';

interface ApopRun {
  problem?: string;
  rfc: ExerciseCall[];
  greetings: ExerciseCall[];
  /** The digest the learner's function made for the sandbox's greeting, and the sandbox's answer to it. */
  sandbox?: { call: ExerciseCall; accepted: boolean; reply: string };
  /** Wrong digests the calls gave, by the mistake that makes them. */
  mistakes: ('upper-case' | 'whole-greeting' | 'no-brackets')[];
}

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');
const RFC_GREETING = '+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>';

async function run(context: ExerciseContext): Promise<ApopRun> {
  const result: ApopRun = { rfc: [], greetings: [], mistakes: [] };
  const loaded = await loadFunctions(context, ['apopDigest']);
  if (typeof loaded === 'string') return { ...result, problem: loaded };
  const apopDigest = loaded.apopDigest!;
  const digestOf = async (greeting: string, secret: string): Promise<ExerciseCall> => {
    const timestamp = /<[^<>]*@[^<>]*>/.exec(greeting)?.[0] ?? '';
    const call = await callOnce(apopDigest, [greeting, secret], `apopDigest(${JSON.stringify(greeting)}, ${JSON.stringify(secret)})`, md5(timestamp + secret));
    const actual = call.actual;
    if (typeof actual === 'string' && actual !== call.expected) {
      if (actual === String(call.expected).toUpperCase()) result.mistakes.push('upper-case');
      else if (actual.toLowerCase() === md5(greeting + secret)) result.mistakes.push('whole-greeting');
      else if (actual.toLowerCase() === md5(timestamp.slice(1, -1) + secret)) result.mistakes.push('no-brackets');
    }
    return call;
  };
  result.rfc.push(await digestOf(RFC_GREETING, 'tanstaaf'));
  result.greetings.push(await digestOf('+OK <4711.1700000000@mail.example.org> POP3 ready, say hello', 'wonderland'));
  result.greetings.push(await digestOf('+OK Dovecot ready. <1b6.3e.65a1f3c7.QwBJb2Vh@imap.example.net>', 'Ünïcödé secret'));

  // The sandbox's own greeting, and its verdict on the digest.
  const { connect } = context.modules['pop3-playground'] as typeof Playground;
  const alice = context.server.accounts.find((a) => a.name === 'alice');
  const pop = await connect({ host: context.server.host, port: context.server.port });
  try {
    const call = await digestOf(pop.greeting, alice?.password ?? '');
    const reply = typeof call.actual === 'string' && /^[\x21-\x7e]+$/.test(call.actual) ? await pop.send(`APOP alice ${call.actual}`) : undefined;
    result.sandbox = { call: { ...call, label: `apopDigest(<the sandbox's greeting>, 'wonderland')` }, accepted: reply?.ok === true, reply: reply?.line ?? 'no APOP was sent' };
    await pop.quit();
  } finally {
    pop.close();
    await context.settle();
  }
  return result;
}

const made = (f: Facts, mistake: ApopRun['mistakes'][number]): boolean => callsResult<ApopRun>(f)?.mistakes.includes(mistake) ?? false;

const exercise: ExerciseUnitDefinition = {
  formatVersion: 1,
  title: 'The APOP digest',
  summary: 'MD5 of the greeting’s timestamp and the secret, as 32 lower-case hex digits',
  rfc: ['RFC 1939 §7'],
  file: 'apop-digest.ts',
  timeoutMs: 10_000,
  run,
  goals: [
    {
      id: 'rfc-example',
      text: "Gives RFC 1939 §7's own example: `c4c9334bac560ecc979e58001b3e22fb` for `tanstaaf`",
      check: (f) => callsVerdict<ApopRun>(f, (r) => r.rfc),
      hints: [
        'The digest is MD5 over the timestamp (the `<...>` part of the greeting, brackets included) followed at once by the secret.',
        "`createHash('md5').update(timestamp + secret).digest('hex')`, with `createHash` from `node:crypto`.",
      ],
    },
    {
      id: 'any-greeting',
      text: 'Finds the timestamp wherever it stands in the greeting, and digests the secret as UTF-8',
      check: (f) => callsVerdict<ApopRun>(f, (r) => r.greetings),
      hints: ['The timestamp is the one `<...@...>` in the line, not always at its end: `/<[^<>]*@[^<>]*>/.exec(greeting)`.', 'Hash strings as UTF-8 (what `update(text)` does by default).'],
    },
    {
      id: 'sandbox-accepts',
      text: 'The sandbox accepts your digest for its own greeting: `APOP alice <digest>` gets `+OK`',
      check: (f) => {
        const waiting = notJudgeable(f);
        if (waiting) return waiting;
        const sandbox = callsResult<ApopRun>(f)?.sandbox;
        const accepted = f.replies('APOP').some((e) => e.status === '+OK');
        return verdict(accepted && sandbox?.accepted === true, '`+OK` to `APOP alice <your digest>`', sandbox ? `the sandbox answered ${sandbox.reply}` : 'no APOP was sent');
      },
      hints: ['Read the timestamp from the greeting you are given: the sandbox makes a new one for every connection.'],
    },
  ],
  mistakes: [
    { id: 'upper-case', goal: 'rfc-example', when: (f) => made(f, 'upper-case'), hint: 'Right digest, wrong case: APOP wants lower-case hex digits (RFC 1939 §7), as `digest("hex")` gives them.' },
    { id: 'whole-greeting', goal: 'rfc-example', when: (f) => made(f, 'whole-greeting'), hint: 'That is the MD5 of the whole greeting line. Digest only the timestamp, `<...>`, followed by the secret.' },
    { id: 'no-brackets', goal: 'rfc-example', when: (f) => made(f, 'no-brackets'), hint: 'Keep the angle brackets: the timestamp is `<1896.697170952@dbc.mtview.ca.us>`, brackets and all.' },
  ],
};

export default exercise;
