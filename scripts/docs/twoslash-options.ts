/**
 * The compiler options twoslash checks lesson blocks with: the project's strictness
 * (tsconfig.json), top-level await (the REPL allows it), and `pop3-playground` resolving to
 * the client, which the hidden declarations of the injected scope import their types from.
 */
import * as path from 'node:path';
import type { CompilerOptions } from 'typescript';
import { CLIENT_TYPES_MODULE } from './twoslash-source';

/** Options for twoslash's `createTwoslasher` (and @shikijs/vitepress-twoslash's `twoslashOptions`). */
export function twoslashCompilerOptions(repoRoot: string): CompilerOptions {
  return {
    target: 99 /* ESNext */,
    module: 99 /* ESNext */,
    moduleResolution: 100 /* Bundler */,
    strict: true,
    noUncheckedIndexedAccess: true,
    esModuleInterop: true,
    skipLibCheck: true,
    types: ['node'],
    baseUrl: repoRoot,
    paths: { [CLIENT_TYPES_MODULE]: [path.join('src', 'client', 'index.ts')] },
  };
}
