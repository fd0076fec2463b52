/**
 * The sandbox worker of a lesson page: the POP3 sandbox, seeded like the terminal's embedded
 * one (sandbox-server/seed, fetched from the site), in the lesson's start state with its
 * faults. The eval worker opens each connection as a MessagePort over its control port; every
 * session-log entry goes to the page (the wire view) and to the eval worker (the facts). It
 * outlives the eval worker, so ending a runaway loop keeps the mailboxes and the log.
 */
import type { SandboxCore } from '../../sandbox-server/browser';
import { createBrowserSandbox, messagePortTransport } from '../../sandbox-server/browser';
import type { TranscriptEntry } from '../../src/protocol/transcript';
import type { ByteTransport } from '../../src/protocol/transport';
import type { LessonStartState } from '../../src/tutor/lesson';
import { waitForSessionsClosed } from '../../src/repl/session-settle';
import { applyStartState } from '../../sandbox-server/start-state';
import { toCanonicalCrlf } from '../../src/protocol/multiline';
import type { ControlEvent, ControlRequest, SandboxEvent, SandboxRequest, SeedFacts, WorkerScope } from './worker-messages';

const scope = self as unknown as WorkerScope;
const post = (event: SandboxEvent): void => scope.postMessage(event);

let seed: { manifest: string; files: Map<string, Uint8Array> } | undefined;
let sandbox: SandboxCore | undefined;
let control: MessagePort | undefined;
/** The connections of the current eval worker: dropped when it is replaced (ended in a loop), as a closed socket drops. */
let connections = new Set<ByteTransport>();
/** Entries since the lesson (re)started: what a new eval worker's facts start from. */
let entries: TranscriptEntry[] = [];

/** Fetches the seed's manifest and message files from the site (same origin). */
async function loadSeed(base: string): Promise<{ manifest: string; files: Map<string, Uint8Array> }> {
  const manifest = await (await fetch(`${base}manifest.json`)).text();
  const names = (JSON.parse(manifest) as { messages: Record<string, { file: string }> }).messages;
  const files = new Map<string, Uint8Array>();
  await Promise.all(
    Object.values(names).map(async ({ file }) => {
      const response = await fetch(`${base}${file}`);
      if (!response.ok) throw new Error(`seed file ${file}: HTTP ${response.status}`);
      files.set(file, new Uint8Array(await response.arrayBuffer()));
    }),
  );
  return { manifest, files };
}

/** The seed as the tutor's checks see it: the manifest's messages and their sizes on the wire. */
function seedFacts(loaded: { manifest: string; files: Map<string, Uint8Array> }): SeedFacts {
  const { messages } = JSON.parse(loaded.manifest) as { messages: SeedFacts['messages'] };
  const sizes: Record<string, number> = {};
  for (const [file, bytes] of loaded.files) sizes[file] = toCanonicalCrlf(Buffer.from(bytes)).length;
  return { messages, sizes };
}

const toControl = (event: ControlEvent): void => control?.postMessage(event);

/** A fresh sandbox in the lesson's start state, its log streamed to the page and the eval worker. */
async function freshSandbox(start: LessonStartState | undefined): Promise<SandboxCore> {
  if (!seed) throw new Error('the seed is not loaded');
  await sandbox?.close();
  entries = [];
  const created = await createBrowserSandbox({ seed });
  await applyStartState(created, start);
  created.log.on('entry', (entry: TranscriptEntry) => {
    entries.push(entry);
    post({ type: 'entry', entry });
    toControl({ type: 'entry', entry });
  });
  sandbox = created;
  return created;
}

function attach(port: MessagePort): void {
  control?.close();
  control = port;
  // The old worker's sessions end without UPDATE (RFC 1939 §6), freeing their maildrop locks.
  for (const transport of connections) transport.destroy();
  connections = new Set();
  port.onmessage = ({ data }: MessageEvent<ControlRequest>) => {
    if (data.type === 'connect') {
      if (!sandbox) return data.port.close();
      const transport = messagePortTransport(data.port, { remote: 'the page' });
      const mine = connections;
      mine.add(transport);
      void sandbox.accept(transport).done.then(() => mine.delete(transport));
    } else if (data.type === 'log') {
      toControl({ type: 'log', entries });
    } else if (data.type === 'settle') {
      void (sandbox ? waitForSessionsClosed(sandbox.log) : Promise.resolve()).then(() => toControl({ type: 'settled', id: data.id }));
    }
  };
}

scope.onmessage = ({ data, ports }: MessageEvent<SandboxRequest>) => {
  void (async () => {
    try {
      if (data.type === 'init') {
        seed = await loadSeed(data.seedBase);
        const created = await freshSandbox(data.start);
        if (ports[0]) attach(ports[0]);
        post({ type: 'ready', accounts: created.accounts.map((a) => ({ ...a })), seed: seedFacts(seed) });
      } else if (data.type === 'attach') {
        if (ports[0]) attach(ports[0]);
      } else if (data.type === 'reset') {
        await freshSandbox(data.start);
        post({ type: 'reset-done' });
      }
    } catch (error) {
      post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  })();
};
