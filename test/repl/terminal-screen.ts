/**
 * What a terminal `cols` wide shows once `output` is written to it, scrollback included: printing
 * with auto-wrap at the last column, CR and LF, the cursor moves node:readline uses (CSI A, B,
 * C, D, G) and its erasing (CSI J and K, to the end); colour and modes change no text.
 */
export function screenText(output: string, cols: number): string {
  const rows: string[][] = [[]];
  let row = 0;
  let col = 0;
  // A character written in the last column leaves the cursor there; the next one wraps.
  let wrapDue = false;
  for (const token of output.match(/\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b.|[\s\S]/gu) ?? []) {
    const csi = /^\u001b\[([0-9;?]*)[ -/]*([@-~])$/u.exec(token);
    if (csi) {
      const n = Number.parseInt(csi[1] ?? '', 10) || 1;
      const line = (rows[row] ??= []);
      if (csi[2] === 'A') row = Math.max(0, row - n);
      else if (csi[2] === 'B') row += n;
      else if (csi[2] === 'C') col = Math.min(cols - 1, col + n);
      else if (csi[2] === 'D') col = Math.max(0, col - n);
      else if (csi[2] === 'G') col = Math.min(cols, n) - 1;
      else if (csi[2] === 'K') line.length = Math.min(line.length, col);
      else if (csi[2] === 'J') {
        line.length = Math.min(line.length, col);
        rows.length = row + 1;
      }
      if ('ABCDGKJ'.includes(csi[2] ?? '')) wrapDue = false;
    } else if (token === '\r') {
      col = 0;
      wrapDue = false;
    } else if (token === '\n') {
      row++;
      wrapDue = false;
    } else if (token >= ' ' && token !== '\u007f' && !token.startsWith('\u001b')) {
      if (wrapDue) {
        row++;
        col = 0;
        wrapDue = false;
      }
      (rows[row] ??= [])[col] = token;
      if (col === cols - 1) wrapDue = true;
      else col++;
    }
  }
  return Array.from(rows, (r) => Array.from(r ?? [], (c) => c ?? ' ').join('').trimEnd()).join('\n');
}
