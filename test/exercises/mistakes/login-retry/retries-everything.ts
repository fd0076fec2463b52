import { connect } from 'pop3-playground';
import type { Pop3Client } from 'pop3-playground';

export async function loginWithRetry(options: { server: { host: string; port: number }; user: string; password: string; attempts: number; firstDelayMs: number; sleep(ms: number): Promise<void> }): Promise<Pop3Client> {
  let delay = options.firstDelayMs;
  for (let attempt = 1; ; attempt++) {
    const pop = await connect(options.server);
    try {
      await pop.user(options.user);
      await pop.pass(options.password);
      return pop;
    } catch (error) {
      pop.close();
      if (attempt >= options.attempts) throw error;
      await options.sleep(delay);
      delay *= 2;
    }
  }
}
