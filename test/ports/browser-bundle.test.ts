import { describe, expect, it } from 'vitest';
import { bundleForBrowser } from '../helpers/browser-bundle';

describe('browser bundles', () => {
  it('take in the pure crypto port with no Node module', async () => {
    const bundle = await bundleForBrowser('src/ports/pure-crypto.ts');
    expect(bundle.inputs.some((input) => input.includes('@noble/hashes'))).toBe(true);
    expect(bundle.inputs.filter((input) => input.startsWith('node:'))).toEqual([]);
  });

  it('fail, naming the importer, when a Node module is pulled in', async () => {
    await expect(bundleForBrowser('src/ports/node-crypto.ts')).rejects.toThrow(/node:crypto/);
  });
});
