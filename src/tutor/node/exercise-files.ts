import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { EXERCISE_FILES, PLAYGROUND_MODULE, WORKSPACE_DIR } from '../exercise';
import type { ExercisePaths, ExerciseUnit } from '../exercise';

/** The paths of an exercise for this state directory: its folder's files and the learner's file in the workspace. */
export function exercisePaths(unit: Pick<ExerciseUnit, 'dir' | 'definition'>, stateDir: string): ExercisePaths {
  const workspace = path.join(stateDir, WORKSPACE_DIR);
  return {
    workspace,
    file: path.join(workspace, unit.definition.file),
    template: path.join(unit.dir, EXERCISE_FILES.template),
    solution: path.join(unit.dir, EXERCISE_FILES.solution),
    definition: path.join(unit.dir, EXERCISE_FILES.definition),
  };
}

/** Where the official solution is written beside the learner's file once it may be seen. */
export const solutionCopyPath = (paths: Pick<ExercisePaths, 'file'>): string => paths.file.replace(/\.ts$/, '.solution.ts');

/**
 * Makes the workspace ready: copies the template in when the learner's file is missing (an
 * existing file is never touched), and writes a tsconfig.json so an editor opened on the
 * workspace resolves `pop3-playground` to this project's client, with its types, for every
 * exercise file there.
 * @returns true when the file was created from the template now.
 */
export function prepareExerciseFile(paths: ExercisePaths, projectRoot: string): boolean {
  mkdirSync(paths.workspace, { recursive: true });
  writeWorkspaceTsconfig(paths.workspace, projectRoot);
  if (existsSync(paths.file)) return false;
  copyFileSync(paths.template, paths.file);
  return true;
}

/**
 * Starts an exercise over: the learner's file is copied to `<file>.bak` (kept, overwriting an
 * older backup), then the template is copied over it.
 * @returns the backup's path, or undefined when there was no file to keep.
 */
export function resetExerciseFile(paths: ExercisePaths, projectRoot: string): string | undefined {
  const backup = `${paths.file}.bak`;
  const kept = existsSync(paths.file);
  if (kept) copyFileSync(paths.file, backup);
  mkdirSync(paths.workspace, { recursive: true });
  writeWorkspaceTsconfig(paths.workspace, projectRoot);
  copyFileSync(paths.template, paths.file);
  return kept ? backup : undefined;
}

function writeWorkspaceTsconfig(workspace: string, projectRoot: string): void {
  const file = path.join(workspace, 'tsconfig.json');
  const config = {
    compilerOptions: {
      target: 'es2022',
      lib: ['es2023'],
      module: 'commonjs',
      moduleResolution: 'node10',
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      noEmit: true,
      types: ['node'],
      typeRoots: [path.join(projectRoot, 'node_modules', '@types')],
      baseUrl: '.',
      paths: { [PLAYGROUND_MODULE]: [path.join(projectRoot, 'src', 'index.ts')] },
    },
    // Every exercise file sits directly in the workspace, so this covers them all.
    include: ['*.ts'],
  };
  // The learner's own changes to it are kept: written only when missing.
  if (!existsSync(file)) writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
}
