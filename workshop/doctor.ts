/** Placeholder replaced below. */
export async function runDoctor(_argv: string[]): Promise<number> {
  return 0;
}
