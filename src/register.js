// Lets Node 20 run the TypeScript sources directly (it has no type stripping).
// Transpile-only for speed; the type checker runs in `npm run typecheck` and in the REPL.
const path = require('node:path');

let swc = false;
try {
  require('@swc/core');
  swc = true;
} catch {
  // @swc/core is optional; TypeScript's own transpiler is slower to start but always there.
}

require('ts-node').register({
  project: path.join(__dirname, '..', 'tsconfig.json'),
  transpileOnly: true,
  swc,
});
