import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, isNoFault, parseFaultSpec } from '../../src/protocol';

describe('parseFaultSpec', () => {
  it('reads each form', () => {
    expect(parseFaultSpec('delay=200')).toEqual({ delayMs: 200 });
    expect(parseFaultSpec('drop-after=3')).toEqual({ dropAfterCommands: 3 });
    expect(parseFaultSpec('drop-mid-retr')).toEqual({ dropMidRetr: true });
    expect(parseFaultSpec('fail=RETR')).toEqual({ failCommands: ['RETR'] });
    expect(parseFaultSpec('fail=retr+Dele')).toEqual({ failCommands: ['RETR', 'DELE'] });
    expect(parseFaultSpec('refuse-login=IN-USE')).toEqual({ refuseLogin: 'IN-USE' });
    expect(parseFaultSpec('refuse-login=login-delay')).toEqual({ refuseLogin: 'LOGIN-DELAY' });
    expect(parseFaultSpec('stall')).toEqual({ stallAfterCommands: 0 });
    expect(parseFaultSpec('stall-after=2')).toEqual({ stallAfterCommands: 2 });
    expect(parseFaultSpec('delay=0')).toEqual({ delayMs: 0 });
  });

  it('reads a comma-separated list, ignoring blanks around parts', () => {
    expect(parseFaultSpec(' delay=50 , fail=RETR+TOP,, stall-after=1 ')).toEqual({
      delayMs: 50,
      failCommands: ['RETR', 'TOP'],
      stallAfterCommands: 1,
    });
  });

  it('reads an empty spec as no fault', () => {
    expect(parseFaultSpec('')).toEqual({});
    expect(parseFaultSpec(' , ')).toEqual({});
  });

  it.each([
    ['an unknown fault', 'explode', /unknown fault "explode"; known: delay=MS, drop-after=N/],
    ['a misspelt fault', 'delay-ms=5', /unknown fault "delay-ms"/],
    ['a missing number', 'delay', /fault delay needs a whole number, got ""/],
    ['an empty number', 'drop-after=', /fault drop-after needs a whole number, got ""/],
    ['a negative number', 'delay=-1', /fault delay needs a whole number, got "-1"/],
    ['a fraction', 'stall-after=1.5', /fault stall-after needs a whole number, got "1.5"/],
    ['a word for a number', 'delay=soon', /fault delay needs a whole number, got "soon"/],
    ['a second "="', 'delay=200=5', /fault delay needs a whole number, got "200=5"/],
    ['an unknown command', 'fail=RETR+FETCH', /fault fail=: unknown command "FETCH"/],
    ['an empty command list', 'fail=', /fault fail=: unknown command ""/],
    ['an unknown response code', 'refuse-login=BUSY', /refuse-login= takes IN-USE or LOGIN-DELAY/],
    ['a value on stall', 'stall=3', /fault stall takes no value; for a count use stall-after=N/],
    ['a value on drop-mid-retr', 'drop-mid-retr=yes', /fault drop-mid-retr takes no value/],
  ])('refuses %s with a clear InvalidArgumentError', (_name, text, message) => {
    expect(() => parseFaultSpec(text)).toThrow(InvalidArgumentError);
    expect(() => parseFaultSpec(text)).toThrow(message);
    expect(() => parseFaultSpec(text)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('isNoFault', () => {
  it('is true only when nothing is switched on', () => {
    expect(isNoFault({})).toBe(true);
    expect(isNoFault(parseFaultSpec(''))).toBe(true);
    expect(isNoFault({ delayMs: 0 })).toBe(true);
    expect(isNoFault({ failCommands: [] })).toBe(true);
    expect(isNoFault({ dropMidRetr: false })).toBe(true);
  });

  it('is false for every fault, including the zero counts that mean "at once"', () => {
    expect(isNoFault({ delayMs: 1 })).toBe(false);
    expect(isNoFault({ dropAfterCommands: 0 })).toBe(false);
    expect(isNoFault({ dropMidRetr: true })).toBe(false);
    expect(isNoFault({ failCommands: ['RETR'] })).toBe(false);
    expect(isNoFault({ refuseLogin: 'IN-USE' })).toBe(false);
    expect(isNoFault({ stallAfterCommands: 0 })).toBe(false);
    expect(isNoFault(parseFaultSpec('stall'))).toBe(false);
  });
});
