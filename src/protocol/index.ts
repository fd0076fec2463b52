/** The shared protocol core: pure wire-format code used by the client, the server and the REPL. */
export * from './limits';
export * from './states';
export * from './errors';
export * from './line-reader';
export * from './multiline';
export * from './commands';
export * from './command';
export * from './reply';
export * from './transcript';
export * from './faults';
export * from './transport';
export * from './crypto';
