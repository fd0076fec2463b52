/**
 * The REPL's side of workshop mode (docs/workshop.md): `npm start -- --join URL --code CODE`
 * joins a classroom, and the REPL then works on the learner's own mailboxes there.
 */
import * as path from 'node:path';
import type { ReplExtension } from '../repl/extension';
import type { PlaygroundTarget } from '../repl/target';
import type { ProgressStore } from '../tutor/progress-store';
import { FileProgressStore, PROGRESS_FILE } from '../tutor/node/progress-file';
import { classroomExtension } from './classroom-extension';
import { joinClassroom } from './join-classroom';
import type { JoinOptions } from './join-classroom';

export { ClassroomError } from './classroom-link';
export type { JoinedClassroom, JoinOptions } from './join-classroom';
export { joinClassroom } from './join-classroom';

/** What the REPL is started with in a classroom. */
export interface ReplInClassroom {
  target: PlaygroundTarget;
  /** The progress file in the state dir, with each save reported to the classroom. */
  progressStore: ProgressStore;
  extension: ReplExtension;
}

/**
 * Joins the classroom and returns what `startPlaygroundRepl` takes in a classroom.
 * @throws ClassroomError with a message for the learner (bad URL, out of reach, wrong or used code).
 */
export async function joinForRepl(options: JoinOptions): Promise<ReplInClassroom> {
  const joined = await joinClassroom(options);
  return {
    target: joined.target,
    progressStore: joined.reporter.wrap(new FileProgressStore(path.join(options.stateDir, PROGRESS_FILE))),
    extension: classroomExtension(joined),
  };
}
