import type { Facts, LessonDefinition, SessionFacts } from '../../src/tutor';
import { isRecord, loginLines, notTypedInRaw, verdict } from '../common';

/** Index of the session's first TLS event (the sandbox logs one per handshake), or -1. */
const tlsAt = (s: SessionFacts): number => s.entries.findIndex((e) => e.direction === '*' && e.keyword === 'TLS');

/** Implicit TLS (RFC 8314 §3.1): the handshake comes before the greeting. */
const isImplicitTls = (s: SessionFacts): boolean => {
  const tls = tlsAt(s);
  const greeting = s.entries.findIndex((e) => e.keyword === 'GREETING');
  return tls >= 0 && (greeting < 0 || tls < greeting);
};

/** STLS (RFC 2595 §4): +OK to STLS, then the handshake on the same connection. */
const stlsUpgradeAt = (s: SessionFacts): number => {
  const ok = s.entries.findIndex((e) => e.direction === 'S' && e.keyword === 'STLS' && e.status === '+OK');
  const tls = tlsAt(s);
  return ok >= 0 && tls > ok ? tls : -1;
};

/** Index of the reply that moved the session into TRANSACTION, or -1. */
const loginAt = (s: SessionFacts): number =>
  s.entries.findIndex((e) => e.direction === 'S' && e.status === '+OK' && e.stateBefore === 'AUTHORIZATION' && e.stateAfter === 'TRANSACTION');

/** A TLS ClientHello starts with the handshake record type 0x16: the server got TLS on its plain port. */
const clientHelloOnPlainPort = (f: Facts): boolean => f.commands().some((e) => e.keyword.startsWith('\u0016'));

