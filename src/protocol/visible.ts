/**
 * Makes untrusted text safe to print: control characters become visible symbols, so a
 * message or a reply can never move the cursor, recolour the terminal or reorder text.
 */

// C0, DEL and C1 controls; bidirectional overrides and isolates; line and paragraph separators.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/** Replaces control characters with visible stand-ins: ESC becomes `␛`, U+202E becomes `<U+202E>`. */
export function makeVisible(text: string): string {
  return text.replace(UNSAFE, (ch) => {
    const code = ch.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code); // Control Pictures block
    if (code === 0x7f) return '\u2421';
    return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
  });
}

/** Cuts text to `max` characters, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
