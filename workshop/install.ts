import type { IncomingMessage, ServerResponse } from 'node:http';

/** The offline install `/install` serves (see prepareInstall). */
export interface InstallBundle {
  /** Answers `/install` (the page with the commands) and its files. */
  serve(req: IncomingMessage, res: ServerResponse, pathname: string, joinUrl: string): void;
}

/** Prepares the offline install. */
export async function prepareInstall(): Promise<InstallBundle> {
  return { serve: () => undefined };
}
