/**
 * The fenced code blocks of a lesson's README.md, as the curriculum tests run them
 * (docs/lesson-format.md, "Code blocks"): ```ts is REPL input, ```pop3 is raw protocol lines,
 * `fails` marks a block that must fail, `norun` one that is only shown, and a fenced block
 * with the info string `output` right after a block holds what running it printed.
 */
import { CodedError } from '../protocol/errors';

/** What a block holds: TypeScript for the prompt, or POP3 command lines for `.raw` mode. */
export type CodeBlockLanguage = 'ts' | 'pop3';

/** How a block is treated: run and must succeed, run and must fail, or shown only. */
export type CodeBlockMode = 'run' | 'fails' | 'norun';

/** The info string that marks an output block. */
export const OUTPUT_INFO = 'output';

/** A fenced block's place in the file. Lines are 0-based indexes into the file's lines. */
export interface FenceSpan {
  /** The opening fence line. */
  start: number;
  /** The closing fence line (the last line of the file when the fence is never closed). */
  end: number;
  /** The fence itself, e.g. "```" or "~~~~", and its indentation. */
  fence: string;
  indent: number;
}

/** An output block: what the block before it printed, after blanking what varies. */
export interface OutputBlock extends FenceSpan {
  text: string;
}

/** A ```ts or ```pop3 block of a lesson. */
export interface CodeBlock extends FenceSpan {
  language: CodeBlockLanguage;
  mode: CodeBlockMode;
  /** The whole info string, e.g. `ts fails`. */
  info: string;
  /** The block's lines, indentation of the fence removed. */
  lines: string[];
  /** The output block right after this one (only blank lines between), when there is one. */
  output?: OutputBlock;
}

/** What a README holds: its code blocks, and output blocks that follow no code block. */
export interface ParsedLesson {
  blocks: CodeBlock[];
  /** Output blocks with no ```ts or ```pop3 block right before them (an authoring mistake). */
  strayOutputs: OutputBlock[];
}

const LANGUAGES: Readonly<Record<string, CodeBlockLanguage>> = { ts: 'ts', typescript: 'ts', pop3: 'pop3' };

/** Thrown for an info string this convention cannot read, e.g. ```ts maybe. */
export class CodeBlockError extends CodedError {
  /** 1-based line of the fence. */
  readonly line: number;
  constructor(line: number, message: string) {
    super('CODE_BLOCK', `line ${line}: ${message}`);
    this.line = line;
  }
}

interface RawFence extends FenceSpan {
  info: string;
  body: string[];
}

/** Finds every fenced block (CommonMark: ``` or ~~~, at least three, indented at most 3 spaces). */
function findFences(lines: readonly string[]): RawFence[] {
  const fences: RawFence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( {0,3})(`{3,}|~{3,})(.*)$/.exec(lines[i] ?? '');
    if (!open) continue;
    const [, spaces = '', fence = '', rest = ''] = open;
    // CommonMark: a backtick fence's info string may not contain a backtick.
    if (fence.startsWith('`') && rest.includes('`')) continue;
    const indent = spaces.length;
    const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    let end = i + 1;
    while (end < lines.length && !close.test(lines[end] ?? '')) end++;
    const body = lines.slice(i + 1, end).map((l) => stripIndent(l, indent));
    fences.push({ start: i, end: Math.min(end, lines.length - 1), fence, indent, info: rest.trim(), body });
    i = end;
  }
  return fences;
}

function stripIndent(line: string, indent: number): string {
  let n = 0;
  while (n < indent && line[n] === ' ') n++;
  return line.slice(n);
}

/**
 * Reads the code blocks of a lesson README in order. Blocks in other languages (```text,
 * ```sh) are ignored.
 * @throws CodeBlockError for a ts or pop3 block whose info string has an unknown word.
 */
export function parseCodeBlocks(markdown: string): ParsedLesson {
  const lines = markdown.split('\n');
  const fences = findFences(lines);
  const blocks: CodeBlock[] = [];
  const strayOutputs: OutputBlock[] = [];
  let previous: CodeBlock | undefined;
  let previousEnd = -1;
  for (const fence of fences) {
    const words = fence.info.split(/\s+/).filter(Boolean);
    const first = (words[0] ?? '').toLowerCase();
    const onlyBlankBetween = lines.slice(previousEnd + 1, fence.start).every((l) => l.trim() === '');
    if (first === OUTPUT_INFO) {
      const output: OutputBlock = { start: fence.start, end: fence.end, fence: fence.fence, indent: fence.indent, text: fence.body.join('\n') };
      if (previous && !previous.output && onlyBlankBetween && words.length === 1) previous.output = output;
      else strayOutputs.push(output);
      previous = undefined;
      previousEnd = fence.end;
      continue;
    }
    const language = LANGUAGES[first];
    previous = undefined;
    previousEnd = fence.end;
    if (!language) continue;
    let mode: CodeBlockMode = 'run';
    for (const word of words.slice(1)) {
      if (word === 'fails' || word === 'norun') {
        if (mode !== 'run') throw new CodeBlockError(fence.start + 1, `\`${fence.info}\`: choose one of fails and norun`);
        mode = word;
      } else {
        throw new CodeBlockError(fence.start + 1, `\`${fence.info}\`: unknown word "${word}" (known: fails, norun)`);
      }
    }
    const block: CodeBlock = { start: fence.start, end: fence.end, fence: fence.fence, indent: fence.indent, language, mode, info: fence.info, lines: fence.body };
    blocks.push(block);
    previous = block;
  }
  return { blocks, strayOutputs };
}

/** The REPL input lines of a block: blank lines and whole-line `//` comments skipped. */
export function inputLines(block: CodeBlock): string[] {
  return block.lines.filter((l) => l.trim() !== '' && !(block.language === 'ts' && /^\s*\/\/(?!\/)/.test(l)));
}

/** A fence long enough that no line of `text` can close it. */
function fenceFor(text: string): string {
  let longest = 2;
  for (const m of text.matchAll(/^ {0,3}(`{3,})/gm)) longest = Math.max(longest, m[1]?.length ?? 0);
  return '`'.repeat(longest + 1);
}

/**
 * Writes output blocks: after each block in `outputs`, the block with its new text (an empty
 * or undefined text removes the output block). Blocks not in the map keep what they have.
 * Everything else in the file is left byte for byte as it was.
 */
export function writeOutputBlocks(markdown: string, outputs: ReadonlyMap<CodeBlock, string | undefined>): string {
  const lines = markdown.split('\n');
  // From the end, so earlier indexes stay valid.
  const edits = [...outputs].sort(([a], [b]) => b.start - a.start);
  for (const [block, text] of edits) {
    const pad = ' '.repeat(block.indent);
    const replacement =
      text === undefined || text === ''
        ? []
        : (() => {
            const fence = fenceFor(text);
            return ['', `${pad}${fence}${OUTPUT_INFO}`, ...text.split('\n').map((l) => (l === '' ? '' : pad + l)), `${pad}${fence}`];
          })();
    if (block.output) {
      // Replace from the end of the code block through the end of the old output block.
      lines.splice(block.end + 1, block.output.end - block.end, ...replacement);
    } else {
      lines.splice(block.end + 1, 0, ...replacement);
    }
  }
  return lines.join('\n');
}
