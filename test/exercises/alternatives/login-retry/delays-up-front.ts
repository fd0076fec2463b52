// Lists the delays first (exponential), and keeps the last error to throw.
import { connect, Pop3ReplyError } from 'pop3-playground';
import type { Pop3Client } from 'pop3-playground';

export async function loginWithRetry(options: { server: { host: string; port: number }; user: string; password: string; attempts: number; firstDelayMs: number; sleep(ms: number): Promise<void> }): Promise<Pop3Client> {
  const delays = Array.from({ length: options.attempts - 1 }, (_, i) => options.firstDelayMs * 2 ** i);
  let lastError: unknown;
  for (const wait of [0, ...delays]) {
    if (wait > 0) await options.sleep(wait);
    const pop = await connect(options.server);
    try {
      await pop.user(options.user);
      await pop.pass(options.password);
      return pop;
    } catch (error) {
      pop.close();
      lastError = error;
      if (!(error instanceof Pop3ReplyError) || !['IN-USE', 'LOGIN-DELAY'].includes(String(error.responseCode))) break;
    }
  }
  throw lastError;
}
