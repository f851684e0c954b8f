// `npm test`: builds what is not built (the browser test drives the built app), checks module boundaries,
// then runs every jest project against a real PostgreSQL: TEST_DATABASE_URL or DATABASE_URL when set,
// otherwise an embedded PostgreSQL kept in .data/test. Extra arguments go to jest (`npm test -- logs`).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const jestArgs = process.argv.slice(2);

// Asynchronous on purpose: the embedded PostgreSQL started below is this process's child, and its log goes through
// a pipe that only this event loop reads. Blocked in spawnSync, nothing read it; once PostgreSQL had logged a pipe's
// worth (the connections-ended fault test makes it log a FATAL line per ended connection), every backend hung
// writing its log, and the tests with them.
function run(cmd, args, env = process.env) {
  console.log(`\n> ${cmd} ${args.join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env });
    child.on('error', () => resolve(1));
    child.on('close', (code) => resolve(code ?? 1));
  });
}

const nx = path.join(root, 'node_modules/.bin/nx');
const skipBuild = process.env.SKIP_BUILD === '1';
if (!skipBuild && (await run(nx, ['run-many', '-t', 'build', '--outputStyle=static'])) !== 0) process.exit(1);
if (process.env.SKIP_LINT !== '1' && (await run(nx, ['run-many', '-t', 'lint', 'typecheck', '--outputStyle=static'])) !== 0) process.exit(1);

let databaseUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
let embedded;
if (!databaseUrl) {
  const { startEmbeddedPostgres } = require(path.join(root, 'dist/apps/api/apps/api/src/database/embedded-postgres.js'));
  console.log('\nno TEST_DATABASE_URL or DATABASE_URL: starting an embedded PostgreSQL in .data/test');
  embedded = await startEmbeddedPostgres(path.join(root, '.data/test'));
  databaseUrl = embedded.url;
}

let status;
try {
  status = await run(path.join(root, 'node_modules/.bin/jest'), ['-c', 'jest.config.cjs', '--ci', '--maxWorkers=2', ...jestArgs], {
    ...process.env,
    TEST_DATABASE_URL: databaseUrl,
  });
} finally {
  await embedded?.stop();
}
process.exit(status);
