// `npm start`: builds what is not built yet (Nx skips what its cache says is current), then runs the server.
// Ctrl-C reaches the server, which stops its runs, the HTTP server and the embedded PostgreSQL it started.
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const build = spawnSync(path.join(root, 'node_modules/.bin/nx'), ['run-many', '-t', 'build', '--outputStyle=static'], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(build.status ?? 1);

// The server gets a process group of its own: Ctrl-C in the terminal reaches only this process, which passes it on,
// so that the server (not the terminal) decides the order of shutdown: its runs first, their last bytes and
// statuses, then the embedded PostgreSQL, which would otherwise get the Ctrl-C too and stop at once.
const server = spawn(process.execPath, [path.join(root, 'dist/apps/api/main.js')], {
  cwd: root,
  stdio: 'inherit',
  detached: true,
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
