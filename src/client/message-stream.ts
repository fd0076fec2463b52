import { Readable } from 'node:stream';
import type { BodySink } from './connection';
import { Pop3ReplyError } from './errors';
import type { Pop3Reply } from './types';

/** A stream of one message's bytes; emits `reply` with the +OK status once it arrives. */
export type MessageStream = Readable & AsyncIterable<Buffer>;

/** One streamed retrieval, as the client starts it. */
export interface MessageRetrieval {
  /** The command as errors name it: `RETR 3`. */
  label: string;
  /** Sends the command with `sink` taking the body; resolves with the reply. */
  start(sink: BodySink): Promise<Pop3Reply>;
  /** Reads on after the consumer has caught up. */
  resume(): void;
}

/** Makes the stream for {@link Pop3Client.retrStream}; only Node has one (src/client/browser.ts leaves it out). */
export type OpenMessageStream = (retrieval: MessageRetrieval) => MessageStream;

/**
 * A Node `Readable` over one retrieval: the transport pauses while the consumer is slow, and the
 * stream ends with the message or errors with the failure (Pop3ReplyError on -ERR). Destroyed
 * early, it drains the rest of the reply so the session stays in step.
 */
export const openMessageStream: OpenMessageStream = (retrieval) => {
  let discard = false;
  const stream: Readable = new Readable({
    read: () => retrieval.resume(),
    destroy: (error, callback) => {
      discard = true; // drain what is left of the reply, keeping the session in step
      retrieval.resume();
      callback(error);
    },
  });
  const sink: BodySink = {
    start: (reply) => {
      stream.emit('reply', reply);
    },
    data: (chunk) => (discard ? true : stream.push(chunk)),
  };
  retrieval.start(sink).then(
    (reply) => {
      if (reply.ok) stream.push(null);
      else stream.destroy(new Pop3ReplyError(retrieval.label, reply));
    },
    (error: unknown) => stream.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  return stream as MessageStream;
};
