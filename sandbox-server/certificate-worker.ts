import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SandboxCertificates } from './certificates';

/**
 * The worker's program, plain JavaScript: it installs the TypeScript require hook (the worker
 * does not inherit the parent's), generates with certificates.ts and posts the PEM texts back.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
require(workerData.register);
require(workerData.certificates).createCertificates(workerData.names).then(
  (certificates) => parentPort.postMessage({ certificates }),
  (error) => parentPort.postMessage({ error: String((error && error.stack) || error) }),
);
`;

/** How long the worker may take before the caller gives up on it (it takes well under a second). */
const WORKER_TIMEOUT_MS = 30_000;

/**
 * Generates a CA and server certificate (see createCertificates) on a worker thread: loading
 * the X.509 library and signing then run beside this thread's own work instead of before it.
 * @throws Error when the worker cannot start, fails, or has not answered within `timeoutMs`.
 */
export function generateCertificatesInWorker(names: readonly string[], timeoutMs = WORKER_TIMEOUT_MS): Promise<SandboxCertificates> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      // Not the parent's flags: a profiler or preload meant for the main program stays there.
      execArgv: [],
      workerData: {
        register: path.join(__dirname, '..', 'src', 'register.js'),
        certificates: path.join(__dirname, 'certificates'),
        names: [...names],
      },
    });
    // A stuck worker must not hold up the sandbox's start: the caller then generates itself.
    const timer = setTimeout(() => {
      reject(new Error(`the certificate worker gave no answer within ${timeoutMs} ms`));
      void worker.terminate();
    }, timeoutMs);
    worker.once('exit', () => clearTimeout(timer));
    worker.once('message', (message: { certificates?: SandboxCertificates; error?: string }) => {
      clearTimeout(timer);
      if (message.certificates) resolve(message.certificates);
      else reject(new Error(`certificate generation failed: ${message.error ?? 'no reason given'}`));
    });
    worker.once('error', reject);
    // Settles nothing when a message came first; otherwise the worker died without answering.
    worker.once('exit', (code) => reject(new Error(`the certificate worker exited (code ${code}) without certificates`)));
  });
}
