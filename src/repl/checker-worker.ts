/**
 * The checker's thread: builds the TypeScript program (the slow part, ~1 s) away from the REPL's
 * event loop, then answers requests in the order they come (./checker-protocol.ts). It also
 * compiles what it found clean: the REPL's thread needs no TypeScript compiler for a checked input.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createCheckerAnswers } from './checker-answers';
import type { CheckerReply, CheckerRequest, CheckerWorkerData } from './checker-protocol';

const port = parentPort;
if (!port) throw new Error('checker-worker.ts runs as a worker thread');
const { project, virtualPath } = workerData as CheckerWorkerData;
const checker = createCheckerAnswers(project, virtualPath);
checker.warm();
port.postMessage({ ready: true } satisfies CheckerReply);
port.on('message', (request: CheckerRequest) => port.postMessage(checker.answer(request)));
