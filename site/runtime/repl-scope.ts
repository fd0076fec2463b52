/**
 * One scope per page, as one REPL per lesson in the terminal: the names the playground injects
 * (`connect`, `sandbox`, the lesson's own), the names the reader declares, and evaluation of
 * compiled statements in it, one at a time.
 */
import { compileStatement } from './repl-transform';
import type { DeclarationKind } from './repl-transform';

/** Resolves an `import` or `require` of a module the page provides (`node:crypto`, `mailparser`, ...). */
export type ModuleLookup = (specifier: string) => Promise<unknown>;

type AsyncBody = (scope: object, importModule: ModuleLookup) => Promise<unknown>;
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => AsyncBody;

/** The page's REPL scope. */
export class ReplScope {
  readonly #values = new Map<string, unknown>();
  readonly #constants = new Set<string>();
  /** Names declared with let, const, class or import, which cannot be declared again. */
  readonly #lexical = new Set<string>();
  readonly #proxy: object;
  readonly #importModule: ModuleLookup;

  constructor(injected: Readonly<Record<string, unknown>>, importModule: ModuleLookup) {
    this.#importModule = importModule;
    for (const [name, value] of Object.entries(injected)) {
      this.#values.set(name, value);
      this.#constants.add(name);
    }
    const values = this.#values;
    const constants = this.#constants;
    // `with` consults this object first: names it holds resolve here, all others (Math,
    // console's own globals) fall through to the worker's global scope.
    this.#proxy = new Proxy(Object.create(null) as object, {
      has: (_, key) => typeof key === 'string' && values.has(key),
      get: (_, key) => (typeof key === 'string' ? values.get(key) : undefined),
      set: (_, key, value) => {
        if (typeof key !== 'string') return false;
        if (constants.has(key)) throw new TypeError('Assignment to constant variable.');
        values.set(key, value);
        return true;
      },
    });
  }

  /** The value of a name in scope (undefined when not declared): what `facts.variable` reads. */
  lookup(name: string): unknown {
    return this.#values.get(name);
  }

  /** Names the reader declared or the page injected. */
  names(): string[] {
    return [...this.#values.keys()];
  }

  /** True when the name can be declared (again) with this kind. */
  #declarable(name: string, kind: DeclarationKind): boolean {
    return !this.#lexical.has(name) && !this.#constants.has(name) && (kind === 'var' || !this.#values.has(name));
  }

  /**
   * Runs one REPL input: TypeScript compiled, declarations made, statements run in scope.
   * Resolves with the value of a final expression (what the REPL prints).
   * @throws ReplSyntaxError for input that does not parse; anything the code throws.
   */
  async evaluate(source: string): Promise<unknown> {
    const compiled = compileStatement(source);
    // Checked before any is made, so a statement that cannot run leaves the scope as it was.
    for (const { name, kind } of compiled.declared) {
      if (!this.#declarable(name, kind)) throw new SyntaxError(`Identifier '${name}' has already been declared`);
    }
    const made = compiled.declared.filter(({ name }) => !this.#values.has(name));
    for (const { name, kind } of compiled.declared) {
      if (kind !== 'var') this.#lexical.add(name);
      if (!this.#values.has(name)) this.#values.set(name, undefined);
    }
    // Sloppy-mode function body, so `with` can put the scope in front of the globals.
    const run = new AsyncFunction('__scope', '__import', `with (__scope) {\n${compiled.body}\n}`);
    try {
      return await run(this.#proxy, this.#importModule);
    } catch (error) {
      // Unlike node:repl, a declaration whose statement threw can be typed again (nodejs/node#8309).
      for (const { name } of made) {
        this.#values.delete(name);
        this.#lexical.delete(name);
      }
      throw error;
    } finally {
      for (const { name, kind } of compiled.declared) if (kind === 'const' && this.#values.has(name)) this.#constants.add(name);
    }
  }
}
