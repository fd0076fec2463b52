/**
 * Starts V8's CPU profiler inside this process through node:inspector, so a profile can cover
 * just the workload (after start-up and loading), unlike `node --cpu-prof`.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

/** A running profile; stop() writes it as a .cpuprofile file. */
export interface RunningProfile {
  stop(): Promise<void>;
}

const SAMPLING_INTERVAL_US = 200;

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => {
    session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as T)));
  });
}

/** Starts profiling now; the profile goes to `file` when stopped. */
export async function startCpuProfile(file: string): Promise<RunningProfile> {
  const session = new Session();
  session.connect();
  await post(session, 'Profiler.enable');
  await post(session, 'Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
  await post(session, 'Profiler.start');
  return {
    stop: async () => {
      const { profile } = await post<{ profile: unknown }>(session, 'Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}
