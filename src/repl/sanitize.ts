/**
 * Makes control characters visible before text reaches the terminal. Mail is untrusted: an
 * escape sequence inside a message could move the cursor, retitle the window or hide text,
 * so it is shown as `\x1b` instead of being executed.
 */

// C0 controls except TAB and LF, DEL, C1 controls, and the bidirectional overrides that can
// make text read differently from its bytes (CVE-2021-42574 "Trojan Source").
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Returns `text` with every unsafe character replaced by a visible escape (`\x1b`, `\r`,
 * `\u202e`). CRLF becomes LF, since a terminal shows both the same.
 */
export function sanitizeForTerminal(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(UNSAFE, (ch) => {
    const code = ch.charCodeAt(0);
    if (ch === '\r') return '\\r';
    if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
    return `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** True when the text holds something {@link sanitizeForTerminal} would change (beyond CRLF). */
export function hasUnsafeCharacters(text: string): boolean {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(text.replace(/\r\n/g, '\n'));
}
