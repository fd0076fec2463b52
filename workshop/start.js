// `npm run workshop`: checks what must hold before any TypeScript can load (a Node new enough,
// `npm ci` run), so `doctor` can say what to fix on a machine that is not ready yet; then runs
// workshop/cli.ts. Plain JavaScript on purpose: it must run where nothing is installed.
'use strict';
const path = require('node:path');

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`✘ Node.js ${process.versions.node} is too old: pop3-playground needs 20.19 or newer.\n  fix: install Node.js 20.19+ (nodejs.org, or ask the instructor for the installer).\n`);
  process.exit(1);
}
try {
  require.resolve('ts-node');
  require.resolve('typescript');
} catch {
  process.stderr.write(
    '✘ The dependencies are not installed (npm ci has not run in this folder).\n' +
      `  fix: cd ${path.join(__dirname, '..')} && npm ci --omit=dev\n` +
      "       (no internet? the classroom's /install page has an offline bundle)\n",
  );
  process.exit(1);
}
// The classroom's file work (Maildir resets and locks for every learner) runs on libuv's
// thread pool; four threads make one learner's mailbox reset hold up another's login.
if (process.argv[2] === 'serve') process.env.UV_THREADPOOL_SIZE ??= '16';
require('../src/register.js');
require('./cli.ts')
  .main()
  .then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`${(error && error.stack) || error}\n`);
      process.exit(1);
    },
  );
