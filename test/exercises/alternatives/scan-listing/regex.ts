// Regular expressions with named groups, parseInt for the numbers.
export function parseScanLine(line: string): { messageNumber: number; octets: number } {
  const match = /^(?<n>\d+) (?<size>\d+)/.exec(line);
  if (!match?.groups) throw new Error(`not a scan listing: ${line}`);
  return { messageNumber: parseInt(match.groups.n!, 10), octets: parseInt(match.groups.size!, 10) };
}

export function parseUniqueIdLine(line: string): { messageNumber: number; uid: string } {
  const match = /^(\d+) ([\x21-\x7e]{1,70})$/.exec(line);
  if (!match) throw new Error(`not a unique-id listing: ${line}`);
  return { messageNumber: parseInt(match[1]!, 10), uid: match[2]! };
}
