/**
 * The state of one lesson page, shared by its components: each block's output and wire view,
 * the goals, the prompt, trace and progress. The runtime (two Web Workers) is loaded on the
 * first Run, so reading a page costs no worker, transpiler or sandbox.
 */
import { reactive, toRaw } from 'vue';
import { withBase } from 'vitepress';
import type { RuntimeAssets } from '../../runtime/page-runtime';
import type { TranscriptEntry } from '../../../src/protocol/transcript';
import type { Progress } from '../../../src/tutor/progress';
import type { LessonPageData } from '../../../scripts/docs/lesson-page';
import type { LessonRuntime, RunResult } from '../../runtime/page-runtime';
import { exportProgress, importProgress, loadProgress, saveProgress } from '../../runtime/progress-storage';
import { formatProgress } from '../../../src/tutor/progress';
import { wireLines } from '../../runtime/wire-lines';
import type { WireLine } from '../../runtime/wire-lines';

/** Where a block stands in the page's scope. */
export type BlockStatus = 'idle' | 'running' | 'done' | 'failed';

export interface BlockState {
  status: BlockStatus;
  /** True once it ran in the current scope (Run on a later block skips it then). */
  ran: boolean;
  output: string;
  entries: TranscriptEntry[];
  /** The reader's copy, when they edit. */
  edited: string | undefined;
  /** Runs finished (a page test waits for it to grow). */
  runs: number;
}

export interface PromptState {
  /** What the prompt printed, oldest first. */
  output: string;
  raw: boolean;
  busy: boolean;
  /** Lines typed and not finished yet. */
  pending: number;
}

export interface LessonState {
  data: LessonPageData;
  blocks: BlockState[];
  /** Live verdicts from the tutor, by goal id. */
  live: Record<string, boolean>;
  progress: Progress;
  trace: boolean;
  prompt: PromptState;
  /** The id of a common mistake whose hint is shown (once). */
  mistake: string | undefined;
  /** The last hint asked for. */
  hint: { goal: string; tier: number; tiers: number } | { none: true } | undefined;
  /** Set while the runtime starts, and after a problem. */
  notice: string | undefined;
  completedNow: boolean;
  /** True once the page is interactive in the browser (its stored progress read). */
  mounted: boolean;
}

const storage = (): Storage | undefined => (typeof localStorage === 'undefined' ? undefined : localStorage);

/** The wire view of a block's entries. */
export function wireOf(block: BlockState): WireLine[] {
  return wireLines(block.entries);
}

/** True when a goal is met now, or was met before (progress never takes it back). */
export function goalMet(state: LessonState, id: string): boolean {
  return state.live[id] === true || state.progress.lessons[state.data.id]?.goals?.[id]?.met === true;
}

/** A lesson page's controller: the state, and the actions its buttons take. */
export class LessonPage {
  readonly state: LessonState;
  #runtime: Promise<LessonRuntime> | undefined;
  /** Where output and wire entries of the run under way go. */
  #sink: { run: number; block?: number } | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  readonly #assets: RuntimeAssets;

  /** @param assets the workers' scripts (site/.vitepress/runtime.json, through the theme config) */
  constructor(data: LessonPageData, assets: RuntimeAssets) {
    this.#assets = assets;
    this.state = reactive({
      data,
      blocks: data.blocks.map(() => ({ status: 'idle', ran: false, output: '', entries: [], edited: undefined, runs: 0 })),
      live: {},
      // Read from the browser after mounting (loadStoredProgress), so server-rendered HTML matches.
      progress: { formatVersion: 2, lessons: {} },
      trace: false,
      prompt: { output: '', raw: false, busy: false, pending: 0 },
      mistake: undefined,
      hint: undefined,
      notice: undefined,
      completedNow: false,
      mounted: false,
    }) as LessonState;
  }

  /** Shows the progress kept in this browser (called once the page is mounted). */
  loadStoredProgress(): void {
    const store = storage();
    if (store) this.state.progress = loadProgress(store);
    this.state.mounted = true;
  }

  /** Progress imported from a file (the terminal's progress.json), merged into what this browser keeps. */
  importProgress(text: string): void {
    const store = storage();
    if (store) this.state.progress = importProgress(store, text, 'the imported file');
  }

  /** Progress to export, as a progress.json file for the terminal. */
  exportProgress(): string {
    const store = storage();
    return store ? exportProgress(store) : formatProgress(this.state.progress);
  }

