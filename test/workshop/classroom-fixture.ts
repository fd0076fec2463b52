import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { serveClassroom } from '../../workshop/serve';
import type { RunningClassroom, ServeOptions } from '../../workshop/serve';

/** The playground's lessons. */
export const LESSONS_DIR = path.join(__dirname, '..', '..', 'lessons');

/** A classroom on a free loopback port with its data in a temporary folder. */
export interface TestClassroom {
  running: RunningClassroom;
  data: string;
  lines: string[];
  /** The base URL (plain HTTP), e.g. http://127.0.0.1:40123. */
  base: string;
  /** The join code of a learner, read from the data folder as a host would read the slips. */
  code(id: string): string;
  instructorToken: string;
  roomToken: string;
  /** Stops the classroom (the data folder stays until `dispose`). */
  stop(): Promise<void>;
  /** Starts it again on the same data folder (and the same port, when it is free). */
  restart(): Promise<TestClassroom>;
  dispose(): Promise<void>;
}

/** Starts a classroom for a test; `dispose` it afterwards. */
export async function startTestClassroom(options: Partial<ServeOptions> = {}, dataDir?: string): Promise<TestClassroom> {
  const data = dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'classroom-'));
  const lines: string[] = [];
  const running = await serveClassroom({ host: '127.0.0.1', port: 0, data, tlsNames: [], lessonsDir: LESSONS_DIR, ...options }, (line) => lines.push(line));
  const settings = JSON.parse(readFileSync(path.join(data, 'classroom.json'), 'utf8')) as { instructorToken: string; roomToken: string };
  let stopped = false;
  const fixture: TestClassroom = {
    running,
    data,
    lines,
    base: `http://127.0.0.1:${running.server.port}`,
    code(id) {
      const learners = (JSON.parse(readFileSync(path.join(data, 'learners.json'), 'utf8')) as { learners: { id: string; code: string }[] }).learners;
      const found = learners.find((l) => l.id === id);
      if (!found) throw new Error(`no learner ${id}`);
      return found.code;
    },
    instructorToken: settings.instructorToken,
    roomToken: settings.roomToken,
    async stop() {
      if (stopped) return;
      stopped = true;
      await running.close();
    },
    async restart() {
      await fixture.stop();
      const { roster: _r, learners: _l, ...rest } = options;
      // A restart finds the roster in the data folder.
      return startTestClassroom({ ...rest, port: running.server.port }, data);
    },
    async dispose() {
      await fixture.stop();
      rmSync(data, { recursive: true, force: true });
    },
  };
  return fixture;
}
