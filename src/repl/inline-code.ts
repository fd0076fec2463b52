/** How a code span reads in the terminal, with colour and without. */

// A span of punctuation alone (`.`, `...`) would merge with the prose's own full stop or comma.
const PUNCTUATION_ONLY = /^[\p{P}\p{S}]+$/u;

/**
 * Shows inline code: in backticks without colour (they are what sets it apart), painted with
 * colour, and painted in backticks when it is only punctuation, so "a lone `.`." never shows
 * as `..`.
 */
export function showCodeSpan(code: string, paint: ((text: string) => string) | undefined): string {
  if (!paint) return `\`${code}\``;
  return paint(PUNCTUATION_ONLY.test(code) ? `\`${code}\`` : code);
}
