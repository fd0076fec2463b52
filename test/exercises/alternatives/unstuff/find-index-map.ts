// Finds the end first, then maps the lines before it.
export const unstuff = (lines: readonly string[]): string[] => {
  const end = lines.indexOf('.');
  return (end < 0 ? lines : lines.slice(0, end)).map((line) => (line[0] === '.' ? line.substring(1) : line));
};
