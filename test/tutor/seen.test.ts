import { describe, expect, it } from 'vitest';
import { createFacts } from '../../src/tutor';
import type { CallRecord, ShownValue } from '../../src/tutor';

// What the learner saw, judged from the values shown (evaluated, printed, thrown) and the
// client calls' results: never from how a line was typed or what a variable is called.
let seq = 0;
const call = (name: string, value: unknown, ok = true, args: unknown[] = []): CallRecord => ({ seq: ++seq, call: name, args, ok, value });
const shown = (value: unknown, via: ShownValue['via'] = 'value'): ShownValue => ({ seq: ++seq, value, via });
const factsOf = (records: (CallRecord | ShownValue)[]) =>
  createFacts({
    transcript: [],
    values: [],
    calls: records.filter((r): r is CallRecord => 'call' in r),
    shown: records.filter((r): r is ShownValue => 'via' in r),
  });
const sawStat = (records: (CallRecord | ShownValue)[]): boolean => factsOf(records).saw((_, c) => c?.call === 'stat' && c.ok);

/** A class with getters, as the client's Pop3Message is. */
class Message {
  readonly n = 3;
  readonly #bytes: string;
  constructor(text: string) {
    this.#bytes = text;
  }
  get text(): string {
    return this.#bytes;
  }
  get size(): number {
    return this.#bytes.length;
  }
}

describe('what the learner saw', () => {
  it('counts a result evaluated, printed, stored and read, or destructured', () => {
    const drop = { count: 5, size: 5661 };
    expect(sawStat([call('stat', drop), shown(drop)])).toBe(true);
    expect(sawStat([call('stat', drop), shown(drop, 'console')])).toBe(true);
    expect(sawStat([call('stat', drop), shown(5)])).toBe(true);
    expect(sawStat([call('stat', drop), shown('You have 5 messages', 'console')])).toBe(true);
    expect(sawStat([call('stat', drop), shown({ mine: { deep: [drop] } })])).toBe(true);
  });

  it('does not count what came before the call, an unrelated value, or a call that failed', () => {
    const drop = { count: 5, size: 5661 };
    expect(sawStat([shown(5), call('stat', drop)])).toBe(false);
    expect(sawStat([call('stat', drop), shown(6)])).toBe(false);
    expect(sawStat([call('stat', drop), shown(true)])).toBe(false);
    expect(sawStat([call('stat', drop, false), shown(drop)])).toBe(false);
    expect(sawStat([call('stat', drop)])).toBe(false);
  });

  it('counts a number or a short string only as a whole value shown, a longer string also inside what was shown', () => {
    const reply = { status: '+OK', text: 'POP3 sandbox signing off (5 messages left)' };
    const sawQuit = (records: (CallRecord | ShownValue)[]): boolean => factsOf(records).saw((_, c) => c?.call === 'quit');
    expect(sawQuit([call('quit', reply), shown('+OK')])).toBe(true);
    expect(sawQuit([call('quit', reply), shown(['+OK'])])).toBe(false);
    expect(sawQuit([call('quit', reply), shown([{ said: 'POP3 sandbox signing off (5 messages left)' }])])).toBe(true);
    expect(sawQuit([call('quit', reply), shown('sandbox signing off')])).toBe(true);
  });

  it('reads a listing through its entries and an object through its getters', () => {
    const listing = [
      { n: 1, size: 120 },
      { n: 2, size: 340 },
    ];
    const sawList = (records: (CallRecord | ShownValue)[]): boolean => factsOf(records).saw((_, c) => c?.call === 'list');
    expect(sawList([call('list', listing), shown(listing[1])])).toBe(true);
    expect(sawList([call('list', listing), shown(340, 'console')])).toBe(true);
    const message = new Message('Subject: dots\r\n\r\n.leading dot at the start of a sentence\r\n');
    const sawRetr = (records: (CallRecord | ShownValue)[]): boolean => factsOf(records).saw((_, c) => c?.call === 'retr');
    expect(sawRetr([call('retr', message), shown(message.size)])).toBe(true);
    expect(sawRetr([call('retr', message), shown(['.', '..', '.leading dot at the start of a sentence'])])).toBe(true);
  });

  it('sees a rejected call through its error, its fields and its cause', () => {
    const error = Object.assign(new Error('TLS handshake failed'), { code: 'TLS_FAILED', cause: Object.assign(new Error('altname'), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }) });
    const sawRefusal = (records: (CallRecord | ShownValue)[]): boolean => factsOf(records).saw((v, c) => c?.call === 'connect' && !c.ok && v === error);
    expect(sawRefusal([call('connect', error, false), shown(error, 'error')])).toBe(true);
    expect(sawRefusal([call('connect', error, false), shown('ERR_TLS_CERT_ALTNAME_INVALID')])).toBe(true);
    expect(sawRefusal([call('connect', error, false), shown('TLS_FAILED', 'console')])).toBe(true);
    expect(sawRefusal([call('connect', error, false), shown('nothing to do with it')])).toBe(false);
  });

  it('judges values shown directly, inside collections too, with short strings only as a whole value', () => {
    const uids = new Set(['db416f8aa37a92ba', '528bbc75aff70789']);
    const facts = factsOf([shown(uids), shown({ nested: { word: 'PLAIN' } }), shown('Username:')]);
    expect(facts.saw((v) => Object.prototype.toString.call(v) === '[object Set]')).toBe(true);
    expect(facts.saw((v) => v === '528bbc75aff70789')).toBe(true);
    expect(facts.saw((v) => v === 'PLAIN')).toBe(false);
    expect(facts.saw((v) => v === 'Username:')).toBe(true);
  });

  it('stays quick on a huge listing', () => {
    const huge = Array.from({ length: 100_000 }, (_, i) => ({ n: i + 1, size: i }));
    const started = performance.now();
    expect(factsOf([call('list', huge), shown(huge)]).saw((_, c) => c?.call === 'list')).toBe(true);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
