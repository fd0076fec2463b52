/** Text laid out for the terminal at its width now (see text-wrap.ts for how). */
import { terminalColumns } from './style';
import type { OutputStyle, StyledStream } from './style';
import { CONTINUATION_MARK, markContinuations, PLAIN_CONTINUATION_MARK, wrapBeside, wrapText } from './text-wrap';

/**
 * Fits text to the width of an output stream, read at every call so it follows a resize.
 * Output that is not a terminal has no width: text passes through unchanged.
 */
export class TerminalFit {
  readonly #output: StyledStream;
  readonly #mark: string;

  constructor(output: NodeJS.WritableStream, style: OutputStyle) {
    this.#output = output as StyledStream;
    this.#mark = style.terminal ? CONTINUATION_MARK : PLAIN_CONTINUATION_MARK;
  }

  /** The terminal's columns now, or undefined when the output is not a terminal. */
  get columns(): number | undefined {
    return terminalColumns(this.#output);
  }

  /** Text the REPL wrote, wrapped at word boundaries with each line's indentation kept. */
  prose(text: string): string {
    const columns = this.columns;
    return columns ? wrapText(text, columns) : text;
  }

  /** `text` beside a padded `label`, as a column of `.help`. */
  beside(label: string, text: string): string {
    const columns = this.columns;
    return columns ? wrapBeside(label, text, columns) : label + text;
  }

  /** Wire text (or code) cut to the width, each cut marked so it never reads as a line of its own. */
  wire(text: string): string {
    const columns = this.columns;
    return columns ? markContinuations(text, columns, this.#mark) : text;
  }
}
