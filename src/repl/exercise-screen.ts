import { sanitizeForTerminal } from './sanitize';
import type { Screen } from './screen';
import { createPainter } from './style';
import type { Painter } from './style';

/** What the REPL prints about a file exercise: its runs, its solution file, the editor. */
export class ExerciseScreen {
  readonly #screen: Screen;
  readonly #paint: Painter;

  constructor(screen: Screen) {
    this.#screen = screen;
    this.#paint = createPainter(screen.style);
  }

  notPrepared(file: string, error: unknown): void {
    this.#screen.print(this.#paint.red(`Could not prepare ${file}: ${(error as Error).message}`));
  }

  running(file: string): void {
    this.#screen.print(this.#paint.dim(`Running ${file} against the server (Ctrl-C stops it)...`));
  }

  /** A line a run reports, shown as it comes (the type errors first, then one per scenario). */
  report(line: string): void {
    this.#screen.printSafe(`  ${line}`);
  }

  /** Why a run did not finish, if it did not. */
  ran(error: { message: string } | undefined): void {
    if (error) this.#screen.print(`${this.#paint.red('✘')} ${sanitizeForTerminal(error.message)}`);
  }

  /** The official solution was written beside the learner's file. */
  solutionFile(file: string): void {
    this.#screen.print(`The solution, to compare notes: ${this.#paint.cyan(file)}`);
    this.#screen.print(this.#paint.dim('(written beside your file; yours is untouched)'));
  }

  nothingToEdit(): void {
    this.#screen.print('This lesson has no file to edit: type at the prompt.');
  }

  noEditor(file: string): void {
    this.#screen.print(`Set $VISUAL or $EDITOR to open it from here (e.g. EDITOR=nano), or open it yourself: ${this.#paint.cyan(file)}`);
  }

  editing(file: string, editor: string): void {
    this.#screen.print(this.#paint.dim(`Opening ${file} in ${editor}...`));
  }

  /** The editor closed: what next. */
  edited(code: number | null): void {
    if (code === 0) this.#screen.print(`Saved? Type ${this.#paint.cyan('.check')} to run it.`);
    else this.#screen.print(this.#paint.red(`The editor did not finish cleanly (${code === null ? 'it did not start' : `exit code ${code}`}).`));
  }
}
