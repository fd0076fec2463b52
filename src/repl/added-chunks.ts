const SOURCE_MAP_COMMENT = /\/\/# ?sourceMappingURL=\S+[\s\r\n]*$/;

/**
 * The JavaScript added between two compilations of the growing virtual file: a line diff
 * (common prefix and suffix trimmed, then a longest-common-subsequence over the rest), so
 * earlier input never runs twice even when the compiler rewrites an earlier line.
 */
export function addedChunks(previous: string, next: string): string[] {
  const a = previous.replace(SOURCE_MAP_COMMENT, '').split('\n');
  const b = next.replace(SOURCE_MAP_COMMENT, '').split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  // lcs[i][j]: length of the longest common subsequence of midA[i..] and midB[j..].
  const lcs: number[][] = Array.from({ length: midA.length + 1 }, () => new Array<number>(midB.length + 1).fill(0));
  for (let i = midA.length - 1; i >= 0; i--) {
    for (let j = midB.length - 1; j >= 0; j--) {
      lcs[i]![j] = midA[i] === midB[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const chunks: string[] = [];
  let current: string[] = [];
  const flush = (): void => {
    if (current.join('').trim() !== '') chunks.push(`${current.join('\n')}\n`);
    current = [];
  };
  let i = 0;
  let j = 0;
  while (j < midB.length) {
    if (i < midA.length && midA[i] === midB[j]) {
      flush();
      i++;
      j++;
    } else if (i < midA.length && lcs[i + 1]![j]! >= lcs[i]![j + 1]!) {
      i++;
    } else {
      current.push(midB[j]!);
      j++;
    }
  }
  flush();
  return chunks;
}
