/**
 * `pop3-playground`, the name exercise files import the client by, for this repository's own
 * type check of every exercise's template.ts and solution.ts (and the alternatives under
 * test/exercises/). In the learner's workspace the name resolves through the tsconfig.json
 * written there (to src/index.ts, every export), and at run time the exercise's worker hands
 * the file its client (src/repl/exercise-module.ts).
 */
declare module 'pop3-playground' {
  type Playground = typeof import('../src/index');
  export const connect: Playground['connect'];
  export const fetchNew: Playground['fetchNew'];
  export const Pop3Client: Playground['Pop3Client'];
  export type Pop3Client = import('../src/index').Pop3Client;
  export const Pop3Message: Playground['Pop3Message'];
  export type Pop3Message = import('../src/index').Pop3Message;
  export const Pop3Error: Playground['Pop3Error'];
  export type Pop3Error = import('../src/index').Pop3Error;
  export const Pop3ReplyError: Playground['Pop3ReplyError'];
  export type Pop3ReplyError = import('../src/index').Pop3ReplyError;
  export const ConnectionClosedError: Playground['ConnectionClosedError'];
  export type ConnectionClosedError = import('../src/index').ConnectionClosedError;
  export const Pop3TimeoutError: Playground['Pop3TimeoutError'];
  export type Pop3TimeoutError = import('../src/index').Pop3TimeoutError;
  export type ConnectOptions = import('../src/index').ConnectOptions;
  export type Pop3Reply = import('../src/index').Pop3Reply;
  export type ScanListing = import('../src/index').ScanListing;
  export type UniqueIdListing = import('../src/index').UniqueIdListing;
  export type SyncProgress = import('../src/index').SyncProgress;
  export type FetchNewOptions = import('../src/index').FetchNewOptions;
  export type FetchNewResult = import('../src/index').FetchNewResult;
}