  #runtimeStarted(): Promise<LessonRuntime> {
    this.#runtime ??= (async () => {
      this.state.notice = 'Starting the sandbox and the evaluator…';
      const { startLessonRuntime } = await import('../../runtime/page-runtime');
      const runtime = startLessonRuntime({
        lessonId: this.state.data.id,
        lessonNumber: this.state.data.number,
        // Plain data, not Vue's proxies: it is posted to the workers (structured clone).
        start: toRaw(this.state.data).start,
        base: withBase('/'),
        assets: this.#assets,
        progress: () => toRaw(this.state.progress),
        trace: this.state.trace,
        listener: {
          output: (run, text) => this.#output(run, text),
          entry: (entry) => this.#entry(entry),
          goals: (goals, completedNow, mistake) => {
            for (const goal of goals) this.state.live[goal.id] = goal.met;
            if (completedNow) this.state.completedNow = true;
            if (mistake) this.state.mistake = mistake;
          },
          progress: (progress) => {
            const store = storage();
            this.state.progress = store ? saveProgress(store, progress) : progress;
          },
          stopped: () => {
            for (const block of this.state.blocks) block.ran = false;
            this.state.prompt.raw = false;
          },
        },
      });
      this.state.notice = undefined;
      return runtime;
    })();
    return this.#runtime;
  }

  #output(run: number, text: string): void {
    if (this.#sink?.run !== run) return;
    const block = this.#sink.block;
    if (block === undefined) this.state.prompt.output += text;
    else {
      const state = this.state.blocks[block];
      if (state) state.output += text;
    }
  }

  #entry(entry: TranscriptEntry): void {
    const block = this.#sink?.block;
    if (block !== undefined) this.state.blocks[block]?.entries.push(entry);
  }

  /** Runs one more thing after everything queued before it (runs never overlap, as at a prompt). */
  #enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => {});
    return next;
  }

  async #runBlock(runtime: LessonRuntime, index: number, code: string | undefined): Promise<RunResult> {
    const data = this.state.data.blocks[index];
    const block = this.state.blocks[index];
    if (!data || !block) throw new Error(`no block ${index}`);
    block.status = 'running';
    block.output = '';
    block.entries = [];
    const lines = code === undefined ? data.input : code.split('\n');
    const result = await runtime.run(data.language, lines, (run) => {
      this.#sink = { run, block: index };
    });
    block.ran = true;
    block.runs++;
    const failed = data.language === 'pop3' ? result.errored || result.refused : result.errored;
    block.status = failed && data.mode !== 'fails' ? 'failed' : 'done';
    return result;
  }

  /** Run: the earlier blocks that have not run in this scope first, in order, then this one (the reader's copy when edited). */
  run(index: number): Promise<void> {
    return this.#enqueue(async () => {
      try {
        const runtime = await this.#runtimeStarted();
        for (let i = 0; i < index; i++) {
          const earlier = this.state.data.blocks[i];
          if (earlier && earlier.mode !== 'norun' && !this.state.blocks[i]?.ran) await this.#runBlock(runtime, i, undefined);
        }
        await this.#runBlock(runtime, index, this.state.blocks[index]?.edited);
      } catch (error) {
        const block = this.state.blocks[index];
        if (!block) return;
        block.output += `✘ ${(error as Error).message}\n`;
        block.status = 'failed';
        block.runs++;
      }
    });
  }

  /** A line at the page's prompt: TypeScript, or in raw mode a POP3 command; dot-commands as in the terminal. */
  promptLine(line: string): Promise<void> {
    this.state.prompt.pending++;
    return this.#enqueue(async () => this.#promptLine(line)).finally(() => {
      this.state.prompt.pending--;
    });
  }

  async #promptLine(line: string): Promise<void> {
    const prompt = this.state.prompt;
    prompt.output += `${prompt.raw ? 'pop3> ' : '> '}${line}\n`;
    const command = line.trim();
    // Dot-commands work in raw mode too, as node:repl's do.
    if (command === '.reset') return this.#reset();
    if (command === '.hint') return this.#hint();
    if (command === '.check') return void (await this.#runtimeStarted()).check();
    if (/^\.trace\b/.test(command)) return this.setTrace(command.split(/\s+/)[1] !== 'off');
    if (/^\.[a-z]/.test(command) && command !== '.raw') {
      prompt.output += `${command.split(/\s+/)[0]} is for the terminal playground; here: .raw, .trace on|off, .hint, .check, .reset\n`;
      return;
    }
    prompt.busy = true;
    try {
      const runtime = await this.#runtimeStarted();
      const onId = (run: number): void => {
        this.#sink = { run };
      };
      const result = command === '.raw' || prompt.raw ? await runtime.raw(line, onId) : await runtime.run('ts', [line], onId);
      prompt.raw = result.rawOpen;
    } finally {
      prompt.busy = false;
    }
  }

  setTrace(on: boolean): void {
    this.state.trace = on;
    void this.#runtime?.then((runtime) => runtime.setTrace(on));
    this.state.prompt.output += on ? 'Trace on: every command (C:) and reply (S:) is shown, passwords as ***.\n' : 'Trace off.\n';
  }

  async #hint(): Promise<void> {
    const runtime = await this.#runtimeStarted();
    const hint = await runtime.hint();
    this.state.hint = hint.goal !== undefined ? { goal: hint.goal, tier: hint.tier ?? 1, tiers: hint.tiers ?? 1 } : { none: true };
  }

  /** The next hint for the first goal not met (as `.hint`). */
  hint(): Promise<void> {
    return this.#enqueue(() => this.#hint());
  }

  async #reset(): Promise<void> {
    const runtime = await this.#runtime;
    for (const block of this.state.blocks) Object.assign(block, { status: 'idle', ran: false, output: '', entries: [] });
    this.state.live = {};
    this.state.prompt.raw = false;
    this.state.mistake = undefined;
    this.state.completedNow = false;
    this.state.prompt.output += 'Reset: a fresh scope, and the mailboxes back in the lesson’s start state.\n';
    await runtime?.reset();
  }

  /** A fresh scope and a fresh sandbox in the lesson's start state (as `.reset`). */
  reset(): Promise<void> {
    return this.#enqueue(() => this.#reset());
  }

  /** Ends the workers (the reader left the page). */
  dispose(): void {
    void this.#runtime?.then((runtime) => runtime.dispose());
    this.#runtime = undefined;
  }
}

const pages = new Map<string, LessonPage>();

/** The page controller of a lesson, one per lesson id while the reader stays on it. */
export function pageFor(data: LessonPageData, assets: RuntimeAssets): LessonPage {
  let page = pages.get(data.id);
  if (!page) {
    for (const other of pages.values()) other.dispose();
    pages.clear();
    page = new LessonPage(data, assets);
    pages.set(data.id, page);
  }
  return page;
}
