export const parseScanLine = (line: string) => {
  const [messageNumber, octets] = line.split(' ');
  return { messageNumber, octets };
};
export const parseUniqueIdLine = (line: string) => {
  const [messageNumber, uid] = line.split(' ');
  return { messageNumber, uid };
};
