// The benchmark's scenarios (issue 5). Each gets a fresh database and returns table rows:
// { scenario, metric, unit, ours, naive, target, met } (naive and target may be null).
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { contentSha256, forEachPiece } from './log-content.mjs';
import {
  commits, createBenchDatabase, dist, insertRun, launchRun, median, MB, MiB, now, openSse, percentile, root, sleep,
  startServer, waitForRunEnd,
} from './support.mjs';

const node = process.execPath;
const child = (name) => path.join(import.meta.dirname, 'children', name);
const row = (scenario, metric, unit, ours, { naive = null, target = null, met = null } = {}) => ({
  scenario, metric, unit, ours, naive, target, met,
  // naive/ours for costs, ours/naive for rates: the ratio column always says how many times better ours is.
  ratio: typeof ours === 'number' && typeof naive === 'number' && unit !== 'x' ? (unit === 'MB/s' ? ours / naive : naive / ours) : null,
});

/** Fills the log of runId up to `size` bytes with the bench content, in 1 MiB appends through the real store. */
async function fillLog(store, runId, size, from = 0) {
  const pieces = [];
  forEachPiece(size, (piece, offset) => offset >= from && pieces.push([offset, piece]));
  for (const [offset, piece] of pieces) await store.append(runId, offset, piece);
}

async function naiveTable(ds, runId) {
  await ds.query(`CREATE TABLE naive_logs (run_id uuid PRIMARY KEY, data bytea NOT NULL)`);
  await ds.query(`INSERT INTO naive_logs VALUES ($1, ''::bytea)`, [runId]);
}
const naiveAppend = (ds, runId, data) => ds.query(`UPDATE naive_logs SET data = data || $2 WHERE run_id = $1`, [runId, data]);

