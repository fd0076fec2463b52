// Scans for the spaces by hand, with one helper for the first word.
const firstWord = (text: string): [string, string] => {
  const space = text.indexOf(' ');
  return space < 0 ? [text, ''] : [text.slice(0, space), text.slice(space + 1)];
};

export const parseScanLine = (line: string) => {
  const [n, rest] = firstWord(line);
  const [size] = firstWord(rest);
  return { messageNumber: +n, octets: +size };
};

export const parseUniqueIdLine = (line: string) => {
  const [n, uid] = firstWord(line);
  return { messageNumber: +n, uid: uid.trimEnd() };
};
