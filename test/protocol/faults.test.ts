import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FaultDefinition, FaultSpec } from '../../src/protocol';
import { checkFaultSpec, FAULTS, faultSyntax, InvalidArgumentError, isNoFault, parseFaultSpec } from '../../src/protocol';
import { FAULT_DOCS_FILE, renderFaultList, withFaultList } from '../../scripts/update-fault-docs';

/** A CLI part that switches the fault on, and the field value it gives. */
function example(fault: FaultDefinition): [string, FaultSpec[keyof FaultSpec]] {
  const { argument } = fault;
  switch (argument.kind) {
    case 'milliseconds':
    case 'count':
      return [`${fault.name}=7`, 7];
    case 'none':
      return [fault.name, argument.value];
    case 'keywords':
      return [`${fault.name}=noop+Uidl`, ['NOOP', 'UIDL']];
    case 'choice':
      return [`${fault.name}=${argument.values.at(-1)!.toLowerCase()}`, argument.values.at(-1) as FaultSpec['refuseLogin']];
  }
}

describe('the fault table', () => {
  it.each(FAULTS.map((fault) => [faultSyntax(fault), fault] as const))('%s parses into its field and switches a fault on', (_syntax, fault) => {
    const [text, value] = example(fault);
    const spec = parseFaultSpec(text);
    expect(spec).toEqual({ [fault.field]: value });
    expect(isNoFault(spec)).toBe(false);
    expect(checkFaultSpec(spec)).toEqual(spec);
  });

  it('names every fault in the message for an unknown one, in table order', () => {
    expect(() => parseFaultSpec('explode')).toThrow(`unknown fault "explode"; known: ${FAULTS.map(faultSyntax).join(', ')}`);
  });

  it('gives each fault a name of its own and a one-line description', () => {
    expect(new Set(FAULTS.map((f) => f.name)).size).toBe(FAULTS.length);
    for (const fault of FAULTS) expect(fault.doc).toMatch(/^[A-Z][^\n]{10,100}\.$/);
  });

  it('is what docs/lesson-format.md lists (regenerate with scripts/update-fault-docs.ts)', () => {
    const docs = readFileSync(FAULT_DOCS_FILE, 'utf8');
    expect(withFaultList(docs)).toBe(docs);
    expect(docs).toContain(renderFaultList());
    for (const fault of FAULTS) expect(renderFaultList()).toContain(`| ${fault.hook} | ${fault.doc} |`);
  });

  it('refuses to rewrite docs whose markers are missing', () => {
    expect(() => withFaultList('# no list here\n')).toThrow(/fault-list markers are missing/);
  });
});

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

describe('checkFaultSpec', () => {
  it('returns a frozen copy that later changes to the given object cannot reach', () => {
    const failCommands: FaultSpec['failCommands'] = ['RETR'];
    const checked = checkFaultSpec({ delayMs: 5, failCommands });
    failCommands.push('DELE');
    expect(checked).toEqual({ delayMs: 5, failCommands: ['RETR'] });
    expect(Object.isFrozen(checked)).toBe(true);
  });

  it.each([
    [{ delayMs: -1 }, 'fault delayMs must be a whole number of at least 0, got -1'],
    [{ dropAfterCommands: 1.5 }, 'fault dropAfterCommands must be a whole number of at least 0, got 1.5'],
    [{ stallAfterCommands: Number.NaN }, 'fault stallAfterCommands must be a whole number of at least 0, got NaN'],
    [{ failCommands: ['RETR', 'FETCH'] }, 'fault failCommands: unknown command "FETCH"'],
    [{ refuseLogin: 'BUSY' }, 'fault refuseLogin must be IN-USE or LOGIN-DELAY'],
  ])('refuses %o with an InvalidArgumentError naming the field', (spec, message) => {
    expect(() => checkFaultSpec(spec as FaultSpec)).toThrow(InvalidArgumentError);
    expect(() => checkFaultSpec(spec as FaultSpec)).toThrow(message);
  });
});
