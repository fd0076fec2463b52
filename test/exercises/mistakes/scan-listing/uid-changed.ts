export const parseScanLine = (line: string) => {
  const [n = '', size = ''] = line.split(' ');
  return { messageNumber: Number(n), octets: Number(size) };
};
export const parseUniqueIdLine = (line: string) => {
  const [n = '', uid = ''] = line.split(' ');
  return { messageNumber: Number(n), uid: uid.toLowerCase() };
};
