/** The guided REPL: TypeScript evaluation, dot-commands, rendering, raw mode, and the target it speaks to. */
export * from './playground-repl';
export * from './target';
export * from './evaluator';
export * from './client-tracker';
export * from './commands';
export * from './error-hints';
export * from './history';
export * from './sanitize';
export * from './style';
export * from './session-settle';
export * from './raw-session';
