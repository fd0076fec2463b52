import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect } from 'vitest';
import { Conversation } from './conversation';
import { serverTest, traceOf } from './sandbox-fixture';

/**
 * RFC 1939's own example sessions (§10 and the command examples of §5-§7), adapted to the seed
 * and written out by hand. Sizes come from the .eml files (CRLF octets), read here independently.
 */

const SEED = path.join(__dirname, '..', '..', 'sandbox-server', 'seed');

/** The canonical CRLF bytes of a seed file, by our own few lines. */
function seedBytes(file: string): Buffer {
  let text = readFileSync(path.join(SEED, file)).toString('latin1');
  text = text.replace(/\r?\n/g, '\r\n');
  if (!text.endsWith('\r\n')) text += '\r\n';
  return Buffer.from(text, 'latin1');
}

const test = serverTest();

describe('RFC 1939 example sessions, adapted to the seed', () => {
  test('§10: APOP, STAT, LIST, RETR and DELE of both messages, QUIT empties the maildrop', async ({ server }) => {
    await server.sandbox.resetMailbox('bob', ['bob-welcome', 'bob-meeting']);
    const talk = new Conversation(await server.connect());
    const greeting = await talk.greeting();
    const timestamp = /<[^<>]+>$/.exec(greeting)?.[0] ?? '';
    const digest = createHash('md5').update(`${timestamp}builder`).digest('hex');
    talk.hide(timestamp, '<timestamp>');
    talk.hide(digest, '<digest>');
    await talk.send(`APOP bob ${digest}`);
    await talk.send('STAT');
    await talk.send('LIST');
    await talk.send('RETR 1');
    await talk.send('DELE 1');
    await talk.send('RETR 2');
    await talk.send('DELE 2');
    await talk.send('QUIT');
    expect(talk.toString()).toBe(
      [
        'S: +OK POP3 sandbox ready <timestamp>',
        'C: APOP bob <digest>',
        "S: +OK bob's maildrop has 2 messages (1063 octets)",
        'C: STAT',
        'S: +OK 2 1063',
        'C: LIST',
        'S: +OK 2 messages (1063 octets)',
        'S: 1 567',
        'S: 2 496',
        'S: .',
        'C: RETR 1',
        'S: +OK 567 octets',
        'S: <567 octets>',
        'S: .',
        'C: DELE 1',
        'S: +OK message 1 deleted',
        'C: RETR 2',
        'S: +OK 496 octets',
        'S: <496 octets>',
        'S: .',
        'C: DELE 2',
        'S: +OK message 2 deleted',
        'C: QUIT',
        'S: +OK POP3 sandbox signing off (maildrop empty)',
      ].join('\n'),
    );
    expect(talk.bodies[1]).toEqual(seedBytes('bob/01-bob-welcome.eml'));
    expect(talk.bodies[2]).toEqual(seedBytes('bob/03-bob-meeting.eml'));

    const again = new Conversation(await server.connect());
    await again.greeting();
    await again.send('USER bob');
    await again.send('PASS builder');
    await again.send('STAT');
    expect(again.lines.slice(-4)).toEqual(['C: PASS builder', "S: +OK bob's maildrop has 0 messages (0 octets)", 'C: STAT', 'S: +OK 0 0']);
  });

  test('§5 and §7 command examples: LIST n, DELE twice, RSET, TOP, UIDL n, out-of-range numbers', async ({ server }) => {
    await server.sandbox.resetMailbox('bob', ['bob-welcome', 'bob-meeting']);
    const talk = new Conversation(await server.connect());
    await talk.greeting();
    await talk.send('USER bob');
    await talk.send('PASS builder');
    await talk.send('LIST 2');
    await talk.send('LIST 3');
    await talk.send('DELE 1');
    await talk.send('DELE 1');
    await talk.send('STAT');
    await talk.send('RSET');
    await talk.send('NOOP');
    await talk.send('TOP 1 2');
    await talk.send('UIDL 3');
    await talk.send('QUIT');
    expect(talk.toString()).toBe(
      [
        'S: +OK POP3 sandbox ready <' + talk.lines[0]!.split('<')[1],
        'C: USER bob',
        'S: +OK now send PASS with the password',
        'C: PASS builder',
        "S: +OK bob's maildrop has 2 messages (1063 octets)",
        'C: LIST 2',
        'S: +OK 2 496',
        'C: LIST 3',
        'S: -ERR no such message, only 2 messages in maildrop',
        'C: DELE 1',
        'S: +OK message 1 deleted',
        'C: DELE 1',
        'S: -ERR message 1 already deleted',
        'C: STAT',
        'S: +OK 1 496',
        'C: RSET',
        'S: +OK maildrop has 2 messages (1063 octets)',
        'C: NOOP',
        'S: +OK nothing to do',
        'C: TOP 1 2',
        'S: +OK top of message follows',
        // The headers, the blank line, "Hi Bob," and the empty line after it.
        `S: <${seedBytes('bob/01-bob-welcome.eml').indexOf('This is')} octets>`,
        'S: .',
        'C: UIDL 3',
        'S: -ERR no such message, only 2 messages in maildrop',
        'C: QUIT',
        'S: +OK POP3 sandbox signing off (2 messages left)',
      ].join('\n'),
    );
  });

  test('message-numbers stay fixed after DELE: LIST and UIDL skip, never renumber (WildDuck regression)', async ({ server }) => {
    await server.sandbox.resetMailbox('bob', ['bob-welcome', 'bob-invoice', 'bob-meeting']);
    const client = await server.login('bob', 'builder');
    const talk = new Conversation(client);
    const uidl = await client.multiline('UIDL');
    const uids = uidl.lines.map((l) => l.split(' ')[1]!);
    uids.forEach((uid, i) => talk.hide(uid, `<uid${i + 1}>`));
    await talk.send('DELE 1');
    await talk.send('LIST');
    await talk.send('UIDL');
    await talk.send('RETR 1');
    await talk.send('TOP 1 0');
    await talk.send('UIDL 1');
    await talk.send('LIST 2');
    await talk.send('UIDL 3');
    await talk.send('STAT');
    expect(talk.toString()).toBe(
      [
        'C: DELE 1',
        'S: +OK message 1 deleted',
        'C: LIST',
        'S: +OK 2 messages (1419 octets)',
        'S: 2 923',
        'S: 3 496',
        'S: .',
        'C: UIDL',
        'S: +OK unique-id listing follows',
        'S: 2 <uid2>',
        'S: 3 <uid3>',
        'S: .',
        'C: RETR 1',
        'S: -ERR no such message: message 1 is marked as deleted (RSET unmarks it)',
        'C: TOP 1 0',
        'S: -ERR no such message: message 1 is marked as deleted (RSET unmarks it)',
        'C: UIDL 1',
        'S: -ERR no such message: message 1 is marked as deleted (RSET unmarks it)',
        'C: LIST 2',
        'S: +OK 2 923',
        'C: UIDL 3',
        'S: +OK 3 <uid3>',
        'C: STAT',
        'S: +OK 2 1419',
      ].join('\n'),
    );
  });

  test('the session log tells the same story, secrets redacted', async ({ server }) => {
    await server.sandbox.resetMailbox('bob', ['bob-welcome']);
    const client = await server.login('bob', 'builder');
    await client.command('DELE 1');
    await client.command('QUIT');
    await client.waitClosed();
    const trace = traceOf(server.sandbox, 's1').map((l) => l.replace(/<[^<>]+>$/, '<timestamp>').replace(/from 127\.0\.0\.1:\d+/, 'from 127.0.0.1:port'));
    expect(trace).toEqual([
      '*  CONNECT from 127.0.0.1:port (pop3)',
      'S: +OK POP3 sandbox ready <timestamp>',
      'C: USER bob',
      'S: +OK now send PASS with the password',
      'C: PASS ***',
      "S: +OK bob's maildrop has 1 message (567 octets)",
      'C: DELE 1',
      'S: +OK message 1 deleted',
      'C: QUIT',
      '*  UPDATE removed 1 message',
      'S: +OK POP3 sandbox signing off (maildrop empty)',
      '*  CLOSE QUIT',
    ]);
  });
});
