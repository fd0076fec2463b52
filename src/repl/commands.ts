/**
 * The dot-command table: one place from which `.help`, completion and node:repl's
 * `defineCommand` registrations are built.
 */

/** What a dot-command can ask of the REPL. */
export interface CommandHost {
  showMenu(): void;
  /** The current lesson in full, with all its goals (the menu when there is none). */
  showLesson(): void;
  goToLesson(query: string): Promise<void>;
  goRelative(step: 1 | -1): Promise<void>;
  showHint(): void;
  runCheck(): void | Promise<void>;
  showSolution(): void;
  editFile(): void | Promise<void>;
  exercise(arg: string): Promise<void>;
  reset(arg: string): Promise<void>;
  setTrace(arg: string): void;
  toggleRaw(): Promise<void>;
  showProgress(arg: string): void;
  showHelp(): void;
  showType(expression: string): void | Promise<void>;
  clearScope(): void | Promise<void>;
  /** Lesson ids and numbers, for completing `.lesson `. */
  lessonNames(): string[];
}

/** One dot-command. */
export interface DotCommand {
  name: string;
  /** Argument synopsis for `.help`, e.g. `<number or name>`. */
  args?: string;
  help: string;
  /** Candidates for the argument, for Tab. */
  complete?(host: CommandHost): string[];
  run(host: CommandHost, arg: string): void | Promise<void>;
}

/** Every dot-command, in the order `.help` lists them. */
export const DOT_COMMANDS: readonly DotCommand[] = [
  { name: 'lessons', help: 'The lesson menu: done, current and pending', run: (h) => h.showMenu() },
  {
    name: 'lesson',
    args: '<number or name>',
    help: 'Go to a lesson (its mailbox starts fresh); alone, show this one in full',
    complete: (h) => h.lessonNames(),
    run: (h, arg) => (arg.trim() === '' ? h.showLesson() : h.goToLesson(arg)),
  },
  { name: 'next', help: 'Go to the next lesson', run: (h) => h.goRelative(1) },
  { name: 'prev', help: 'Go back to the previous lesson', run: (h) => h.goRelative(-1) },
  { name: 'hint', help: 'One more hint for the first goal not met yet', run: (h) => h.showHint() },
  { name: 'check', help: 'Check every goal of the lesson now', run: (h) => h.runCheck() },
  { name: 'solution', help: 'The model answer: whole after a pass, a goal\'s lines once its hints are seen', run: (h) => h.showSolution() },
  { name: 'edit', help: 'Open your file exercise in $VISUAL or $EDITOR', run: (h) => h.editFile() },
  {
    name: 'exercise',
    args: 'list|watch|verify|hint|reset [n]',
    help: 'File exercises in your own editor: list them, watch one (checked on every save), verify, hint, reset',
    complete: () => ['list', 'watch', 'verify', 'hint', 'reset'],
    run: (h, arg) => h.exercise(arg),
  },
  {
    name: 'reset',
    args: '[all]',
    help: "Reset the lesson (mailbox, sessions, scope); '.reset all' forgets all progress",
    complete: () => ['all'],
    run: (h, arg) => h.reset(arg),
  },
  { name: 'trace', args: 'on|off', help: 'Show the C:/S: dialogue of every client call (passwords hidden)', complete: () => ['on', 'off'], run: (h, arg) => h.setTrace(arg) },
  { name: 'raw', help: 'Type POP3 commands directly, as over telnet; .raw again to leave', run: (h) => h.toggleRaw() },
  { name: 'progress', args: '[export FILE]', help: 'Where your progress is saved and how far you are; export writes it to FILE (npm start -- --import FILE)', complete: () => ['export'], run: (h, arg) => h.showProgress(arg) },
  { name: 'type', args: '<expression>', help: 'Show the TypeScript type of an expression', run: (h, arg) => h.showType(arg) },
  { name: 'clear', help: 'Forget the variables declared in this lesson (a fresh scope)', run: (h) => h.clearScope() },
  { name: 'help', help: 'This list', run: (h) => h.showHelp() },
];

/** Completes a line that starts with a dot: command names, then the command's arguments. */
export function completeDotCommand(line: string, host: CommandHost, extra: readonly string[] = ['exit']): [string[], string] {
  const match = /^\.(\S*)(\s+(.*))?$/.exec(line);
  if (!match) return [[], line];
  const [, name = '', spaced, arg = ''] = match;
  if (spaced === undefined) {
    const names = [...DOT_COMMANDS.map((c) => c.name), ...extra].filter((n) => n.startsWith(name)).map((n) => `.${n}`);
    return [names, line];
  }
  const command = DOT_COMMANDS.find((c) => c.name === name);
  const candidates = command?.complete?.(host) ?? [];
  return [candidates.filter((c) => c.startsWith(arg)), arg];
}
