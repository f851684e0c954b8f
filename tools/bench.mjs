// `npm run bench [-- --quick] [-- --only=append,capture,latency,history,browser]`: measures the log pipeline
// against the naive design (one row per run, data = data || $1) on a real PostgreSQL, prints one table and writes
// it to bench-results/latest.json. The database is DATABASE_URL / TEST_DATABASE_URL, else an embedded PostgreSQL
// in .data/bench; each scenario gets a fresh database there, dropped afterwards. BENCH_QUICK=1 is --quick (small
// sizes, a CI smoke test). The API is built first when its build is missing or older than its sources.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const quick = args.includes('--quick') || process.env.BENCH_QUICK === '1';
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(file));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) newest = Math.max(newest, fs.statSync(file).mtimeMs);
  }
  return newest;
}

const built = path.join(root, 'dist/apps/api/main.js');
const sources = Math.max(...['apps/api/src', 'libs/shared/contracts/src', 'migrations'].map((d) => newestMtime(path.join(root, d))));
if (!fs.existsSync(built) || fs.statSync(built).mtimeMs < sources) {
  console.log('building the API (node tools/build-api.mjs)');
  execFileSync(process.execPath, ['tools/build-api.mjs'], { cwd: root, stdio: 'inherit' });
}

const { SCENARIOS } = await import('../apps/api/bench/scenarios.mjs');

let serverUrl = process.env.DATABASE_URL || process.env.TEST_DATABASE_URL;
let embedded;
if (!serverUrl) {
  const { startEmbeddedPostgres } = require(path.join(root, 'dist/apps/api/apps/api/src/database/embedded-postgres.js'));
  console.log('no DATABASE_URL or TEST_DATABASE_URL: starting an embedded PostgreSQL in .data/bench');
  embedded = await startEmbeddedPostgres(path.join(root, '.data/bench'));
  serverUrl = embedded.url;
}

// The server's LOG_* and SSE_* settings can be tried out from the bench's environment (LOG_FLUSH_QUIET_MS=1 npm run bench).
const serverEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => /^(LOG|SSE)_/.test(key)));
if (Object.keys(serverEnv).length) console.log(`server settings: ${JSON.stringify(serverEnv)}`);
const ctx = { quick, serverUrl, serverEnv, log: (line) => console.log(line) };
const rows = [];
const started = Date.now();
try {
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    if (only && !only.includes(name)) continue;
    console.log(`\n== ${name}${quick ? ' (quick)' : ''}`);
    const t0 = Date.now();
    try {
      rows.push(...(await scenario(ctx)));
    } catch (error) {
      console.error(error);
      rows.push({ scenario: name, metric: `FAILED: ${String(error.message ?? error).split('\n')[0]}`, unit: '', ours: 'error', naive: null, target: null, met: false });
    }
    console.log(`   (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
} finally {
  await embedded?.stop();
}

const fmt = (v) => (typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2)) : v ?? '');
const table = rows.map((r) => ({
  scenario: r.scenario,
  metric: r.metric,
  ours: `${fmt(r.ours)}${r.unit && typeof r.ours === 'number' ? ' ' + r.unit : ''}`,
  naive: r.naive === null ? '' : `${fmt(r.naive)}${r.unit && typeof r.naive === 'number' ? ' ' + r.unit : ''}`,
  ratio: typeof r.ratio === 'number' ? fmt(r.ratio) + 'x' : '',
  target: r.target ?? '',
  met: r.met === null || r.met === undefined ? '' : r.met ? 'yes' : 'NO',
}));
const columns = ['scenario', 'metric', 'ours', 'naive', 'ratio', 'target', 'met'];
const headers = { scenario: 'scenario', metric: 'metric', ours: 'ours', naive: 'naive', ratio: 'ours better by', target: 'target', met: 'met' };
const widths = Object.fromEntries(columns.map((c) => [c, Math.max(headers[c].length, ...table.map((t) => String(t[c]).length))]));
const line = (t) => '| ' + columns.map((c) => String(t[c]).padEnd(widths[c])).join(' | ') + ' |';
console.log(`\nml-portal bench${quick ? ' (quick)' : ''}: ${os.cpus().length} cores, Node ${process.version}, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
console.log(line(headers));
console.log('|' + columns.map((c) => '-'.repeat(widths[c] + 2)).join('|') + '|');
table.forEach((t) => console.log(line(t)));

fs.mkdirSync(path.join(root, 'bench-results'), { recursive: true });
const result = {
  date: new Date().toISOString(),
  quick,
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryBytes: os.totalmem(), node: process.version },
  rows,
};
fs.writeFileSync(path.join(root, 'bench-results/latest.json'), JSON.stringify(result, null, 2) + '\n');
console.log('\nwritten to bench-results/latest.json');
process.exit(rows.some((r) => r.ours === 'error') ? 1 : 0);
