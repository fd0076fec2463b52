import { connect } from 'pop3-playground';
import type { Pop3Client } from 'pop3-playground';

export async function loginWithRetry(options: { server: { host: string; port: number }; user: string; password: string; attempts: number; firstDelayMs: number; sleep(ms: number): Promise<void> }): Promise<Pop3Client> {
  for (let attempt = 1; ; attempt++) {
    const pop = await connect(options.server);
    try {
      await pop.user(options.user);
      await pop.pass(options.password);
      return pop;
    } catch (error) {
      pop.close();
      const code = (error as { responseCode?: string }).responseCode;
      if ((code !== 'IN-USE' && code !== 'LOGIN-DELAY') || attempt >= options.attempts) throw error;
      await options.sleep(options.firstDelayMs);
    }
  }
}
