import { describe, expect, it } from 'vitest';
import { CodeBlockError, inputLines, parseCodeBlocks, writeOutputBlocks } from '../../src/tutor/code-blocks';
import type { CodeBlock } from '../../src/tutor/code-blocks';
import { blankOutput } from './blank-output';

const README = [
  '# A lesson',
  '',
  'Some prose.',
  '',
  '```ts',
  'const pop = await connect(sandbox)',
  '',
  '// a comment line is not sent',
  'pop.greeting',
  '```',
  '',
  '```output',
  "'+OK old'",
  '```',
  '',
  'More prose.',
  '',
  '```pop3',
  'CAPA',
  'QUIT',
  '```',
  '',
  '```ts fails',
  'await pop.retr(99)',
  '```',
  '',
  '```ts norun',
  "await connect({ host: 'pop.example.com', tls: true })",
  '```',
  '',
  '```sh',
  'npm start',
  '```',
  '',
].join('\n');

describe('lesson code blocks', () => {
  it('reads ts and pop3 blocks in order, with their mode and the output block after them', () => {
    const { blocks, strayOutputs } = parseCodeBlocks(README);
    expect(blocks.map((b) => [b.language, b.mode, b.start + 1])).toEqual([
      ['ts', 'run', 5],
      ['pop3', 'run', 18],
      ['ts', 'fails', 23],
      ['ts', 'norun', 27],
    ]);
    expect(blocks[0]?.output?.text).toBe("'+OK old'");
    expect(blocks[1]?.output).toBeUndefined();
    expect(strayOutputs).toEqual([]);
    expect(inputLines(blocks[0]!)).toEqual(['const pop = await connect(sandbox)', 'pop.greeting']);
  });

  it('refuses an info string it does not know, and reports an output block that follows no code', () => {
    expect(() => parseCodeBlocks('```ts maybe\nx\n```\n')).toThrow(CodeBlockError);
    expect(() => parseCodeBlocks('```ts fails norun\nx\n```\n')).toThrow(/choose one/);
    const { strayOutputs } = parseCodeBlocks('Text\n\n```output\nx\n```\n');
    expect(strayOutputs.map((o) => o.start)).toEqual([2]);
    // Prose between the block and the output block: the output belongs to nothing.
    expect(parseCodeBlocks('```ts\n1\n```\nProse.\n```output\n1\n```\n').strayOutputs).toHaveLength(1);
  });

  it('writes output blocks and leaves every other byte alone', () => {
    const { blocks } = parseCodeBlocks(README);
    const outputs = new Map<CodeBlock, string | undefined>([
      [blocks[0]!, "'+OK new'"],
      [blocks[1]!, '+OK capability list follows\n.'],
    ]);
    const written = writeOutputBlocks(README, outputs);
    expect(written).toBe(
      README.replace("```output\n'+OK old'\n```", "```output\n'+OK new'\n```").replace(
        'CAPA\nQUIT\n```\n',
        'CAPA\nQUIT\n```\n\n```output\n+OK capability list follows\n.\n```\n',
      ),
    );
    // Writing the same outputs again changes nothing; an empty output removes the block.
    const again = parseCodeBlocks(written).blocks;
    expect(writeOutputBlocks(written, new Map([[again[0]!, "'+OK new'"]]))).toBe(written);
    const removed = writeOutputBlocks(written, new Map([[again[1]!, '']]));
    expect(removed).toBe(README.replace("'+OK old'", "'+OK new'"));
  });

  it('fences an output that holds a fence with a longer one', () => {
    const md = '```ts\nx\n```\n';
    const { blocks } = parseCodeBlocks(md);
    const written = writeOutputBlocks(md, new Map([[blocks[0]!, 'a\n```\nb']]));
    expect(written).toBe('```ts\nx\n```\n\n````output\na\n```\nb\n````\n');
    expect(parseCodeBlocks(written).blocks[0]?.output?.text).toBe('a\n```\nb');
  });
});

describe('blanking what varies between runs', () => {
  const now = new Date('2026-11-26T12:00:00Z');

  it('blanks ports, APOP timestamps, certificates and the dates of the run', () => {
    const text = [
      "'+OK POP3 sandbox ready <4999.1795696688353.2d596f16@sandbox.localhost>'",
      'Raw mode: connected to 127.0.0.1:36485. Type POP3 commands',
      '{ host: 127.0.0.1, port: 40110, tlsPort: 40111 }',
      "valid_to: 'Nov 26 12:22:00 2027 GMT'",
      "'2026-11-26T12:34:56.789Z' 2026-11-25 1795696688353",
      'fingerprint256: AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01',
      "ca: '-----BEGIN CERTIFICATE-----\\n' +\n  'MIIBxTCCAWug\\n' +\n  '-----END CERTIFICATE-----\\n'",
      'the sync took 12 ms   ',
    ].join('\n');
    expect(blankOutput(text, now)).toBe(
      [
        "'+OK POP3 sandbox ready <PID.CLOCK.RANDOM@sandbox.localhost>'",
        'Raw mode: connected to 127.0.0.1:PORT. Type POP3 commands',
        '{ host: 127.0.0.1, port: PORT, tlsPort: PORT }',
        "valid_to: 'MON DD HH:MM:SS YYYY GMT'",
        "'YYYY-MM-DDTHH:MM:SSZ' YYYY-MM-DD EPOCH_MS",
        'fingerprint256: FINGERPRINT',
        "ca: '-----BEGIN CERTIFICATE-----…-----END CERTIFICATE-----\\n'",
        'the sync took N ms',
      ].join('\n'),
    );
  });

  it('keeps what does not vary: seed dates, well-known ports, sizes and limits', () => {
    const text = "Date: 2025-10-28T15:20:05Z, port: 995, localhost:110, { n: 11, size: 1178136 }, stopped after 10000 ms";
    expect(blankOutput(text, now)).toBe(text);
  });
});
