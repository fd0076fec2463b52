import { createHash, createHmac, webcrypto } from 'node:crypto';
import * as vm from 'node:vm';
import { transform } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import type { SandboxCore } from '../../sandbox-server/browser';
import { createBrowserSandbox, createMemoryPair } from '../../sandbox-server/browser';
import { loadSeed, startSandbox } from '../../sandbox-server';
import { contentDigest, deriveUid } from '../../sandbox-server/uid';
import { nodeCrypto } from '../../src/ports/node-crypto';
import { pureCrypto } from '../../src/ports/pure-crypto';
import type { ByteTransport } from '../../src/protocol';
import { bundleForBrowser } from '../helpers/browser-bundle';
import { RawPop3 } from '../helpers/raw-pop3';
import { bundledSeedData } from './seed-data';
import { TransportPeer } from './transport-peer';

const open: { close(): Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function browserSandbox(): Promise<SandboxCore> {
  const sandbox = await createBrowserSandbox({ seed: bundledSeedData(), failedLoginDelayMs: 0 });
  open.push(sandbox);
  return sandbox;
}

/** A raw peer on a new in-memory session of `sandbox`, greeting read. */
async function connect(sandbox: SandboxCore): Promise<{ peer: TransportPeer; greeting: string }> {
  const [server, client] = createMemoryPair();
  sandbox.accept(server);
  const peer = new TransportPeer(client);
  return { peer, greeting: await peer.read() };
}

describe('unique-ids do not depend on where the sandbox runs', () => {
  it('hash every seed message alike with nodeCrypto and pureCrypto', async () => {
    const seed = await loadSeed();
    for (const message of seed.messages.values()) {
      const digest = contentDigest(nodeCrypto, message.bytes);
      expect(Buffer.from(contentDigest(pureCrypto, message.bytes)).equals(Buffer.from(digest))).toBe(true);
      for (const [generation, sequence] of [[0, 0], [3, 17]] as const) {
        expect(deriveUid(pureCrypto, 'alice', generation, sequence, digest)).toBe(deriveUid(nodeCrypto, 'alice', generation, sequence, digest));
      }
    }
  });

  it('list the same UIDL in a browser sandbox (pureCrypto) as over TCP (nodeCrypto)', async () => {
    const node = await startSandbox({ tlsPort: false, failedLoginDelayMs: 0 });
    open.push(node);
    const tcp = await RawPop3.connect(node.port);
    await tcp.login('alice', 'wonderland');
    const overTcp = (await tcp.multiline('UIDL')).lines;
    tcp.destroy();
    const { peer } = await connect(await browserSandbox());
    await peer.command('USER alice');
    await peer.command('PASS wonderland');
    peer.send('UIDL');
    const inPage = (await peer.read('\r\n.\r\n')).split('\r\n').slice(1, -2);
    expect(inPage).toEqual(overTcp);
    expect(inPage).toHaveLength(15);
    // Lesson outputs show these ids: a change here changes what learners read.
    expect(inPage[0]).toBe('1 a93b5f5cd2cfd579');
  });
});

describe('the browser sandbox', () => {
  it('logs in with APOP and CRAM-MD5 through the pure crypto port (RFC 1939 §7, RFC 2195)', async () => {
    const sandbox = await browserSandbox();
    const { peer, greeting } = await connect(sandbox);
    const timestamp = /<[^>]+>/.exec(greeting)![0];
    const digest = createHash('md5').update(`${timestamp}wonderland`).digest('hex');
    expect(await peer.command(`APOP alice ${digest}`)).toMatch(/^\+OK alice's maildrop has 15 messages/);
    const second = await connect(sandbox);
    const challenge = /^\+ (\S+)\r\n$/.exec(await second.peer.command('AUTH CRAM-MD5'))![1]!;
    const hmac = createHmac('md5', 'builder').update(Buffer.from(challenge, 'base64')).digest('hex');
    expect(await second.peer.command(Buffer.from(`bob ${hmac}`).toString('base64'))).toMatch(/^\+OK bob's maildrop has 7 messages/);
  });

  it('bundles for a browser without any Node module, taking in the session and the pure crypto port only', async () => {
    const bundle = await bundleForBrowser('sandbox-server/browser.ts');
    expect(bundle.inputs.filter((input) => input.startsWith('node:'))).toEqual([]);
    expect(bundle.inputs).toEqual(expect.arrayContaining(['sandbox-server/session.ts', 'src/ports/pure-crypto.ts', 'src/ports/message-port-transport.ts']));
    for (const nodeOnly of ['src/ports/node-crypto.ts', 'src/ports/node-socket-transport.ts', 'sandbox-server/seed-loader.ts', 'sandbox-server/server.ts']) {
      expect(bundle.inputs).not.toContain(nodeOnly);
    }
  });

  it('runs from its bundle in a context without Node globals: no process, require or Buffer, browser-style timers', async () => {
    const { code } = await bundleForBrowser('sandbox-server/browser.ts');
    const script = (await transform(code, { format: 'iife', globalName: 'bundle', target: 'es2022' })).code;
    // Timers as a browser has them: numbers, without unref() or refresh().
    const timers = new Map<number, NodeJS.Timeout>();
    let nextTimer = 1;
    const page = vm.createContext({
      TextEncoder,
      TextDecoder,
      crypto: webcrypto,
      queueMicrotask,
      console,
      setTimeout: (callback: () => void, ms: number): number => {
        const id = nextTimer++;
        timers.set(id, setTimeout(() => (timers.delete(id), callback()), ms));
        return id;
      },
      clearTimeout: (id: number): void => {
        clearTimeout(timers.get(id));
        timers.delete(id);
      },
    });
    const exports = vm.runInContext(`${script}; bundle`, page) as typeof import('../../sandbox-server/browser');
    const { manifest, files } = bundledSeedData();
    // The seed handed over as the page would: plain bytes.
    const plain = Object.fromEntries([...(files as Map<string, Uint8Array>)].map(([file, bytes]) => [file, new Uint8Array(bytes)]));
    const sandbox = await exports.createBrowserSandbox({ seed: { manifest, files: plain }, failedLoginDelayMs: 0 });
    open.push(sandbox);
    const [server, client] = exports.createMemoryPair() as [ByteTransport, ByteTransport];
    sandbox.accept(server);
    const peer = new TransportPeer(client);
    expect(await peer.read()).toMatch(/^\+OK POP3 sandbox ready <0\.\d+\.[0-9a-f]{8}@sandbox\.localhost>\r\n$/);
    await peer.command('USER zoe');
    expect(await peer.command('PASS unicode')).toMatch(/^\+OK zoe's maildrop has \d+ messages/);
    expect(await peer.command('QUIT')).toMatch(/^\+OK POP3 sandbox signing off/);
    await peer.waitClosed();
    expect(sandbox.log.entries.map((e) => e.keyword)).toEqual(['CONNECT', 'GREETING', 'USER', 'USER', 'PASS', 'PASS', 'QUIT', 'UPDATE', 'QUIT', 'CLOSE']);
    expect(sandbox.internalErrors).toEqual([]);
  });
});
