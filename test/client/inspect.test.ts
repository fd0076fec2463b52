import { inspect } from 'node:util';
import { describe, expect } from 'vitest';
import { fakeServerTest, GREETING, LOGIN_STEPS } from './fake-server';

const it = fakeServerTest();

describe('a client printed in the REPL', () => {
  it('shows a summary of its session: state, host, port, secure and the user once sent', async ({ fake }) => {
    await fake.start([{ send: GREETING }, ...LOGIN_STEPS, { hangUp: true }]);
    const client = await fake.open();
    expect(inspect(client, { breakLength: Infinity })).toBe(`Pop3Client { state: 'AUTHORIZATION', host: '127.0.0.1', port: ${fake.port}, secure: false }`);
    await client.user('alice');
    await client.pass('wonderland');
    expect(inspect(client, { breakLength: Infinity })).toBe(
      `Pop3Client { state: 'TRANSACTION', host: '127.0.0.1', port: ${fake.port}, secure: false, user: 'alice' }`,
    );
    expect(inspect({ nested: { deeper: client } }, { depth: 0 })).toBe('{ nested: [Object] }');
    expect(inspect([client], { depth: -1 })).toBe('[Array]');
    client.close();
  });
});
