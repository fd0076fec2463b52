import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PLAYGROUND_MODULE, WORKSPACE_DIR } from '../exercise';
import type { ExerciseDefinition, ExercisePaths } from '../exercise';

/** The paths of a lesson's exercise for this state directory. */
export function exercisePaths(lessonDir: string, exercise: Pick<ExerciseDefinition, 'file' | 'template' | 'solution'>, stateDir: string): ExercisePaths {
  const workspace = path.join(stateDir, WORKSPACE_DIR);
  return {
    workspace,
    file: path.join(workspace, exercise.file),
    template: path.join(lessonDir, exercise.template),
    solution: path.join(lessonDir, exercise.solution),
    lessonDir,
  };
}

/**
 * Makes the workspace ready: copies the template in when the learner's file is missing (an
 * existing file is never touched), and writes a tsconfig.json so an editor opened on the
 * workspace resolves `pop3-playground` to this project's client, with its types.
 * @returns true when the file was created from the template now.
 */
export function prepareExerciseFile(paths: ExercisePaths, projectRoot: string): boolean {
  mkdirSync(paths.workspace, { recursive: true });
  writeWorkspaceTsconfig(paths.workspace, projectRoot);
  if (existsSync(paths.file)) return false;
  copyFileSync(paths.template, paths.file);
  return true;
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
    include: ['*.ts'],
  };
  // The learner's own changes to it are kept: written only when missing.
  if (!existsSync(file)) writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
}
