import type { ImportEdge, ImportRule } from './import-graph';

/**
 * Which folder may import which: the architecture of docs/architecture.md, as rules over
 * root-relative paths. Each rule carries its reason; the test prints it beside a broken rule.
 */

/** The folders whose source files the rules govern. */
export const GOVERNED_DIRS = ['src', 'sandbox-server', 'lessons', 'workshop'] as const;

/** npm packages known to do no I/O and to run in a browser: all the protocol core and lessons may use. */
export const PURE_PACKAGES: ReadonlySet<string> = new Set(['@noble/hashes']);

/** The package name a learner's exercise program imports the client by (docs/lesson-format.md, File exercises). */
const EXERCISE_CLIENT_PACKAGE = 'pop3-playground';

const under =
  (...dirs: string[]) =>
  (file: string): boolean =>
    dirs.some((dir) => file.startsWith(`${dir}/`));

/** The root-relative file an import names, when it is project code. */
const projectFile = (edge: ImportEdge): string | undefined => (edge.target.kind === 'project' ? edge.target.file : undefined);

/** True when the import names project code under one of `dirs`. */
const importsFrom = (edge: ImportEdge, ...dirs: string[]): boolean => {
  const file = projectFile(edge);
  return file !== undefined && under(...dirs)(file);
};

const isNodeModule = (edge: ImportEdge): boolean => edge.target.kind === 'node';
const isImpurePackage = (edge: ImportEdge): boolean => edge.target.kind === 'package' && !PURE_PACKAGES.has(edge.target.name);

/** Files that exist only to run on Node: a port's Node adapter, the tutor's Node side. */
const isNodeOnly = (file: string): boolean => /^src\/ports\/(?:.*\/)?node-[^/]*\.ts$/.test(file) || under('src/tutor/node')(file);

/**
 * A lesson's file exercises (docs/lesson-format.md, File exercises): each exercise's folder,
 * which only verify loads, on Node; lesson.ts never imports them. The learner's programs there
 * (template.ts, solution.ts) import the client as `pop3-playground`.
 */
const isExerciseProgram = (file: string): boolean => /^lessons\/[^/]+\/exercises\//.test(file);
const isLearnerProgram = (file: string): boolean => /^lessons\/[^/]+\/exercises\/[^/]+\/(?:template|solution)\.ts$/.test(file);

/** `lessons/NN-name` for a file in a lesson's folder, `lessons/common` for the shared helpers. */
const lessonFolder = (file: string): string => file.split('/').slice(0, 2).join('/');

/** What a lesson file may import at run time: lessons/common/, its own folder (but no exercise program), pure packages. */
function lessonMayImport(edge: ImportEdge): boolean {
  const target = edge.target;
  switch (target.kind) {
    case 'node':
      return isExerciseProgram(edge.file);
    case 'package':
      return PURE_PACKAGES.has(target.name) || (isLearnerProgram(edge.file) && target.name === EXERCISE_CLIENT_PACKAGE);
    case 'project':
      if (under('lessons/common')(target.file)) return true;
      return lessonFolder(target.file) === lessonFolder(edge.file) && (isExerciseProgram(edge.file) || !isExerciseProgram(target.file));
    case 'unresolved':
      return true; // reported on its own
  }
}

export const IMPORT_RULES: readonly ImportRule[] = [
  {
    id: 'client-and-server-apart',
    name: 'src/client and src/protocol import nothing from sandbox-server',
    reason: 'client and server share no code beyond the protocol, so a bug they shared could not hide from the tests',
    governs: under('src/client', 'src/protocol'),
    forbids: (edge) => importsFrom(edge, 'sandbox-server'),
  },
  {
    id: 'server-stands-alone',
    name: 'sandbox-server imports nothing from src/client, src/repl or src/tutor',
    reason: 'the server stands alone: the front ends start it, never the reverse, and its tests speak raw POP3, not our client',
    governs: under('sandbox-server'),
    forbids: (edge) => importsFrom(edge, 'src/client', 'src/repl', 'src/tutor'),
  },
  {
    id: 'protocol-is-pure',
    name: 'src/protocol imports at run time only src/protocol and pure npm packages, no node: module',
    reason: 'the wire format is bytes in, values out, so it runs unchanged on Node, in a browser and in a unit test',
    governs: under('src/protocol'),
    forbids: (edge) => !edge.typeOnly && (isNodeModule(edge) || isImpurePackage(edge) || (projectFile(edge) !== undefined && !importsFrom(edge, 'src/protocol'))),
  },
  {
    id: 'tutor-core-is-portable',
    name: 'the tutor core (src/tutor but src/tutor/node) imports no node: module, no src/repl or sandbox-server, and src/client or Node-only files as types only',
    reason: 'one engine serves the terminal, the classroom server and the web page, so it judges facts without knowing which fed them',
    governs: (file) => under('src/tutor')(file) && !under('src/tutor/node')(file),
    forbids: (edge) =>
      isNodeModule(edge) ||
      importsFrom(edge, 'src/repl', 'sandbox-server') ||
      (!edge.typeOnly && (importsFrom(edge, 'src/client') || isNodeOnly(projectFile(edge) ?? ''))),
  },
  {
    id: 'lessons-are-data',
    name: 'lessons take values only from lessons/common, their own folder and pure packages (project code as types only; node: modules in exercise programs only)',
    reason: 'loading a lesson runs no project code and nothing Node-only, so the docs site and the web page load the same lesson folders',
    governs: under('lessons'),
    forbids: (edge) => !edge.typeOnly && !lessonMayImport(edge),
  },
  {
    id: 'ports-split-by-platform',
    name: 'in src/ports only node-*.ts files import node: modules (or, at run time, a node-*.ts)',
    reason: 'a port has one adapter per platform, and the others must bundle for a browser',
    governs: (file) => under('src/ports')(file) && !isNodeOnly(file),
    forbids: (edge) => isNodeModule(edge) || (!edge.typeOnly && isNodeOnly(projectFile(edge) ?? '')),
  },
  {
    id: 'only-the-cli-starts-the-sandbox',
    name: 'in src only src/cli.ts imports sandbox-server',
    reason: 'the embedded sandbox is the terminal front end\'s choice; everything else works against any POP3 server',
    governs: (file) => under('src')(file) && file !== 'src/cli.ts',
    forbids: (edge) => importsFrom(edge, 'sandbox-server'),
  },
  {
    id: 'nothing-imports-the-classroom',
    name: 'nothing outside workshop/ imports workshop/',
    reason: 'the classroom server is a program of its own (npm run workshop); the REPL reaches it over the network only, through src/join',
    governs: (file) => !under('workshop')(file),
    forbids: (edge) => importsFrom(edge, 'workshop'),
  },
  {
    id: 'classroom-serves-no-front-end',
    name: 'workshop/ imports nothing from src/repl, src/client or src/join',
    reason: 'the classroom judges nothing and speaks POP3 to no one: it hosts sandboxes and keeps what the learners\' REPLs report, so it needs the sandbox, the tutor and the protocol only',
    governs: under('workshop'),
    forbids: (edge) => importsFrom(edge, 'src/repl', 'src/client', 'src/join'),
  },
];