const lesson: LessonDefinition = {
  formatVersion: 1,
  title: 'TLS',
  summary: 'Implicit TLS and STLS, verifying the certificate, and what a wrong host name looks like',
  rfc: ['RFC 8314 §3.1', 'RFC 2595 §4', 'RFC 2595 §2.4'],
  start: { mailboxes: { alice: 'seed' } },
  goals: [
    {
      id: 'implicit-tls',
      text: 'Connect with implicit TLS: `connect({ ...sandbox, port: sandbox.tlsPort, tls: true })`',
      check: (f) => verdict(f.sessions().some(isImplicitTls), 'no session has started with a TLS handshake yet', f.sessions().some((s) => tlsAt(s) >= 0) ? 'a session upgraded with STLS' : undefined),
      hints: [
        'Implicit TLS has its own port (RFC 8314 §3.1); the sandbox tells you which: `sandbox.tlsPort`.',
        '`const secure = await connect({ ...sandbox, port: sandbox.tlsPort, tls: true })`; `...sandbox` brings the host and the CA along.',
      ],
    },
    {
      id: 'wrong-name',
      text: 'Ask for a host name the certificate does not list, catch the error, and read `err.cause.code`',
      check: (f) => {
        const refused = f.calls('connect').filter((c) => !c.ok && isRecord(c.value) && isRecord(c.value.cause) && c.value.cause.code === 'ERR_TLS_CERT_ALTNAME_INVALID');
        return verdict(
          refused.some((c) => f.sawValue(c.value, c.seq)),
          refused.length > 0 ? 'its error was caught and not shown yet: `err.cause.code`' : 'no connection has been refused for a wrong host name yet',
          refused.length > 0 ? 'a connection was refused for its host name' : undefined,
        );
      },
      hints: [
        '`tls: { servername: "pop.example.com" }` makes the client expect a certificate for that name (RFC 2595 §2.4).',
        "`const wrongName = await connect({ ...sandbox, port: sandbox.tlsPort, tls: { servername: 'pop.example.com' } }).catch((e) => e)`, then `wrongName.cause.code`.",
      ],
    },
    {
      id: 'stls',
      text: 'Upgrade a plain connection: `await pop.stls()` (RFC 2595 §4)',
      check: (f) => verdict(f.sessions().some((s) => stlsUpgradeAt(s) >= 0), 'no plain connection has been upgraded with STLS yet'),
      hints: [
        'Connect to the ordinary port (`connect(sandbox)`); `(await pop.capa()).stls` says whether STLS is offered.',
        '`await pop.stls()` before logging in; then `pop.secure` is `true`.',
      ],
    },
    {
      id: 'capa-after-stls',
      text: 'By hand in `.raw` mode: `CAPA`, `STLS`, `CAPA` again, and spot the difference',
      check: (f) => {
        if (!f.repl.rawLines.includes('STLS')) return notTypedInRaw(f, 'STLS');
        const lines = f.repl.rawLines;
        const stls = lines.indexOf('STLS');
        const capaAfter = f.sessions().some((s) => {
          const tls = stlsUpgradeAt(s);
          return tls >= 0 && s.entries.some((e, i) => i > tls && e.direction === 'S' && e.keyword === 'CAPA' && e.status === '+OK');
        });
        return verdict(stls >= 0 && lines.indexOf('CAPA', stls + 1) > stls && capaAfter, 'CAPA has not been answered after the upgrade yet', 'STLS was typed');
      },
      hints: [
        'Type `.raw`, then `CAPA`, `STLS` and `CAPA`: raw mode runs the TLS handshake for you after the `+OK`.',
        'The second list has no `STLS`: the connection is already secure (RFC 2595 §4).',
      ],
    },
    {
      id: 'login-over-tls',
      text: 'Log in as alice over TLS (either way) and `QUIT`',
      check: (f) =>
        verdict(
          f.sessions().some((s) => {
            const tls = tlsAt(s);
            const login = loginAt(s);
            return tls >= 0 && login > tls && s.entries.some((e, i) => i > login && e.keyword === 'QUIT' && e.direction === 'S' && e.status === '+OK');
          }),
          'no session has logged in over TLS and ended with QUIT yet',
        ),
      hints: [
        'Upgrade first (`await pop.stls()`), or connect to `sandbox.tlsPort` with `tls: true`; then `user`, `pass` and `quit` as before.',
        '`await pop.user("alice")`, `await pop.pass("wonderland")`, `await pop.quit()` on a client whose `secure` is `true`.',
      ],
    },
  ],
  mistakes: [
    {
      id: 'tls-on-plain-port',
      when: clientHelloOnPlainPort,
      hint: 'The sandbox received a TLS handshake on its ordinary port, where it expects POP3 commands: `tls: true` needs `port: sandbox.tlsPort`. On the ordinary port, use `await pop.stls()` instead.',
      // The server logs the handshake bytes a moment after the client fails, so look again.
      example: ['await connect({ ...sandbox, tls: true })', 'sandbox.tlsPort'],
    },
    {
      id: 'tls-refused',
      // Not the refusal the wrong-name goal asks for: that one is the lesson working.
      when: (f) => f.repl.errors.some((e) => e.code === 'TLS_FAILED' && e.cause !== 'ERR_TLS_CERT_ALTNAME_INVALID') && !clientHelloOnPlainPort(f),
      hint: "TLS failed. With `tls: true`, check the port first: `sandbox.tlsPort`, not `sandbox.port`. Otherwise the certificate was refused: no trusted CA signed it (pass `ca: sandbox.ca`, which `...sandbox` does), or it does not name the host you asked for. Fix the trust; never turn the check off with `rejectUnauthorized: false`, which accepts anyone's certificate.",
      example: ['await connect({ host: sandbox.host, port: sandbox.tlsPort, tls: true })'],
    },
    {
      id: 'stls-after-login',
      when: (f) => f.commands('STLS').some((e) => e.stateBefore === 'TRANSACTION'),
      hint: 'STLS is only allowed before login (RFC 2595 §4), so the password is protected too. Connect again, then `await pop.stls()` before `user` and `pass`.',
      example: [...loginLines(), 'await pop.stls()'],
    },
    {
      id: 'stls-twice',
      when: (f) => f.repl.errors.some((e) => e.code === 'WRONG_STATE'),
      hint: 'This connection already runs over TLS, so there is nothing to upgrade: CAPA no longer lists `STLS` (RFC 2595 §4). Go on and log in.',
      example: ['const pop = await connect(sandbox)', 'await pop.stls()', 'await pop.stls()'],
    },
    {
      id: 'login-in-cleartext',
      goal: 'login-over-tls',
      when: (f) => f.sessions().some((s) => loginAt(s) >= 0 && (tlsAt(s) < 0 || tlsAt(s) > loginAt(s))),
      hint: 'That login crossed the wire in cleartext: the session had no TLS yet. In this lesson, upgrade first with `await pop.stls()`, or connect to `sandbox.tlsPort` with `tls: true`.',
      example: loginLines(),
    },
  ],
  solution: [
    { goal: 'implicit-tls', lines: ['const secure = await connect({ ...sandbox, port: sandbox.tlsPort, tls: true })', 'secure.secure', 'await secure.quit()'] },
    { goal: 'wrong-name', lines: ["const wrongName = await connect({ ...sandbox, port: sandbox.tlsPort, tls: { servername: 'pop.example.com' } }).catch((e) => e)", 'wrongName.cause.code'] },
    { goal: 'stls', lines: ['const pop = await connect(sandbox)', '(await pop.capa()).stls', 'await pop.stls()', 'pop.secure'] },
    { goal: 'login-over-tls', lines: ["await pop.user('alice')", "await pop.pass('wonderland')", 'await pop.quit()'] },
    { goal: 'capa-after-stls', lines: ['.raw', 'CAPA', 'STLS', 'CAPA', 'QUIT'] },
  ],
};

export default lesson;