async function timed(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function walBytes(ds, fn) {
  const [{ lsn: before }] = await ds.query(`SELECT pg_current_wal_lsn() AS lsn`);
  await fn();
  const [{ bytes }] = await ds.query(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1) AS bytes`, [before]);
  return Number(bytes);
}

// 1. Append cost at several log sizes, ours beside one row per run with data = data || $1.
export async function appendCost(ctx) {
  const sizes = ctx.quick ? [0, 1 * MB, 10 * MB] : [0, 10 * MB, 100 * MB];
  const naiveSamples = ctx.quick ? [5, 5, 3] : [10, 5, 3];
  const samples = ctx.quick ? 15 : 30;
  const db = await createBenchDatabase(ctx.serverUrl);
  const rows = [];
  try {
    const { TrainingLogStore } = dist('logs/training-log.store.js');
    const store = new TrainingLogStore(db.ds);
    const { runId } = await insertRun(db.ds, 'running');
    await naiveTable(db.ds, runId);
    const piece = Buffer.alloc(64 * 1024);
    forEachPiece(piece.length, (p) => p.copy(piece));
    const ours = {};
    const naive = {};
    let size = 0;
    let naiveSize = 0;
    let oursWal = 0;
    let naiveWal = 0;
    for (let i = 0; i < sizes.length; i++) {
      const target = sizes[i];
      if (target > size) {
        await fillLog(store, runId, target, size);
        size = target;
        // The naive row gets the same content in one statement (filling it append by append would take hours).
        const whole = [];
        forEachPiece(target, (p) => whole.push(p));
        await db.ds.query(`UPDATE naive_logs SET data = $2 WHERE run_id = $1`, [runId, Buffer.concat(whole)]);
        naiveSize = target;
      }
      await db.ds.query(`CHECKPOINT`).catch(() => undefined);
      const times = [];
      for (let s = 0; s < samples; s++) {
        times.push(await timed(() => store.append(runId, size, piece)));
        size += piece.length;
      }
      ours[target] = median(times);
      oursWal = await walBytes(db.ds, async () => {
        await store.append(runId, size, piece);
        size += piece.length;
      });
      const naiveTimes = [];
      for (let s = 0; s < naiveSamples[i]; s++) {
        naiveTimes.push(await timed(() => naiveAppend(db.ds, runId, piece)));
        naiveSize += piece.length;
      }
      naive[target] = median(naiveTimes);
      naiveWal = await walBytes(db.ds, () => naiveAppend(db.ds, runId, piece));
      ctx.log(`  append at ${target / MB} MB: ours ${ours[target].toFixed(2)} ms, naive ${naive[target].toFixed(1)} ms`);
    }
    for (const s of sizes) rows.push(row('1 append', `64 KiB append at ${s / MB} MB (median)`, 'ms', ours[s], { naive: naive[s] }));
    const largest = sizes[sizes.length - 1];
    const ratio = ours[largest] / ours[0];
    rows.push(row('1 append', `append at ${largest / MB} MB / at 0 MB`, 'x', ratio, { naive: naive[largest] / naive[0], target: '<= 1.5', met: ratio <= 1.5 }));
    rows.push(row('1 append', `WAL per 64 KiB append at ${largest / MB} MB`, 'MB', oursWal / MB, { naive: naiveWal / MB }));
    // An empty poll: ours reads the run's size (no byte is read when nothing is new); naive asks for the bytes
    // past the end of the one value, which decompresses all of it.
    const pollOurs = [];
    for (let s = 0; s < samples; s++) pollOurs.push(await timed(async () => {
      const state = await store.state(runId);
      await store.read(runId, state.size, state.size);
    }));
    const pollNaive = [];
    for (let s = 0; s < 3; s++) pollNaive.push(await timed(() =>
      db.ds.query(`SELECT substring(data FROM $2::int + 1) AS d FROM naive_logs WHERE run_id = $1`, [runId, naiveSize])));
    rows.push(row('1 append', `empty poll at ${largest / MB} MB (median)`, 'ms', median(pollOurs), { naive: median(pollNaive) }));
  } finally {
    await db.drop();
  }
  return rows;
}

// 2. Capture throughput of a child printing as fast as it can, through the real LogCaptureService.
export async function captureThroughput(ctx) {
  const total = ctx.quick ? 20 * MB : 200 * MB;
  const naiveTotal = ctx.quick ? 2 * MB : 10 * MB;
  const db = await createBenchDatabase(ctx.serverUrl);
  const server = await startServer({ databaseUrl: db.url, env: ctx.serverEnv });
  const rows = [];
  try {
    const [{ c }] = await db.ds.query(`SELECT attcompression AS c FROM pg_attribute WHERE attrelid = 'training_logs'::regclass AND attname = 'data'`);
    ctx.log(`  training_logs.data compression: ${c === 'l' ? 'lz4' : c === 'p' ? 'pglz' : 'default (' + c + ')'}`);
    await server.call('rssStart');
    const { runId } = await launchRun(server, [node, child('print-bytes.mjs'), String(total)], 'capture');
    const run = await waitForRunEnd(server, runId);
    const rss = await server.call('rssStop');
    const outcome = await server.call('outcome', { runId });
    if (run.status !== 'succeeded') throw new Error(`capture run ${run.status}: ${run.failureReason}`);
    const mbps = total / MB / (outcome.ms / 1000);
    const stored = await sha256OfRaw(server, runId);
    const exact = stored.size === total && stored.sha === contentSha256(total);
    ctx.log(`  capture: ${mbps.toFixed(1)} MB/s, peak pending ${(outcome.peakPendingBytes / MiB).toFixed(2)} MiB, exact ${exact}`);

    const naiveMbps = await naiveCapture(db.ds, naiveTotal);
    rows.push(row('2 capture', `throughput, ${total / MB} MB child (naive: ${naiveTotal / MB} MB)`, 'MB/s', mbps, { naive: naiveMbps, target: '>= 100', met: mbps >= 100 }));
    rows.push(row('2 capture', 'stored byte-exact (sha256)', '', exact ? 'yes' : 'NO', { target: 'yes', met: exact }));
    rows.push(row('2 capture', 'peak pending bytes', 'MiB', outcome.peakPendingBytes / MiB, { target: '<= 8', met: outcome.peakPendingBytes <= 8 * MiB }));
    const growth = (rss.max - rss.first) / MiB;
    rows.push(row('2 capture', `API RSS growth during capture (start ${(rss.first / MiB).toFixed(0)} MiB)`, 'MiB', growth, { target: '< 64 (flat)', met: growth < 64 }));
  } finally {
    await server.close();
    await db.drop();
  }
  return rows;
}

async function sha256OfRaw(server, runId) {
  const res = await fetch(`${server.baseUrl}/api/runs/${runId}/logs/raw`);
  const hash = createHash('sha256');
  let size = 0;
  for await (const part of res.body) {
    hash.update(part);
    size += part.length;
  }
  return { sha: hash.digest('hex'), size };
}

/** Runs curl with `args` and returns what it printed (its -w line), or null when curl is not installed. */
function curl(args) {
  try {
    return execFileSync('curl', ['-sf', ...args]).toString().trim();
  } catch (error) {
    if (error.code === 'ENOENT') return null;
    throw error;
  }
}

/** `curl`'s time for one GET in ms (the body discarded), or null when curl is missing. */
function curlMs(url) {
  const out = curl(['-o', '/dev/null', '-w', '%{time_total}', url]);
  return out === null ? null : Number(out) * 1000;
}

/**
 * The raw download as an API consumer makes it: `curl -o run.log`. Node's fetch tops out near 80-170 MB/s on these
 * machines (its stream and the hashing share the bench's one thread), which measured the client, not the server;
 * curl measures the server. The file is hashed after the clock stops. Null when curl is missing.
 */
function curlRaw(server, runId) {
  const file = path.join(os.tmpdir(), `ml-portal-bench-${randomBytes(4).toString('hex')}.log`);
  try {
    const out = curl(['-o', file, '-w', '%{size_download} %{time_total}', `${server.baseUrl}/api/runs/${runId}/logs/raw`]);
    if (out === null) return null;
    const [size, seconds] = out.split(' ').map(Number);
    const sha = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    return { size, seconds, sha };
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** The naive design's capture: the same ChunkWriter and child, but each write is data = data || $1. */
async function naiveCapture(ds, total) {
  const { runId } = await insertRun(ds, 'running');
  await ds.query(`CREATE TABLE IF NOT EXISTS naive_logs (run_id uuid PRIMARY KEY, data bytea NOT NULL)`);
  await ds.query(`INSERT INTO naive_logs VALUES ($1, ''::bytea)`, [runId]);
  const { ChunkWriter } = dist('logs/chunk-writer.js');
  const t0 = performance.now();
  const proc = spawn(node, [child('print-bytes.mjs'), String(total)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const writer = new ChunkWriter((offset, data) => naiveAppend(ds, runId, data), {
    flushIntervalMs: 200, flushBytes: 256 * 1024, quietMs: 3, maxPendingBytes: 1024 * 1024, maxBytes: Number.MAX_SAFE_INTEGER,
    onPressure: (paused) => (paused ? proc.stdout.pause() : proc.stdout.resume()),
  });
  proc.stdout.on('data', (d) => writer.write(d));
  await new Promise((r) => proc.on('close', r));
  await writer.flush();
  return total / MB / ((performance.now() - t0) / 1000);
}

// 3. Write-to-client latency over real HTTP SSE, at several client counts of one run.
export async function latency(ctx) {
  // BENCH_CLIENTS=1,200 measures other client counts.
  const counts = process.env.BENCH_CLIENTS ? process.env.BENCH_CLIENTS.split(',').map(Number) : ctx.quick ? [1, 100] : [1, 100, 1000];
  const windowMs = ctx.quick ? 3000 : 10_000;
  const db = await createBenchDatabase(ctx.serverUrl);
  const server = await startServer({ databaseUrl: db.url, env: ctx.serverEnv });
  const rows = [];
  const perCount = {};
  try {
    for (const n of counts) {
      const { runId } = await launchRun(server, [node, child('ticker.mjs'), '50'], `latency-${n}`);
      const latencies = [];
      let measuring = false;
      let windowStart = 0;
      const clients = [];
      const onLog = (bytes) => {
        if (!measuring) return;
        const t = now();
        for (const line of bytes.toString('latin1').split('\n')) {
          if (!line.startsWith('T ')) continue;
          const sent = Number(line.slice(2));
          if (sent >= windowStart) latencies.push(t - sent);
        }
      };
      for (let i = 0; i < n; i += 100) {
        const batch = [];
        for (let j = i; j < Math.min(n, i + 100); j++) batch.push(openSse(`${server.baseUrl}/api/runs/${runId}/logs/stream`, { onLog }));
        clients.push(...(await Promise.all(batch)));
      }
      await sleep(1000);
      const before = await server.call('stats', {});
      const commitsBefore = await commits(db.ds, db.name);
      windowStart = now();
      measuring = true;
      await sleep(windowMs);
      measuring = false;
      const seconds = (now() - windowStart) / 1000;
      const commitsAfter = await commits(db.ds, db.name);
      const after = await server.call('stats', {});
      const cpu = (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1e6 / seconds * 100;
      const calls = Object.fromEntries(Object.keys(after.storeCalls).map((k) => [k, after.storeCalls[k] - (before.storeCalls[k] ?? 0)]));
      ctx.log(`  ${n} clients: store calls in the window ${JSON.stringify(calls)}`);
      const result = {
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        samples: latencies.length,
        qps: (calls['state:poll'] ?? 0) / seconds + Object.entries(calls).filter(([k]) => k.startsWith('read:')).reduce((a, [, v]) => a + v, 0) / seconds,
        xactPerSecond: (commitsAfter - commitsBefore - 2) / seconds,
        pollsPerSecond: (after.polls - before.polls) / seconds,
        cpu,
      };
      perCount[n] = result;
      ctx.log(`  ${n} clients: p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms (${result.samples} samples), ` +
        `${result.qps.toFixed(1)} read queries/s, ${result.xactPerSecond.toFixed(1)} xact/s, ${result.pollsPerSecond.toFixed(1)} polls/s, API CPU ${cpu.toFixed(0)}%`);
      clients.forEach((c) => c.close());
      await server.request('POST', `/api/runs/${runId}/cancel`);
      await sleep(300);
    }
    for (const n of counts) {
      const r = perCount[n];
      const p50Target = n === 100 ? '<= 10' : null;
      const p99Target = n === 100 ? '<= 50' : n === 1000 ? '<= 100' : null;
      rows.push(row('3 latency', `write-to-client p50, ${n} client(s)`, 'ms', r.p50, { target: p50Target, met: p50Target ? r.p50 <= 10 : null }));
      rows.push(row('3 latency', `write-to-client p99, ${n} client(s)`, 'ms', r.p99, {
        target: p99Target, met: p99Target ? r.p99 <= (n === 100 ? 50 : 100) : null,
      }));
      rows.push(row('3 latency', `log read queries/s (polls + client reads), ${n} client(s)`, '/s', r.qps));
      rows.push(row('3 latency', `DB transactions/s incl. 20 appends/s, ${n} client(s)`, '/s', r.xactPerSecond));
      rows.push(row('3 latency', `API CPU, ${n} client(s)`, '%', r.cpu));
    }
    const most = counts[counts.length - 1];
    const qpsRatio = perCount[most].qps / perCount[1].qps;
    rows.push(row('3 latency', `log read queries/s at ${most} / at 1 client`, 'x', qpsRatio, { target: '~1 (<= 1.2)', met: qpsRatio <= 1.2 }));
    rows.push(...(await idleMemory(ctx, server)));
  } finally {
    await server.close();
    await db.drop();
  }
  return rows;
}

// Memory: what an idle SSE client costs the server.
async function idleMemory(ctx, server) {
  const n = ctx.quick ? 200 : 1000;
  const { runId } = await launchRun(server, [node, '-e', 'setTimeout(() => {}, 3600e3)'], 'idle');
  await sleep(300);
  const before = await server.call('stats', { collect: true });
  const clients = [];
  let statuses = 0;
  for (let i = 0; i < n; i += 100) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + 100); j++) {
      batch.push(openSse(`${server.baseUrl}/api/runs/${runId}/logs/stream`, { onEvent: (t) => t === 'status' && statuses++ }));
    }
    clients.push(...(await Promise.all(batch)));
  }
  while (statuses < n) await sleep(50);
  await sleep(500);
  const after = await server.call('stats', { collect: true });
  const rssPer = (after.memory.rss - before.memory.rss) / n / 1024;
  const heapPer = (after.memory.heapUsed + after.memory.external - before.memory.heapUsed - before.memory.external) / n / 1024;
  ctx.log(`  idle clients: ${n}, RSS ${rssPer.toFixed(1)} KB each, heap ${heapPer.toFixed(1)} KB each (open streams: ${after.streams})`);
  clients.forEach((c) => c.close());
  await server.request('POST', `/api/runs/${runId}/cancel`);
  return [
    row('memory', `server RSS per idle SSE client (${n} clients)`, 'KB', rssPer, { target: '< 64', met: rssPer < 64 }),
    row('memory', `server heap per idle SSE client (${n} clients)`, 'KB', heapPer, { target: '< 64', met: heapPer < 64 }),
  ];
}

// 4. History: the whole log as raw bytes, and its last MiB.
export async function history(ctx) {
  const size = ctx.quick ? 10 * MB : 100 * MB;
  const db = await createBenchDatabase(ctx.serverUrl);
  const server = await startServer({ databaseUrl: db.url, env: ctx.serverEnv });
  const rows = [];
  try {
    const { TrainingLogStore } = dist('logs/training-log.store.js');
    const store = new TrainingLogStore(db.ds);
    const { runId } = await insertRun(db.ds, 'succeeded');
    await fillLog(store, runId, size);
    await db.ds.query(`UPDATE runs SET log_size = $2 WHERE id = $1`, [runId, size]);
    await naiveTable(db.ds, runId);
    const whole = [];
    forEachPiece(size, (p) => whole.push(p));
    await db.ds.query(`UPDATE naive_logs SET data = $2 WHERE run_id = $1`, [runId, Buffer.concat(whole)]);
    whole.length = 0;
    await db.ds.query(`VACUUM ANALYZE training_logs`);

    // Through curl (the server's speed), then through Node's fetch (what a Node client gets), RSS sampled across both.
    await server.call('rssStart');
    // The median of three curl downloads: the first one also pays for the server's warm-up.
    const curls = [curlRaw(server, runId), curlRaw(server, runId), curlRaw(server, runId)].sort((a, b) => (a?.seconds ?? 0) - (b?.seconds ?? 0));
    const viaCurl = curls[1];
    if (viaCurl && curls.some((c) => c.sha !== viaCurl.sha || c.size !== viaCurl.size)) throw new Error('raw: curl downloads differ');
    const t0 = performance.now();
    const got = await sha256OfRaw(server, runId);
    const fetchMbps = size / MB / ((performance.now() - t0) / 1000);
    const rss = await server.call('rssStop');
    const mbps = viaCurl ? size / MB / viaCurl.seconds : fetchMbps;
    const exact = got.size === size && got.sha === contentSha256(size) && (!viaCurl || (viaCurl.size === size && viaCurl.sha === got.sha));
    const growth = (rss.max - rss.first) / MiB;
    ctx.log(`  raw: ${viaCurl ? `${mbps.toFixed(0)} MB/s with curl, ` : 'no curl, '}${fetchMbps.toFixed(0)} MB/s with Node fetch, RSS growth ${growth.toFixed(1)} MiB, exact ${exact}`);

    const naiveT0 = performance.now();
    await db.ds.query(`SELECT data FROM naive_logs WHERE run_id = $1`, [runId]);
    const naiveMbps = size / MB / ((performance.now() - naiveT0) / 1000);

    // The tail as curl gets it (the server's time), and as a Node client gets it: fetch, JSON.parse, base64 decode.
    const tailUrl = `${server.baseUrl}/api/runs/${runId}/logs?tail=${MiB}`;
    const curlTails = [];
    const tails = [];
    for (let i = 0; i < (ctx.quick ? 10 : 30); i++) {
      const ms = curlMs(tailUrl);
      if (ms !== null) curlTails.push(ms);
      tails.push(await timed(async () => {
        const res = await fetch(tailUrl);
        const body = await res.json();
        if (Buffer.from(body.data, 'base64').length !== MiB) throw new Error('tail: wrong length');
      }));
    }
    const naiveTails = [];
    for (let i = 0; i < 3; i++) {
      naiveTails.push(await timed(() =>
        db.ds.query(`SELECT substring(data FROM $2::int) AS d FROM naive_logs WHERE run_id = $1`, [runId, size - MiB + 1])));
    }
    const tail = curlTails.length ? median(curlTails) : median(tails);
    rows.push(row('4 history', `GET /logs/raw of ${size / MB} MB, ${viaCurl ? 'curl' : 'Node fetch'} (naive: SELECT the value)`, 'MB/s', mbps, { naive: naiveMbps, target: '>= 200', met: mbps >= 200 }));
    if (viaCurl) rows.push(row('4 history', `GET /logs/raw of ${size / MB} MB, Node fetch + sha256 client`, 'MB/s', fetchMbps));
    rows.push(row('4 history', 'raw download byte-exact', '', exact ? 'yes' : 'NO', { target: 'yes', met: exact }));
    rows.push(row('4 history', 'API RSS growth during raw download', 'MiB', growth, { target: '< 64', met: growth < 64 }));
    rows.push(row('4 history', `GET /logs?tail=1MiB, ${curlTails.length ? 'curl' : 'Node fetch'} (median; naive: the SQL alone)`, 'ms', tail, { naive: median(naiveTails), target: '< 20', met: tail < 20 }));
    if (curlTails.length) rows.push(row('4 history', 'GET /logs?tail=1MiB, Node fetch + JSON.parse + base64 decode (median)', 'ms', median(tails)));
  } finally {
    await server.close();
    await db.drop();
  }
  return rows;
}

// 5. The browser: the run-detail modal of a big log, and a run streaming 5 MB/s into it.
export async function browser(ctx) {
  const webRoot = path.join(root, 'dist/apps/web/browser');
  if (!fs.existsSync(path.join(webRoot, 'index.html'))) {
    ctx.log('  skipped: no built web UI at dist/apps/web/browser (build it with `npx nx build web`)');
    return [row('5 browser', 'skipped: web UI not built (dist/apps/web/browser)', '', 'skipped')];
  }
  const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!fs.existsSync(chromiumPath)) {
    ctx.log(`  skipped: no Chromium at ${chromiumPath}`);
    return [row('5 browser', `skipped: no Chromium at ${chromiumPath}`, '', 'skipped')];
  }
  const { chromium } = await import('playwright-core');
  const size = ctx.quick ? 10 * MB : 100 * MB;
  const streamSeconds = ctx.quick ? 3 : 10;
  const db = await createBenchDatabase(ctx.serverUrl);
  const server = await startServer({ databaseUrl: db.url, env: ctx.serverEnv, webRoot });
  let browserApp;
  const rows = [];
  try {
    browserApp = await chromium.launch({
    executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'], // playwright gives each launch a fresh temporary profile
    });
    const { TrainingLogStore } = dist('logs/training-log.store.js');
    const store = new TrainingLogStore(db.ds);
    const { experimentId, runId } = await insertRun(db.ds, 'succeeded');
    const marker = `ML-PORTAL-BENCH-TAIL-${randomBytes(4).toString('hex')}`;
    await fillLog(store, runId, size);
    await store.append(runId, size, Buffer.from(`\r\n${marker}\r\n`));

    const page = await browserApp.newPage({ viewport: { width: 1400, height: 900 } });
    await page.addInitScript(() => {
      window.__longTasks = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__longTasks.push(e.duration)))
        .observe({ type: 'longtask', buffered: true });
    });
    // Opening the modal as an engineer does: the experiment's page is up, they click the run. Then the same modal
    // from a shared link in a fresh tab, which also pays for loading and booting the app.
    const viewer = '[data-testid="log-viewer"]';
    const tailVisible = (tab) =>
      tab.waitForFunction(
        ({ viewer, marker }) => document.querySelector(viewer)?.textContent?.includes(marker),
        { viewer, marker },
        { timeout: 60_000, polling: 'raf' },
      );
    const clicks = [];
    for (let i = 0; i < (ctx.quick ? 1 : 3); i++) {
      await page.goto(`${server.baseUrl}/experiments/${experimentId}`);
      await page.waitForSelector('[data-testid="run-link"]', { timeout: 30_000 });
      await sleep(300); // the page settles, as it has long before a person clicks
      const t0 = performance.now();
      await page.click('[data-testid="run-link"]');
      await tailVisible(page);
      clicks.push(performance.now() - t0);
    }
    const loads = [];
    for (let i = 0; i < (ctx.quick ? 1 : 3); i++) {
      const fresh = await browserApp.newPage({ viewport: { width: 1400, height: 900 } });
      const t0 = performance.now();
      await fresh.goto(`${server.baseUrl}/experiments/${experimentId}/runs/${runId}`);
      await tailVisible(fresh);
      loads.push(performance.now() - t0);
      await fresh.close();
    }
    const tailMs = median(clicks);
    const linkMs = median(loads);
    ctx.log(`  tail of a ${size / MB} MB log visible ${tailMs.toFixed(0)} ms after clicking the run, ${linkMs.toFixed(0)} ms after opening its link in a new tab`);
    rows.push(row('5 browser', `click on the run to its tail visible, ${size / MB} MB log (median)`, 'ms', tailMs, { target: '<= 1500', met: tailMs <= 1500 }));
    rows.push(row('5 browser', `shared link in a new tab (app load + boot) to tail visible (median)`, 'ms', linkMs, { target: '<= 1500', met: linkMs <= 1500 }));

    const live = await launchRun(server, [node, child('ticker.mjs'), '20', String(5 * MB), String(streamSeconds)], 'browser-stream');
    await page.goto(`${server.baseUrl}/experiments/${live.experimentId}/runs/${live.runId}`);
    await page.waitForSelector(viewer, { timeout: 30_000 });
    await page.evaluate(() => (window.__longTasks = []));
    await waitForRunEnd(server, live.runId, streamSeconds * 1000 + 30_000);
    await sleep(1000);
    const longTasks = await page.evaluate(() => window.__longTasks);
    const longest = longTasks.length ? Math.max(...longTasks) : 0;
    ctx.log(`  5 MB/s for ${streamSeconds} s: ${longTasks.length} long tasks, longest ${longest.toFixed(0)} ms`);
    rows.push(row('5 browser', 'longest main-thread task while 5 MB/s streams in', 'ms', longest, { target: '<= 100', met: longest <= 100 }));
  } finally {
    await browserApp?.close();
    await server.close();
    await db.drop();
  }
  return rows;
}

export const SCENARIOS = { append: appendCost, capture: captureThroughput, latency, history, browser };
