// Recursion instead of a loop; the delay grows by half again, and QUIT on a refused session.
import { connect } from 'pop3-playground';
import type { Pop3Client } from 'pop3-playground';

type Options = { server: { host: string; port: number }; user: string; password: string; attempts: number; firstDelayMs: number; sleep(ms: number): Promise<void> };

export function loginWithRetry(options: Options, left = options.attempts, delay = options.firstDelayMs): Promise<Pop3Client> {
  return connect(options.server).then(async (pop) => {
    try {
      await pop.user(options.user);
      await pop.pass(options.password);
      return pop;
    } catch (error) {
      await pop.quit().catch(() => pop.close());
      const code = (error as { responseCode?: string }).responseCode;
      if ((code !== 'IN-USE' && code !== 'LOGIN-DELAY') || left <= 1) throw error;
      await options.sleep(delay);
      return loginWithRetry(options, left - 1, Math.round(delay * 1.5));
    }
  });
}
