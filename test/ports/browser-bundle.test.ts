import { describe, expect, it } from 'vitest';
import { bundleForBrowser } from '../helpers/browser-bundle';

describe('browser bundles', () => {
  it('take in the pure crypto port with no Node module', async () => {
    const bundle = await bundleForBrowser('src/ports/pure-crypto.ts');
    expect(bundle.inputs.some((input) => input.includes('@noble/hashes'))).toBe(true);
    expect(bundle.inputs.filter((input) => input.startsWith('node:'))).toEqual([]);
  });

  it('take in the in-memory and MessagePort transports with no Node module', async () => {
    for (const entry of ['src/ports/memory-transport.ts', 'src/ports/message-port-transport.ts']) {
      const bundle = await bundleForBrowser(entry);
      expect(bundle.inputs.filter((input) => input.startsWith('node:'))).toEqual([]);
      expect(bundle.code).toContain('CONNECTION_CLOSED');
    }
  });

  it('fail, naming the importer, when a Node module is pulled in', async () => {
    await expect(bundleForBrowser('src/ports/node-crypto.ts')).rejects.toThrow(/node:crypto/);
  });
});
