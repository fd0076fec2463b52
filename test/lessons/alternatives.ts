/**
 * Other ways a learner plausibly reaches a goal (printing instead of evaluating, loops,
 * destructuring, other names, results stored and read later), each typed from the lesson's
 * start, and for each strict goal (by hand in raw mode, or with a named method) one way that is
 * rightly not accepted, with the reason `.check` gives; a step that failed never meets a goal.
 * The curriculum tests replay them all.
 */

/** One way to a goal: met, or rightly not met with `.check` saying `why`. */
export interface Alternative {
  goal: string;
  /** What is different about this way. */
  name: string;
  lines: readonly string[];
  /** For a way rightly not accepted: text `.check` shows under the goal. */
  rejected?: string;
}

const login = (name = 'pop', user = 'alice', password = 'wonderland'): string[] => [`const ${name} = await connect(sandbox)`, `await ${name}.user('${user}')`, `await ${name}.pass('${password}')`];
const rawLogin = ['.raw', 'USER alice', 'PASS wonderland'];

/** The alternatives, by lesson folder. */
export const ALTERNATIVES: Readonly<Record<string, readonly Alternative[]>> = {
  '01-first-contact': [
    { goal: 'client-greeting', name: 'printed with console.log', lines: ['const pop = await connect(sandbox)', 'console.log(pop.greeting)'] },
    { goal: 'client-greeting', name: 'destructured under another name', lines: ['const client = await connect(sandbox)', 'const { greeting } = client', 'greeting'] },
    { goal: 'client-greeting', name: 'a part of it', lines: ['const c = await connect(sandbox)', 'c.greeting.slice(0, 20)'] },
    { goal: 'client-greeting', name: 'printed inside an if', lines: ['const c = await connect(sandbox)', "if (c.greeting.startsWith('+OK')) console.log('the server says:', c.greeting)"] },
    { goal: 'client-connect', name: 'declared first, assigned later', lines: ['let p', 'p = await connect({ ...sandbox })'] },
    { goal: 'client-quit', name: 'QUIT sent by the client as a raw line', lines: ['const c = await connect(sandbox)', "await c.send('QUIT')"] },
    { goal: 'raw-greeting', name: 'the client instead of .raw', lines: ['const pop = await connect(sandbox)'], rejected: 'The client connected, but no `.raw` session was opened yet' },
    { goal: 'raw-quit', name: 'QUIT from the client instead of typed', lines: ['const pop = await connect(sandbox)', 'await pop.quit()'], rejected: 'QUIT was sent by the client, not typed in raw mode' },
  ],
  '02-user-and-pass': [
    { goal: 'wrong-password', name: 'the error left to show itself', lines: ['const p = await connect(sandbox)', "await p.user('alice')", "await p.pass('nope')"] },
    { goal: 'wrong-password', name: 'caught, and its message read', lines: ['const p = await connect(sandbox)', "await p.user('alice')", "const e = await p.pass('nope').catch((e) => e)", 'e.message'] },
    { goal: 'wrong-password', name: 'in try/catch, its response code printed', lines: ['const p = await connect(sandbox)', "await p.user('alice')", "try { await p.pass('nope') } catch (err: any) { console.log(err.responseCode) }"] },
    { goal: 'wrong-password', name: 'sent as a raw line with send', lines: ['const p = await connect(sandbox)', "await p.user('alice')", "await p.send('PASS nope')"] },
    { goal: 'wrong-password', name: 'by hand in raw mode', lines: ['.raw', 'USER alice', 'PASS nope', 'QUIT'] },
    { goal: 'wrong-password', name: 'caught and dropped', lines: ['const p = await connect(sandbox)', "await p.user('alice')", "await p.pass('nope').catch(() => {})"], rejected: 'A PASS was refused, but its error was caught and not shown' },
    { goal: 'trace-login', name: 'the same name declared again', lines: [...login(), 'await pop.quit()', '.trace on', ...login()] },
    { goal: 'trace-login', name: 'APOP under the trace', lines: ['.trace on', 'const c = await connect(sandbox)', "await c.apop('alice', 'wonderland')"] },
    { goal: 'trace-login', name: 'by hand in raw mode under the trace', lines: ['.trace on', ...rawLogin, 'QUIT'] },
    { goal: 'trace-login', name: 'the trace switched on after the login', lines: [...login(), '.trace on'], rejected: 'You logged in, but no login has happened while the trace was on' },
  ],
  '03-apop-and-rpop': [
    { goal: 'timestamp', name: 'evaluated in one go', lines: ['const pop = await connect(sandbox)', 'pop.greeting.match(/<[^>]+>/)![0]'] },
    { goal: 'timestamp', name: 'sliced and printed', lines: ['const pop = await connect(sandbox)', "const ts = pop.greeting.slice(pop.greeting.indexOf('<'))", 'console.log(ts)'] },
    { goal: 'timestamp', name: 'destructured from a regexp, printed in a sentence', lines: ['const pop = await connect(sandbox)', 'const [, stamp] = /(<.*>)/.exec(pop.greeting)!', 'console.log(`the timestamp is ${stamp}`)'] },
    { goal: 'timestamp', name: 'the last word of the greeting', lines: ['const pop = await connect(sandbox)', "pop.greeting.split(' ').pop()"] },
    { goal: 'own-digest', name: 'named hash', lines: ["import { createHash } from 'node:crypto'", 'const pop = await connect(sandbox)', "const hash = createHash('md5').update(pop.greeting.match(/<.*>/)![0] + 'wonderland').digest('hex')", 'hash'] },
    { goal: 'own-digest', name: 'printed, never stored', lines: ["const { createHash } = require('node:crypto')", 'const pop = await connect(sandbox)', "console.log(createHash('md5').update(pop.greeting.match(/<.*>/)![0] + 'wonderland').digest('hex'))"] },
    { goal: 'own-digest', name: 'in two updates, printed with a label', lines: ["import { createHash } from 'node:crypto'", 'const pop = await connect(sandbox)', 'const ts = pop.greeting.match(/<.*>/)![0]', "const d = createHash('md5').update(ts).update('wonderland').digest('hex')", "console.log('digest', d)"] },
    { goal: 'own-digest', name: 'in upper case', lines: ["import { createHash } from 'node:crypto'", 'const pop = await connect(sandbox)', "createHash('md5').update(`${pop.greeting.match(/<.*>/)![0]}wonderland`).digest('hex').toUpperCase()"] },
    { goal: 'apop-by-hand', name: 'concatenated, sent with send', lines: ["import { createHash } from 'node:crypto'", 'const pop = await connect(sandbox)', "const h = createHash('md5').update(pop.greeting.match(/<.*>/)![0] + 'wonderland').digest('hex')", "await pop.send('APOP alice ' + h)"] },
    {
      goal: 'apop-by-hand',
      name: 'met, then a wrong digest on a new connection (no "different digest" hint once met)',
      lines: [
        "import { createHash } from 'node:crypto'",
        'const pop = await connect(sandbox)',
        "await pop.send(`APOP alice ${createHash('md5').update(pop.greeting.match(/<.*>/)![0] + 'wonderland').digest('hex')}`)",
        'await pop.quit()',
        'const again = await connect(sandbox)',
        "await again.send('APOP alice 0123456789abcdef0123456789abcdef')",
      ],
    },
    {
      goal: 'apop-client',
      name: 'after a digest of the wrong form (no "never send the password" hint: none was sent)',
      lines: ['const pop = await connect(sandbox)', "await pop.send('APOP alice not-a-digest')", "await pop.apop('alice', 'wonderland')"],
    },
    { goal: 'apop-by-hand', name: 'pop.apop instead of the line by hand', lines: ['const pop = await connect(sandbox)', "await pop.apop('alice', 'wonderland')"], rejected: 'Alice logged in with `pop.apop()`, which computed the digest for you' },
    { goal: 'apop-client', name: 'the line by hand instead of pop.apop', lines: ["import { createHash } from 'node:crypto'", 'const pop = await connect(sandbox)', "await pop.send(`APOP alice ${createHash('md5').update(pop.greeting.match(/<.*>/)![0] + 'wonderland').digest('hex')}`)"], rejected: '`pop.apop()` has not been called yet' },
  ],
  '04-stat-and-list': [
    { goal: 'client-stat', name: 'printed', lines: [...login(), 'console.log(await pop.stat())'] },
    { goal: 'client-stat', name: 'stored, a field read later', lines: [...login('client'), 'const n = await client.stat()', 'n.count'] },
    { goal: 'client-stat', name: 'destructured into a sentence', lines: [...login(), 'const { count, size } = await pop.stat()', 'console.log(`${count} messages, ${size} octets`)'] },
    { goal: 'client-list', name: 'a loop, and a printed scan', lines: [...login(), 'for (const s of await pop.list()) console.log(s.n, s.size)', 'console.log(await pop.list(3))'] },
    { goal: 'client-list', name: 'indexed, and destructured', lines: [...login(), 'const all = await pop.list()', 'all[2]', 'const { size } = await pop.list(3)', 'size'] },
    { goal: 'client-list', name: 'a table, and a field', lines: [...login(), 'console.table(await pop.list())', '(await pop.list(3)).size'] },
    { goal: 'crlf-size', name: 'compared', lines: [...login(), 'const scan = await pop.list(3)', 'const msg = await pop.retr(3)', 'msg.size === scan.size'] },
    { goal: 'crlf-size', name: 'both printed', lines: [...login(), 'console.log((await pop.retr(3)).size, (await pop.list(3)).size)'] },
    { goal: 'crlf-size', name: 'side by side from Promise.all', lines: [...login(), 'const [m, s] = await Promise.all([pop.retr(3), pop.list(3)])', '({ retrieved: m.size, listed: s.size })'] },
    { goal: 'client-stat', name: 'an un-awaited call that later threw (no login yet)', lines: ['const pop = await connect(sandbox)', 'pop.stat()', 'await pop.noop()'], rejected: '`pop.stat()` was called, but it failed; its error says why' },
    { goal: 'raw-stat', name: 'the client instead of raw mode', lines: [...login(), 'await pop.stat()'], rejected: 'STAT was sent by the client, not typed in raw mode, but this goal asks for STAT typed by hand' },
    { goal: 'raw-list', name: 'the client instead of raw mode', lines: [...login(), 'await pop.list()', 'await pop.list(3)'], rejected: 'LIST was sent by the client, not typed in raw mode' },
  ],
  '05-retr-and-mime': [
    { goal: 'client-retr', name: 'its subject read', lines: [...login(), 'const m = await pop.retr(1)', 'm.subject'] },
    { goal: 'client-retr', name: 'its text printed', lines: [...login(), 'console.log((await pop.retr(1)).text)'] },
    { goal: 'client-retr', name: 'its size destructured', lines: [...login(), 'const { size } = await pop.retr(1)', 'size'] },
    { goal: 'client-dot-lines', name: 'printed whole', lines: [...login(), 'console.log((await pop.retr(2)).text)'] },
    { goal: 'client-dot-lines', name: 'the dot lines printed in a loop', lines: [...login(), "for (const line of (await pop.retr(2)).text.split('\\r\\n')) if (line.startsWith('.')) console.log(line)"] },
    { goal: 'client-dot-lines', name: 'its body under another name', lines: [...login(), 'const dots = await pop.retr(2)', 'dots.bodyText'] },
    { goal: 'decoded-subject', name: "the client's own decoding", lines: [...login(), '(await pop.retr(3)).subject'] },
    { goal: 'decoded-subject', name: 'parsed and printed in one line', lines: ["import { simpleParser } from 'mailparser'", ...login(), 'console.log((await simpleParser((await pop.retr(3)).bytes)).subject)'] },
    { goal: 'decoded-subject', name: 'parsed, printed in a sentence', lines: ["import { simpleParser } from 'mailparser'", ...login(), 'const mail = await simpleParser((await pop.retr(3)).bytes)', 'console.log(`Subject: ${mail.subject}`)'] },
    { goal: 'attachment', name: 'its file name', lines: ["import { simpleParser } from 'mailparser'", ...login(), 'const report = await simpleParser((await pop.retr(4)).bytes)', 'report.attachments[0]!.filename'] },
    { goal: 'attachment', name: 'names joined and printed', lines: ["import { simpleParser } from 'mailparser'", ...login(), 'const r = await simpleParser((await pop.retr(4)).bytes)', "console.log(r.attachments.map((a) => a.filename).join(', '))"] },
    { goal: 'attachment', name: 'a loop over them', lines: ["import { simpleParser } from 'mailparser'", ...login(), 'const r = await simpleParser((await pop.retr(4)).bytes)', 'for (const a of r.attachments) console.log(a.filename, a.contentType, a.size)'] },
    { goal: 'raw-dot-lines', name: 'the client instead of raw mode', lines: [...login(), '(await pop.retr(2)).text'], rejected: 'RETR was sent by the client, not typed in raw mode' },
  ],
  '06-top': [
    ...['for (const h of heads) console.log(h.n, h.header(\'content-type\'))', "heads.filter((h) => h.header('content-type')?.startsWith('multipart/mixed')).map((h) => h.n)", "heads.map((h) => h.header('content-type')?.split(';')[0])", "heads.find((h) => /multipart\\/mixed/.test(h.header('content-type') ?? ''))"].map(
      (line, i): Alternative => ({
        goal: 'content-type',
        name: ['printed in a loop', 'only their numbers', 'the types, cut at the semicolon', 'the first one found'][i]!,
        lines: [...login(), 'const scans = await pop.list()', 'const heads = await Promise.all(scans.map(({ n }) => pop.top(n, 0)))', line],
      }),
    ),
    { goal: 'client-heads', name: 'one by one in a loop', lines: [...login(), 'const tops = []', 'for (const { n } of await pop.list()) tops.push(await pop.top(n, 0))'] },
    { goal: 'raw-top-zero', name: 'the client instead of raw mode', lines: [...login(), 'await pop.top(1, 0)'], rejected: 'TOP was sent by the client, not typed in raw mode' },
    { goal: 'raw-top-lines', name: 'the client instead of raw mode', lines: [...login(), 'await pop.top(1, 3)'], rejected: 'TOP was sent by the client, not typed in raw mode' },
  ],
  '07-uidl': [
    ...[
      ['a Set under another name, printed', 'const seenUids = new Set<string>()', 'for (const e of listing.slice(0, 2)) { await pop.retr(e.n); seenUids.add(e.uid) }', 'console.log(seenUids)'],
      ['an array', 'const kept: string[] = []', 'for (const e of listing.slice(0, 2)) { await pop.retr(e.n); kept.push(e.uid) }', 'kept'],
      ['built from Promise.all', 'const got = await Promise.all(listing.slice(0, 2).map(async (e) => { await pop.retr(e.n); return e.uid }))', 'new Set(got)'],
    ].map(([name, ...lines]): Alternative => ({ goal: 'remember-seen', name: name!, lines: [...login(), 'const listing = await pop.uidl()', ...lines] })),
    ...[
      ['a table', 'console.table(await pop.uidl())'],
      ['the moved message looked up', '(await pop.uidl()).find((e) => e.uid === listing[1]!.uid)'],
      ['UIDL 1 by hand', '.raw', 'USER alice', 'PASS wonderland', 'UIDL 1', 'QUIT'],
    ].map(([name, ...lines]): Alternative => ({
      goal: 'numbers-shift',
      name: name!,
      lines: [...login('first'), 'const listing = await first.uidl()', 'listing', 'await first.quit()', ...login('phone'), 'await phone.dele(1)', 'await phone.quit()', ...(lines[0] === '.raw' ? [] : login()), ...lines],
    })),
    ...[
      ['its length', 'const r = await fetchNew(pop, { seen })', 'r.fetched.length'],
      ['uids printed, seen as an array', 'console.log((await fetchNew(pop, { seen: [...seen] })).fetched.map((f) => f.uid))'],
      ['a loop over what it fetched', 'const { fetched } = await fetchNew(pop, { seen })', 'for (const m of fetched) console.log(m.n, m.message.subject)'],
    ].map(([name, ...lines]): Alternative => ({ goal: 'fetch-new', name: name!, lines: [...login(), 'const seen = new Set((await pop.uidl()).slice(0, 3).map((e) => e.uid))', ...lines] })),
    ...[
      ['printed in a sentence', 'console.log(`gone: ${result.vanished.join(\', \')}`)'],
      ['a loop', 'for (const uid of result.vanished) console.log(uid)'],
      ['the whole result', 'console.log(result)'],
    ].map(([name, ...lines]): Alternative => ({
      goal: 'vanished',
      name: name!,
      lines: [...login('first'), 'const seen = new Set((await first.uidl()).slice(0, 3).map((e) => e.uid))', 'await first.quit()', ...login('phone'), 'await phone.dele(1)', 'await phone.quit()', ...login(), 'const result = await fetchNew(pop, { seen })', ...lines],
    })),
    { goal: 'raw-uidl', name: 'the client instead of raw mode', lines: [...login(), 'await pop.uidl()', 'await pop.uidl(2)'], rejected: 'UIDL was sent by the client, not typed in raw mode' },
  ],
  '08-dele-rset-quit': [
    ...[
      ['the count read', '(await pop.stat()).count'],
      ['the listing printed', 'console.log(await pop.list())'],
      ['the unique-ids counted', '(await pop.uidl()).length'],
    ].map(([name, line]): Alternative => ({ goal: 'drop-keeps', name: name!, lines: [...login('first'), 'await first.dele(2)', 'first.close()', ...login(), line!] })),
    { goal: 'marked', name: 'the client instead of raw mode', lines: [...login(), 'await pop.dele(2)', 'await pop.stat()'], rejected: 'DELE was sent by the client, not typed in raw mode' },
  ],
  '09-capa': [
    { goal: 'parsed-list', name: 'the mechanisms printed', lines: ['const pop = await connect(sandbox)', 'console.log((await pop.capa()).sasl)'] },
    { goal: 'parsed-list', name: 'destructured, a loop', lines: ['const pop = await connect(sandbox)', 'const { sasl } = await pop.capa()', 'for (const m of sasl) console.log(m)'] },
    { goal: 'parsed-list', name: 'the whole list under another name', lines: ['const pop = await connect(sandbox)', 'const offered = await pop.capa()', 'offered'] },
    { goal: 'capa-after-login', name: 'both lists printed from the client', lines: ['const pop = await connect(sandbox)', 'console.log(await pop.capa())', "await pop.user('alice')", "await pop.pass('wonderland')", 'console.log(await pop.capa())'] },
    { goal: 'capa-after-login', name: 'after login, its raw lines read', lines: ['const pop = await connect(sandbox)', 'await pop.capa()', "await pop.user('alice')", "await pop.pass('wonderland')", '(await pop.capa()).raw'] },
    { goal: 'capa-after-login', name: 'by hand in raw mode', lines: ['.raw', 'CAPA', 'USER alice', 'PASS wonderland', 'CAPA', 'QUIT'] },
    { goal: 'raw-capa', name: 'the client instead of raw mode', lines: ['const pop = await connect(sandbox)', 'await pop.capa()'], rejected: 'CAPA was sent by the client, not typed in raw mode' },
  ],
  '10-tls': [
    { goal: 'wrong-name', name: 'try/catch, the code printed', lines: ["try { await connect({ ...sandbox, port: sandbox.tlsPort, tls: { servername: 'pop.example.com' } }) } catch (e: any) { console.log(e.cause.code) }"] },
    { goal: 'wrong-name', name: 'the error left to show itself', lines: ["await connect({ ...sandbox, port: sandbox.tlsPort, tls: { servername: 'pop.example.com' } })"] },
    { goal: 'wrong-name', name: 'caught, its message read', lines: ["const err = await connect({ ...sandbox, port: sandbox.tlsPort, tls: { servername: 'pop.example.com' } }).catch((e) => e)", 'err.message'] },
    { goal: 'capa-after-stls', name: 'the client instead of raw mode', lines: ['const pop = await connect(sandbox)', 'await pop.capa()', 'await pop.stls()', 'await pop.capa()'], rejected: 'STLS was sent by the client, not typed in raw mode' },
  ],
  '11-sasl': [
    ...[
      ['atob', "atob('VXNlcm5hbWU6')"],
      ['printed, utf8 named', "console.log(Buffer.from('UGFzc3dvcmQ6', 'base64').toString('utf8'))"],
      ['a TextDecoder', "new TextDecoder().decode(Buffer.from('VXNlcm5hbWU6', 'base64'))"],
    ].map(([name, line]): Alternative => ({ goal: 'decode-challenge', name: name!, lines: ['.raw', 'AUTH LOGIN', '*', 'QUIT', line!] })),
    ...[
      ['printed', "console.log(Buffer.from('\\0alice\\0wonderland').toString('base64'))"],
      ['btoa', "btoa('\\0alice\\0wonderland')"],
      ['joined with NULs', "Buffer.from(['', 'alice', 'wonderland'].join('\\0')).toString('base64')"],
    ].map(([name, line]): Alternative => ({ goal: 'plain-by-hand', name: name!, lines: [line!, '.raw', 'AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=', 'QUIT'] })),
    { goal: 'auth-plain', name: 'AUTH PLAIN typed by hand instead of pop.auth', lines: ['.raw', 'AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=', 'QUIT'], rejected: "AUTH PLAIN was sent by hand, but this goal asks for the client's `pop.auth('PLAIN', ...)`" },
    {
      goal: 'plain-by-hand',
      name: 'the message sent through pop.send instead of typed in raw mode',
      lines: ["const plain = btoa('\\0alice\\0wonderland')", 'plain', 'const pop = await connect(sandbox)', "await pop.send('AUTH PLAIN ' + plain)"],
      rejected: 'AUTH was sent by the client, not typed in raw mode',
    },
    { goal: 'decode-challenge', name: 'decoded without AUTH LOGIN typed', lines: ["atob('VXNlcm5hbWU6')"], rejected: 'This goal asks for AUTH typed by hand' },
  ],
  '12-when-things-go-wrong': [
    ...[
      ['the error left to show itself', "await second.pass('wonderland')"],
      ['try/catch, the code printed', "try { await second.pass('wonderland') } catch (e: any) { console.log(e.responseCode) }"],
      ['caught, its message read', "const err = await second.pass('wonderland').catch((e) => e)", 'err.message'],
    ].map(([name, ...lines]): Alternative => ({ goal: 'in-use', name: name!, lines: [...login('first'), 'const second = await connect(sandbox)', "await second.user('alice')", ...lines] })),
    ...[
      ['the error left to show itself', "await hasty.user('bob')"],
      ['try/catch, the code printed', "try { await hasty.user('bob') } catch (e: any) { console.log(e.code) }"],
      ['caught under another name, shown whole', "const slow = await hasty.user('bob').catch((e) => e)", 'slow'],
    ].map(([name, ...lines]): Alternative => ({ goal: 'timeout', name: name!, lines: ['const hasty = await connect({ ...sandbox, timeout: 100 })', ...lines] })),
    { goal: 'login-delay', name: 'the whole capability list, and the refusal left to show itself', lines: ['const z = await connect(sandbox)', 'console.log(await z.capa())', "await z.user('zoe')", "await z.pass('unicode')"] },
    { goal: 'login-delay', name: 'by hand in raw mode', lines: ['.raw', 'CAPA', 'USER zoe', 'PASS unicode', 'QUIT'] },
    { goal: 'login-delay', name: 'caught, its message printed', lines: ['const z = await connect(sandbox)', '(await z.capa()).loginDelay', "await z.user('zoe')", "await z.pass('unicode').catch((e) => console.log(e.message))"] },
    ...[
      ['stat, its count', '(await again.stat()).count'],
      ['list, printed', 'console.log(await again.list())'],
      ['uidl, counted', '(await again.uidl()).length'],
    ].map(([name, line]): Alternative => ({
      goal: 'dropped',
      name: name!,
      lines: [...login('m', 'max', 'linelength'), 'await m.dele(1)', 'await m.retr(2).catch((e) => e.code)', ...login('again', 'max', 'linelength'), line!],
    })),
  ],
};
