// Lets Node 20 run the TypeScript sources directly (it has no type stripping).
// Transpile-only: the type checker runs in `npm run typecheck` and in the REPL's evaluator.
// swc compiles a file in well under a millisecond and loads in ~50 ms; ts-node would first
// load the whole TypeScript compiler (~0.7 s), so it is only the fallback when swc is missing.
const path = require('node:path');

let swc;
try {
  swc = require('@swc/core');
} catch {
  swc = undefined; // @swc/core is optional.
}

if (swc) {
  const fs = require('node:fs');
  const options = {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  };
  require.extensions['.ts'] = (module, filename) => {
    const source = fs.readFileSync(filename, 'utf8');
    const { code } = swc.transformSync(source, { ...options, filename });
    module._compile(code, filename);
  };
} else {
  require('ts-node').register({
    project: path.join(__dirname, '..', 'tsconfig.json'),
    transpileOnly: true,
  });
}
