import type { Socket } from 'node:net';
import * as tls from 'node:tls';
import { NodeSocketTransport } from '../../src/ports/node-socket-transport';
import type { Classroom } from '../classroom';
import type { LearnerRuntime } from '../learner';

/** How long the implicit-TLS handshake inside the forward may take. */
const HANDSHAKE_TIMEOUT_MS = 15_000;

/** The kind a forwarded connection has in CONNECT lines, before any STLS. */
export const FORWARD_KIND = 'join-forward';

/**
 * Runs a learner's forwarded POP3 connection on their sandbox. The socket is the classroom's
 * end of the TLS tunnel from the learner's REPL; the learner's client is on loopback at the
 * other end, so a cleartext login never crosses the network in the clear (the transport is
 * `local`). Plain forwards start unencrypted, and STLS runs a second TLS inside the tunnel
 * (RFC 2595 §4); `implicitTls` forwards begin with the handshake (RFC 8314 §3.1), both with
 * the classroom's certificate, which names 127.0.0.1 and localhost.
 */
export async function runForwardedSession(classroom: Classroom, learner: LearnerRuntime, socket: Socket, implicitTls: boolean): Promise<void> {
  const sandbox = await learner.sandbox();
  const remote = `${learner.id}@${socket.remoteAddress ?? 'unknown'}`;
  socket.setNoDelay(true);
  socket.setTimeout(0);
  let carrier: Socket = socket;
  if (implicitTls) {
    const secured = new tls.TLSSocket(socket, { isServer: true, secureContext: sandbox.secureContext });
    const ok = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), HANDSHAKE_TIMEOUT_MS);
      secured.once('secure', () => {
        clearTimeout(timer);
        resolve(true);
      });
      secured.once('error', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (!ok) {
      secured.destroy();
      socket.destroy();
      return;
    }
    carrier = secured;
  }
  learner.connections++;
  const transport = new NodeSocketTransport(carrier, { local: true, remote, ...(implicitTls ? {} : { tunnel: { kind: FORWARD_KIND } }) });
  let accepted;
  try {
    accepted = sandbox.accept(transport);
  } catch {
    learner.connections--;
    return;
  }
  classroom.touch(learner);
  await accepted.done;
  learner.connections--;
}
