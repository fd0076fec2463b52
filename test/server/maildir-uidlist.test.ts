import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UidList } from '../../sandbox-server/maildir/uidlist';
import { formatUid, formatUidList, parseUidList } from '../../sandbox-server/maildir/uidlist';

const LIST: UidList = {
  validity: 1700000000,
  next: 4,
  entries: [
    { uid: 1, size: 1080, base: '1700000000.M000001P42Q1Rab.host,S=1080', seedName: 'welcome' },
    { uid: 3, size: 7, base: '1700000001.M000002P42Q2Rcd.host,S=7' },
  ],
  removed: [{ base: '1700000000.M000003P42Q3Ref.host,S=9', readerLock: '0123abcd' }, { base: 'gone' }],
};

describe('the pop3-uidlist format', () => {
  it('writes a header line, one line per message in order, then the committed removals', () => {
    expect(formatUidList(LIST)).toBe(
      [
        'pop3-uidlist 1 validity=1700000000 next=4',
        '1 1080 1700000000.M000001P42Q1Rab.host,S=1080 welcome',
        '3 7 1700000001.M000002P42Q2Rcd.host,S=7',
        '- 1700000000.M000003P42Q3Ref.host,S=9 0123abcd',
        '- gone',
        '',
      ].join('\n'),
    );
  });

  it('reads back what it wrote', () => {
    expect(parseUidList(formatUidList(LIST))).toEqual(LIST);
  });

  it('percent-encodes "%", spaces and control characters in names, and decodes them again', () => {
    const list: UidList = { validity: 1, next: 2, entries: [{ uid: 1, size: 3, base: 'a b%c', seedName: 'tab\there\nnewline é' }], removed: [] };
    const text = formatUidList(list);
    expect(text.split('\n')[1]).toBe('1 3 a%20b%25c tab%09here%0Anewline%20é');
    expect(parseUidList(text)).toEqual(list);
  });

  it('reads an empty maildrop', () => {
    expect(parseUidList('pop3-uidlist 1 validity=5 next=1\n')).toEqual({ validity: 5, next: 1, entries: [], removed: [] });
  });

  it.each([
    ['an empty file', ''],
    ['another format version', 'pop3-uidlist 2 validity=5 next=1\n'],
    ['a header without next', 'pop3-uidlist 1 validity=5\n'],
    ['a last line cut short (no final line break)', 'pop3-uidlist 1 validity=5 next=2\n1 3 base'],
    ['a message line with too few fields', 'pop3-uidlist 1 validity=5 next=2\n1 3\n'],
    ['a message line with too many fields', 'pop3-uidlist 1 validity=5 next=2\n1 3 base seed extra\n'],
    ['a uid that is not a number', 'pop3-uidlist 1 validity=5 next=2\nx 3 base\n'],
    ['a size that is not a number', 'pop3-uidlist 1 validity=5 next=2\n1 -3 base\n'],
    ['a removal line with too many fields', 'pop3-uidlist 1 validity=5 next=2\n- base nonce extra\n'],
  ])('calls %s damaged', (_name, text) => {
    expect(parseUidList(text)).toBeUndefined();
  });

  it('round-trips any list', () => {
    const name = fc.string({ minLength: 1, maxLength: 30, unit: 'binary' });
    const entry = fc.record({ uid: fc.nat(), size: fc.nat(), base: name, seedName: fc.option(name, { nil: undefined }) });
    const removal = fc.record({ base: name, readerLock: fc.option(fc.stringMatching(/^[0-9a-f]{1,16}$/), { nil: undefined }) });
    const list = fc.record({ validity: fc.nat(), next: fc.nat(), entries: fc.array(entry, { maxLength: 5 }), removed: fc.array(removal, { maxLength: 3 }) });
    fc.assert(
      fc.property(list, (generated) => {
        // Optional fields are absent rather than undefined, as the parser leaves them.
        const clean = JSON.parse(JSON.stringify(generated)) as UidList;
        expect(parseUidList(formatUidList(clean))).toEqual(clean);
      }),
    );
  });
});

describe('formatUid', () => {
  it("gives Dovecot's default unique-id: the uid, then the uid validity, 8 upper-case hex digits each", () => {
    expect(formatUid(1, 0x5f000000)).toBe('000000015F000000');
    expect(formatUid(0xabc, 1700000000)).toBe('00000ABC6553F100');
  });
});
