export const parseScanLine = (line: string) => {
  const space = line.indexOf(' ');
  return { messageNumber: Number(line.slice(0, space)), octets: Number(line.slice(space + 1)) };
};
export const parseUniqueIdLine = (line: string) => {
  const space = line.indexOf(' ');
  return { messageNumber: Number(line.slice(0, space)), uid: line.slice(space + 1) };
};
