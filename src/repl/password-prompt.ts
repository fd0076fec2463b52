import { StringDecoder } from 'node:string_decoder';

/** A terminal's input: raw mode switches off its echo and line editing. */
export interface PromptInput extends NodeJS.ReadableStream {
  isRaw?: boolean;
  setRawMode(mode: boolean): unknown;
}

/** What {@link askPassword} resolves with: the password (empty when none was typed), or `cancelled` on Ctrl-C. */
export type PasswordAnswer = { password: string } | 'cancelled';

/** Escape sequences of arrow and function keys: no part of a password. */
const KEY_SEQUENCE = /\u001b(?:\[[0-9;]*[A-Za-z~]|O.)?/g;

/**
 * Asks for a password at a terminal without echoing it: raw mode, key by key; Backspace
 * erases, Enter ends, Ctrl-D ends with nothing typed, Ctrl-C cancels. The answer is only
 * returned, never written anywhere. Leaves the input paused, in the mode it found it.
 */
export function askPassword(prompt: string, input: PromptInput, output: NodeJS.WritableStream): Promise<PasswordAnswer> {
  return new Promise((resolve) => {
    const decoder = new StringDecoder('utf8');
    const wasRaw = input.isRaw === true;
    let typed: string[] = [];
    const finish = (answer: PasswordAnswer): void => {
      input.off('data', onData);
      input.setRawMode(wasRaw);
      input.pause();
      output.write('\n');
      resolve(answer);
    };
    const onData = (chunk: Buffer | string): void => {
      const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
      for (const key of text.replace(KEY_SEQUENCE, '')) {
        if (key === '\r' || key === '\n') return finish({ password: typed.join('') });
        if (key === '\u0003') return finish('cancelled');
        if (key === '\u0004') return finish({ password: typed.join('') });
        if (key === '\u007f' || key === '\b') typed = typed.slice(0, -1);
        else if (key === '\u0015') typed = []; // Ctrl-U erases the line, as in a terminal's own line editing
        else if (key >= ' ') typed.push(key);
      }
    };
    // Echo off before the prompt shows, so no key typed after it can be echoed.
    input.setRawMode(true);
    output.write(prompt);
    input.on('data', onData);
    input.resume();
  });
}
