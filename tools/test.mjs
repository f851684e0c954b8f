// `npm test`: builds what is not built (the browser test drives the built app), checks module boundaries,
// then runs every jest project against a real PostgreSQL: TEST_DATABASE_URL or DATABASE_URL when set,
// otherwise an embedded PostgreSQL kept in .data/test. Extra arguments go to jest (`npm test -- logs`).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const jestArgs = process.argv.slice(2);

function run(cmd, args, env = process.env) {
  console.log(`\n> ${cmd} ${args.join(' ')}`);
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  return result.status ?? 1;
}

const nx = path.join(root, 'node_modules/.bin/nx');
const skipBuild = process.env.SKIP_BUILD === '1';
if (!skipBuild && run(nx, ['run-many', '-t', 'build', '--outputStyle=static']) !== 0) process.exit(1);
if (process.env.SKIP_LINT !== '1' && run(nx, ['run-many', '-t', 'lint', 'typecheck', '--outputStyle=static']) !== 0) process.exit(1);

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
  status = run(path.join(root, 'node_modules/.bin/jest'), ['-c', 'jest.config.cjs', '--ci', '--maxWorkers=2', ...jestArgs], {
    ...process.env,
    TEST_DATABASE_URL: databaseUrl,
  });
} finally {
  await embedded?.stop();
}
process.exit(status);
