import { describe, expect, it } from 'vitest';
import { bundleForBrowser } from '../helpers/browser-bundle';
import { nodeGlobalsIn } from './node-globals';

describe('the tutor core in a browser', () => {
  it('bundles with no Node module, and its files use no Node global', async () => {
    const bundle = await bundleForBrowser('src/tutor/index.ts');
    expect(bundle.inputs.filter((input) => input.startsWith('node:'))).toEqual([]);
    const ours = bundle.inputs.filter((input) => input.startsWith('src/'));
    expect(ours).toContain('src/tutor/goals.ts');
    expect(ours.filter((input) => input.startsWith('src/tutor/node/'))).toEqual([]);
    expect(ours.flatMap(nodeGlobalsIn)).toEqual([]);
  });

  it('fails, naming the Node module, for the Node front end', async () => {
    await expect(bundleForBrowser('src/tutor/node/index.ts')).rejects.toThrow(/node:/);
  });

  it('would see a Node global in a source file', () => {
    expect(nodeGlobalsIn('src/tutor/node/state-dir.ts')).toContainEqual(expect.stringMatching(/state-dir\.ts:\d+ process$/));
  });
});
