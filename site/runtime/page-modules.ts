/**
 * The modules lesson code may `import` or `require` in the page: Node's `crypto` (md5, sha256,
 * HMAC-MD5), `buffer` and `util` (inspect), the playground's client as `pop3-playground`, and
 * `mailparser` (loaded on first import: it is large). Anything else is not found, as in Node.
 */
import { Buffer } from 'buffer';
import * as util from 'node-inspect-extracted';
import * as client from '../../src/client/browser';
import * as crypto from './node-crypto-shim';

type Loader = () => Promise<unknown>;

/** Modules that load on first use, by name. */
const LAZY: Readonly<Record<string, Loader>> = {
  mailparser: () => import('mailparser'),
};

const EAGER: Readonly<Record<string, unknown>> = {
  crypto,
  buffer: { Buffer },
  util,
  'pop3-playground': client,
};

/** Node's name for a built-in without the `node:` scheme. */
const bare = (specifier: string): string => specifier.replace(/^node:/, '');

function notFound(specifier: string): Error {
  return Object.assign(new Error(`Cannot find module '${specifier}' in the page (it has crypto, buffer, util, pop3-playground and mailparser; the terminal playground has all of Node)`), {
    code: 'MODULE_NOT_FOUND',
  });
}

/** The page's modules, loaded ones kept. */
export class PageModules {
  readonly #loaded = new Map<string, unknown>(Object.entries(EAGER));

  /** `import`: loads a module the first time. @throws MODULE_NOT_FOUND for a module the page does not have. */
  async load(specifier: string): Promise<unknown> {
    const name = bare(specifier);
    if (this.#loaded.has(name)) return this.#loaded.get(name);
    const loader = LAZY[name];
    if (!loader) throw notFound(specifier);
    const module = await loader();
    this.#loaded.set(name, module);
    return module;
  }

  /** `require`: only what is loaded already (a lazy module after its first `import`). */
  get(specifier: string): unknown {
    const name = bare(specifier);
    if (this.#loaded.has(name)) return this.#loaded.get(name);
    if (LAZY[name]) throw Object.assign(new Error(`'${specifier}' loads with import in the page: import { ... } from '${specifier}'`), { code: 'ERR_REQUIRE_ASYNC_MODULE' });
    throw notFound(specifier);
  }
}

/** The page's modules, one set per eval worker. */
export const pageModules = new PageModules();

/** A `require` over the page's modules, for the REPL scope. */
export function requireFrom(modules: PageModules): (specifier: string) => unknown {
  return (specifier) => modules.get(specifier);
}
