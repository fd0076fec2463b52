/** The guided REPL: TypeScript evaluation, dot-commands, rendering, and the lesson runner. */
export * from './playground-repl';
export * from './evaluator';
export * from './client-tracker';
export * from './commands';
export * from './error-hints';
export * from './sanitize';
export * from './style';
export * from './session-settle';
export * from './raw-session';
