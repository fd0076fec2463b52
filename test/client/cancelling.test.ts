import { describe, expect } from 'vitest';
import { fakeServerTest, GREETING } from './fake-server';

describe.each(['tcp', 'memory'] as const)('over %s', (over) => {
  const it = fakeServerTest({ timeout: 5_000 }, over);

  describe('connectSignal bounds connect() only; signal bounds the connection', () => {
    it('cancels a connect whose greeting does not come, with Pop3AbortError', async ({ fake }) => {
      await fake.start([{ stall: true }]);
      const error = await fake.open({ connectSignal: AbortSignal.timeout(100) }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ABORTED', command: 'greeting', cause: { name: 'TimeoutError' } });
    });

    it('has no effect once connect() has resolved', async ({ fake }) => {
      await fake.start([{ send: GREETING }, { expect: 'NOOP' }, { send: '+OK still here\r\n' }]);
      const connectSignal = AbortSignal.timeout(100);
      const pop = await fake.open({ connectSignal });
      await new Promise((resolve) => connectSignal.addEventListener('abort', resolve));
      expect((await pop.noop()).text).toBe('still here');
      expect(pop.state).toBe('AUTHORIZATION');
    });

    it('bounds the STLS upgrade that connect() makes with starttls', async ({ fake }) => {
      await fake.start([{ send: GREETING }, { expect: 'CAPA' }, { stall: true }]);
      const error = await fake.open({ starttls: 'if-available', connectSignal: AbortSignal.timeout(100) }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ABORTED', command: 'CAPA' });
    });
  });
});
