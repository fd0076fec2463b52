// Lets Node 20 run the TypeScript sources directly (it has no type stripping).
// Transpile-only: the type checker runs in `npm run typecheck` and in the REPL's evaluator.
// swc compiles a file in well under a millisecond and loads in ~50 ms; ts-node would first
// load the whole TypeScript compiler (~0.7 s), so it is only the fallback when swc is missing.
// swc's output is kept in node_modules/.cache, keyed by the source, its path, swc's version
// and the options: a start whose sources are unchanged loads no compiler at all (~90 ms less).
const path = require('node:path');

const ROOT = path.join(__dirname, '..');

// Node 22 and later keep V8's compiled code of each module loaded from here on (TypeScript's
// compiler loads ~100 ms quicker); Node 20 has no such cache. Best effort: a read-only
// folder only means compiling every time.
require('node:module').enableCompileCache?.(path.join(ROOT, 'node_modules', '.cache', 'pop3-playground-v8'));

let swcVersion;
try {
  // Resolving the manifest tells whether swc is installed without loading its native binding.
  swcVersion = require('@swc/core/package.json').version;
} catch {
  swcVersion = undefined; // @swc/core is optional.
}

/**
 * Transpile-only in pure JavaScript: sucrase loads in ~60 ms where TypeScript's compiler takes
 * ~400 ms, which a worker started at launch would add to the first start (empty cache).
 * It keeps line numbers, so stack traces point at the source line without a source map.
 */
function transpileWithSucrase(source, filename) {
  return require('sucrase').transform(source, { transforms: ['typescript', 'imports'], filePath: filename }).code;
}

function registerTsNode() {
  require('ts-node').register({
    project: path.join(ROOT, 'tsconfig.json'),
    transpileOnly: true,
  });
}

if (swcVersion) {
  const fs = require('node:fs');
  const { createHash } = require('node:crypto');
  // Source maps only when something reads them (a debugger, or stack traces mapped by
  // --enable-source-maps): they triple what a start compiles, writes and reads.
  const mapsRead = process.sourceMapsEnabled === true || [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => /--(inspect|enable-source-maps)/.test(a));
  const options = {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: mapsRead ? 'inline' : false,
  };
  const cacheDir = path.join(ROOT, 'node_modules', '.cache', 'pop3-playground-swc');
  // swc's native binding takes the whole process down (a segmentation fault) once a worker
  // thread that loaded it ends, so worker threads compile with sucrase instead.
  const inWorker = !require('node:worker_threads').isMainThread;
  const saltOf = (compiler) => `${compiler}\0${JSON.stringify(options)}\0`;
  const swcSalt = saltOf(`swc ${swcVersion}`);
  /** What this thread's compiler writes under. */
  const ownSalt = inWorker ? saltOf(`sucrase ${require('sucrase/package.json').version}`) : swcSalt;
  // A worker reads what the main thread compiled first (it usually has: a start's certificate
  // worker runs a file the main thread loaded), so it often needs no compiler at all.
  const readSalts = inWorker ? [swcSalt, ownSalt] : [ownSalt];
  let swc;
  let cacheWritable = true;
  const transform = inWorker
    ? (source, filename) => transpileWithSucrase(source, filename)
    : (source, filename) => {
        swc ??= require('@swc/core');
        return swc.transformSync(source, { ...options, filename }).code;
      };

  /** The compiled file from the cache, or compiled now and stored (best effort: never fails a load). */
  const compile = (source, filename) => {
    const cacheFile = (salt) => path.join(cacheDir, `${createHash('sha256').update(salt).update(filename).update('\0').update(source).digest('hex')}.js`);
    for (const salt of readSalts) {
      try {
        return fs.readFileSync(cacheFile(salt), 'utf8');
      } catch {
        // Not cached yet (or unreadable): compile below.
      }
    }
    const cached = cacheFile(ownSalt);
    const code = transform(source, filename);
    if (cacheWritable) {
      try {
        fs.mkdirSync(cacheDir, { recursive: true });
        // Written aside, then renamed: a concurrent start never reads half a file.
        const temp = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
        fs.writeFileSync(temp, code);
        fs.renameSync(temp, cached);
      } catch {
        cacheWritable = false; // A read-only install still runs, just without the cache.
      }
    }
    return code;
  };

  const swcHook = (module, filename) => {
    const source = fs.readFileSync(filename, 'utf8');
    let code;
    try {
      code = compile(source, filename);
    } catch (error) {
      // swc failed to load (its native binding is missing): ts-node takes over. A syntax
      // error in the source is thrown as it is.
      if (swc !== undefined) throw error;
      delete require.extensions['.ts'];
      registerTsNode();
      return require.extensions['.ts'](module, filename);
    }
    module._compile(code, filename);
  };
  require.extensions['.ts'] = swcHook;
} else {
  registerTsNode();
}
