/**
 * Fault 3: PostgreSQL is restarted (a real `pg_ctl -m fast stop`, then `start` on the same port) while a run prints
 * fast and two clients watch its log. Checks that:
 * - capture keeps the pending bytes, bounded: the child is paused (its own record of what its pipe accepted stops
 *   growing) and what it printed beyond what was stored stays under the bound; the writes fail and are retried;
 * - when the database is back, every pending byte is written: the run ends `succeeded`, GET /logs/raw equals what
 *   the child printed byte for byte, and the stored chunks are contiguous (each byte_offset = previous offset +
 *   previous length: no duplicate, no gap);
 * - a stream or a new run asked for during the outage is a 503 with a message (not a 500);
 * - a second run that prints its last line and exits during the outage gets that line and its final status
 *   stored once the database is back;
 * - watchers resume: one client kept open (re-opened with its last id if its stream breaks, as EventSource does)
 *   and one cut during the outage and resumed with Last-Event-ID after it each get exactly the stored bytes;
 * - the LISTEN connection comes back, and no stream or poller is left behind.
 * The PostgreSQL server is a private one (initdb in a temporary directory), since it is stopped mid-test.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { CaptureOutcome, LogCaptureService, maxPendingBytes } from '../../src/logs/log-capture.service';
import { LogNotifier } from '../../src/logs/log-notifier';
import { LogStreamService } from '../../src/logs/log-stream.service';
import { TrainingLogStore } from '../../src/logs/training-log.store';
import { connectSse, logBytes, SseConnection, SseEvent } from '../sse-client';
import { startTestApp, TestApp, waitFor } from '../test-app';
import { freePort, isAlive } from './built-server';

jest.setTimeout(120_000);

const execFileAsync = promisify(execFile);
const PG_BIN = '/usr/lib/postgresql/15/bin';
/** The outage lasts at least this long, and longer (up to MAX_OUTAGE_MS) until the child has been held STALL_MS. */
const OUTAGE_MS = 3000;
const MAX_OUTAGE_MS = 8000;
const STALL_MS = 1500;

/** The child: TOTAL lines of 100 bytes, PER_TICK of them every INTERVAL_MS (about 1.5 MB/s). */
const TOTAL_LINES = 50_000;
const PER_TICK = 30;
const INTERVAL_MS = 2;
const LINE_BYTES = 100;

function line(i: number): string {
  return `${String(i).padStart(7, '0')} ${'x'.repeat(LINE_BYTES - 9)}\n`;
}

function expectedLog(): Buffer {
  const parts: string[] = [];
  for (let i = 0; i < TOTAL_LINES; i++) parts.push(line(i));
  return Buffer.from(parts.join(''));
}

/**
 * Prints the numbered lines, minding backpressure as a well-behaved program does (on Linux its stdout pipe is
 * blocking anyway: a full pipe blocks it in write()), and keeps in PROGRESS_FILE the bytes its pipe has accepted.
 */
const CHILD = `
const fs = require('node:fs');
const [total, perTick, intervalMs, progressFile] = process.argv.slice(2);
const line = (i) => String(i).padStart(7, '0') + ' ' + 'x'.repeat(${LINE_BYTES - 9}) + '\\n';
let n = 0, accepted = 0, waiting = false;
const record = () => { fs.writeFileSync(progressFile + '.tmp', String(accepted)); fs.renameSync(progressFile + '.tmp', progressFile); };
const recorder = setInterval(record, 20);
const printer = setInterval(() => {
  if (waiting) return;
  let text = '';
  for (const end = Math.min(Number(total), n + Number(perTick)); n < end; ) text += line(n++);
  const last = n >= Number(total);
  if (last) clearInterval(printer);
  const ok = process.stdout.write(text, () => {
    accepted += text.length;
    if (last) { clearInterval(recorder); record(); }
  });
  if (!ok) { waiting = true; process.stdout.once('drain', () => (waiting = false)); }
}, Number(intervalMs));
`;

/** A second run, that prints a little, then its last line and exits during the outage (when GO_FILE appears). */
const QUIET_CHILD = `
const fs = require('node:fs');
const [goFile, pidFile] = process.argv.slice(2);
fs.writeFileSync(pidFile, String(process.pid));
for (let i = 0; i < 100; i++) process.stdout.write('quiet ' + i + '\\n');
const waiting = setInterval(() => {
  if (!fs.existsSync(goFile)) return;
  clearInterval(waiting);
  process.stdout.write('printed during the outage, then exited\\n');
}, 20);
`;
const QUIET_LOG = Array.from({ length: 100 }, (_, i) => `quiet ${i}\n`).join('') + 'printed during the outage, then exited\n';

/** Set when the test ends, so that a follower left behind by a failure stops reconnecting. */
let followersStopped = false;

interface FollowResult {
  bytes: Buffer;
  /** One entry per connection that ended without `end`: the `error` event's data, or "closed". */
  breaks: string[];
  /** Statuses of refused attempts (e.g. 503 while the database cannot be reached). */
  refused: number[];
  end: SseEvent;
}

/**
 * Follows the run's log to its `end` the way a browser's EventSource does: whenever the stream breaks it connects
 * again, sending the id of the last event it got as Last-Event-ID. Checks each connection's log events follow on
 * from where it resumed (logBytes: offsets and ids contiguous).
 */
async function follow(url: string, from: number | undefined, deadline: number, onConnection?: (c: SseConnection) => void): Promise<FollowResult> {
  let lastId = from;
  const parts: Buffer[] = [];
  const breaks: string[] = [];
  const refused: number[] = [];
  for (;;) {
    if (followersStopped) throw new Error('stopped');
    if (Date.now() > deadline) throw new Error(`the stream did not end in time (breaks: ${breaks.join('; ')}, refused: ${refused.join(',')})`);
    let conn: SseConnection;
    try {
      conn = await connectSse(url, lastId === undefined ? {} : { 'last-event-id': String(lastId) });
    } catch (error) {
      breaks.push(String(error));
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    if (conn.status !== 200) {
      refused.push(conn.status);
      await conn.closed;
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    onConnection?.(conn);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([conn.closed, new Promise((r) => (timer = setTimeout(r, Math.max(0, deadline - Date.now()))))]);
    clearTimeout(timer);
    conn.cut();
    parts.push(logBytes(conn.events, lastId ?? 0));
    const withId = conn.events.filter((e) => e.id !== undefined);
    if (withId.length) lastId = Number(withId.at(-1)?.id);
    const end = conn.events.find((e) => e.event === 'end');
    if (end) return { bytes: Buffer.concat(parts), breaks, refused, end };
    breaks.push(conn.events.find((e) => e.event === 'error')?.data ?? 'closed');
  }
}

describe('PostgreSQL restarted while a run prints and clients watch', () => {
  let base: string;
  let port: number;
  let pgRunning = false;
  let t: TestApp | undefined;

  // PostgreSQL refuses to run as root: as root, its tools run as the `postgres` user.
  const asPostgres = (file: string, args: string[]) =>
    process.getuid?.() === 0
      ? execFileAsync('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, file), ...args], { timeout: 60_000 })
      : execFileAsync(path.join(PG_BIN, file), args, { timeout: 60_000 });
  const pgCtl = (args: string[]) =>
    asPostgres('pg_ctl', ['-D', path.join(base, 'data'), ...args]).catch((error) => {
      const log = fs.existsSync(path.join(base, 'server.log')) ? fs.readFileSync(path.join(base, 'server.log'), 'utf8') : '';
      throw new Error(`pg_ctl ${args.join(' ')} failed: ${String(error)}\n${log.slice(-4000)}`);
    });
  const pgStart = async () => {
    await pgCtl(['-l', path.join(base, 'server.log'), '-o', `-p ${port} -k ${base} -c listen_addresses=127.0.0.1`, '-w', 'start']);
    pgRunning = true;
  };
  const pgStop = async (mode: 'fast' | 'immediate') => {
    await pgCtl(['-m', mode, '-w', 'stop']);
    pgRunning = false;
  };

  beforeAll(async () => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-pg-restart-'));
    if (process.getuid?.() === 0) await execFileAsync('chown', ['postgres:postgres', base]);
    port = await freePort();
    await asPostgres('initdb', ['-D', path.join(base, 'data'), '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
    await pgStart();
    const admin = new Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
    await admin.connect();
    await admin.query('CREATE DATABASE mlp_restart');
    await admin.end();
    const url = `postgres://postgres@127.0.0.1:${port}/mlp_restart`;
    const ds = new DataSource(dataSourceOptions(url));
    await ds.initialize(); // migrationsRun: the real migrations
    await ds.destroy();
    t = await startTestApp({ logPollIntervalMs: 100, runCancelGraceMs: 2000 }, { url, drop: async () => undefined });
  });

  afterAll(async () => {
    followersStopped = true;
    try {
      if (t) {
        // The app stores final statuses before it closes: it needs its database.
        if (!pgRunning) await pgStart().catch(() => undefined);
        const app = t;
        await Promise.race([app.close(), new Promise((r) => setTimeout(r, 20_000).unref())]);
      }
    } finally {
      if (base && fs.existsSync(path.join(base, 'data', 'postmaster.pid'))) await pgStop('immediate').catch(() => undefined);
      if (base) fs.rmSync(base, { recursive: true, force: true });
    }
  });

  it('keeps pending bytes (bounded, child paused), writes them once when it is back, and watchers resume exactly', async () => {
    const app = t as TestApp;
    const store = app.app.get(TrainingLogStore);
    const capture = app.app.get(LogCaptureService);
    const notifier = app.app.get(LogNotifier);
    const streams = app.app.get(LogStreamService);
    expect(notifier.listening).toBe(true);
    /** LogCaptureService's bound on bytes queued behind the write in flight. */
    const MAX_PENDING_BYTES = maxPendingBytes(app.config.logFlushBytes);

    // Count the capture's writes that fail (and are retried), and keep the capture's outcome.
    let failedAppends = 0;
    const append = store.append.bind(store);
    jest.spyOn(store, 'append').mockImplementation(async (...args) => {
      try {
        return await append(...args);
      } catch (error) {
        failedAppends++;
        throw error;
      }
    });
    const outcomes = new Map<string, Promise<CaptureOutcome>>();
    const start = capture.start.bind(capture);
    jest.spyOn(capture, 'start').mockImplementation((...args) => {
      const handle = start(...args);
      outcomes.set(args[0], handle.finished);
      return handle;
    });

    const childFile = path.join(base, 'printer.js');
    const progressFile = path.join(base, 'progress');
    fs.writeFileSync(childFile, CHILD);
    const progress = () => Number(fs.existsSync(progressFile) ? fs.readFileSync(progressFile, 'utf8') || 0 : 0);

    const experimentId = (await app.request('POST', '/api/experiments', { name: 'db-restart' })).body.id;
    const created = await app.request('POST', `/api/experiments/${experimentId}/runs`, {
      command: ['node', childFile, String(TOTAL_LINES), String(PER_TICK), String(INTERVAL_MS), progressFile],
    });
    expect(created.status).toBe(201);
    const runId: string = created.body.id;
    const streamUrl = `${app.baseUrl}/api/runs/${runId}/logs/stream`;
    const quietFile = path.join(base, 'quiet.js');
    const goFile = path.join(base, 'go');
    const quietPidFile = path.join(base, 'quiet.pid');
    fs.writeFileSync(quietFile, QUIET_CHILD);
    const quiet = await app.request('POST', `/api/experiments/${experimentId}/runs`, { command: ['node', quietFile, goFile, quietPidFile] });
    expect(quiet.status).toBe(201);
    const deadline = Date.now() + 60_000;

    // A: kept open all along (re-opened with its last id only if it breaks).
    const connectionsA: SseConnection[] = [];
    const followedA = follow(streamUrl, undefined, deadline, (c) => connectionsA.push(c));
    followedA.catch(() => undefined);
    // B: cut during the outage, resumed after it.
    const b = await connectSse(streamUrl);
    expect(b.status).toBe(200);

    // Let it print a while, then stop the database in the middle of it.
    await waitFor(async () => (await app.request('GET', `/api/runs/${runId}`)).body.logSize >= 1024 * 1024, 20_000, '1 MiB stored');
    await b.waitFor((e) => e.event === 'log' && Number(e.id) > 100_000);
    const storedBeforeStop = (await app.request('GET', `/api/runs/${runId}`)).body.logSize as number;
    const stoppedAt = Date.now();
    await pgStop('fast');
    const stopTookMs = Date.now() - stoppedAt;
    b.cut();
    await b.closed;
    const bFirst = logBytes(b.events);
    const bLastId = Number(b.events.filter((e) => e.id !== undefined).at(-1)?.id);
    expect(bLastId).toBe(bFirst.length);

    // During the outage: the API says the database cannot be reached (503, not 500), even to a resuming stream.
    const health = await app.request('GET', '/api/health');
    expect(health.status).toBe(503);
    const refused = await connectSse(streamUrl, { 'last-event-id': String(bLastId) });
    await refused.closed;
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body)).toEqual({ statusCode: 503, error: 'Service Unavailable', message: expect.stringMatching(/database/) });
    const refusedRun = await app.request('POST', `/api/experiments/${experimentId}/runs`, { command: ['true'] });
    expect(refusedRun).toMatchObject({ status: 503, body: { statusCode: 503, message: expect.stringMatching(/database/) } });

    // The quiet run prints its last line and exits while the database is down.
    fs.writeFileSync(goFile, '');
    const quietPid = Number(fs.readFileSync(quietPidFile, 'utf8'));
    await waitFor(async () => !isAlive(quietPid), 5000, 'the quiet run to exit during the outage');

    // The child gets paused: what its pipe accepted stops growing, and stays within the bound of what was stored.
    const samples: { at: number; accepted: number }[] = [];
    let stalledMs = 0;
    for (;;) {
      const at = Date.now() - stoppedAt;
      samples.push({ at, accepted: progress() });
      stalledMs = at - (samples.find((x) => x.accepted === samples.at(-1)?.accepted)?.at ?? at);
      if (at >= MAX_OUTAGE_MS || (at >= OUTAGE_MS && stalledMs >= STALL_MS)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const finalAccepted = samples.at(-1)?.accepted ?? 0;
    const aheadOfStore = finalAccepted - storedBeforeStop;
    expect(finalAccepted).toBeLessThan(TOTAL_LINES * LINE_BYTES); // still had more to print: it was held, not done
    expect(stalledMs).toBeGreaterThanOrEqual(STALL_MS);
    // The queue bound, plus the write in flight when the database went, the pipe and the socket's read buffer
    // (an unbounded capture would have let the child print everything by now, about 4 MB more).
    expect(aheadOfStore).toBeLessThan(2 * MAX_PENDING_BYTES + 512 * 1024);
    expect(failedAppends).toBeGreaterThan(0);
    const restartedAt = Date.now();
    await pgStart();
    const outageMs = Date.now() - stoppedAt;

    // B resumes from its last id once the database is back (retrying while the API still answers 503).
    const followedB = follow(streamUrl, bLastId, deadline);

    const finished = await waitFor(async () => {
      const res = await app.request('GET', `/api/runs/${runId}`);
      return res.status === 200 && ['succeeded', 'failed', 'canceled'].includes(res.body.status) && res.body;
    }, 40_000, 'the run to finish');
    const finishedAfterRestartMs = Date.now() - restartedAt;
    expect(finished).toMatchObject({ status: 'succeeded', exitCode: 0, failureReason: null, logSize: TOTAL_LINES * LINE_BYTES });

    // The stored log is exactly what the child printed: every line once, in order.
    const raw = await fetch(`${app.baseUrl}/api/runs/${runId}/logs/raw`);
    expect(raw.status).toBe(200);
    const stored = Buffer.from(await raw.arrayBuffer());
    const expected = expectedLog();
    expect(stored.length).toBe(expected.length);
    expect(stored.equals(expected)).toBe(true);

    // No chunk stored twice: each starts where the previous one ended.
    const pg = new Client({ connectionString: app.db.url });
    await pg.connect();
    const chunks: { byte_offset: string; length: number }[] = (
      await pg.query(`SELECT byte_offset, length(data) AS length FROM training_logs WHERE run_id = $1 ORDER BY byte_offset`, [runId])
    ).rows;
    await pg.end();
    let next = 0;
    for (const chunk of chunks) {
      expect(Number(chunk.byte_offset)).toBe(next);
      next += chunk.length;
    }
    expect(next).toBe(expected.length);

    // Both watchers, resuming with Last-Event-ID, got exactly the stored bytes.
    const a = await followedA;
    const bRest = await followedB;
    expect(a.bytes.equals(stored)).toBe(true);
    expect(Buffer.concat([bFirst, bRest.bytes]).equals(stored)).toBe(true);
    for (const end of [a.end, bRest.end]) expect(JSON.parse(end.data)).toEqual({ status: 'succeeded', exitCode: 0, size: stored.length });

    // The capture's memory stayed bounded, and the bound was reached (so the child was paused by it).
    const outcome = await outcomes.get(runId);
    if (!outcome) throw new Error('no capture outcome');
    if (outcome.kind !== 'exited') throw new Error(`unexpected outcome ${outcome.kind}`);
    expect(outcome.peakPendingBytes).toBeGreaterThanOrEqual(MAX_PENDING_BYTES);
    expect(outcome.peakPendingBytes).toBeLessThan(2 * MAX_PENDING_BYTES + 256 * 1024);

    // The quiet run, which exited during the outage, has its last line and its final status stored.
    const quietRun = await waitFor(async () => {
      const res = await app.request('GET', `/api/runs/${quiet.body.id}`);
      return res.status === 200 && res.body.status !== 'running' && res.body;
    }, 20_000, 'the quiet run\'s final status');
    expect(quietRun).toMatchObject({ status: 'succeeded', exitCode: 0, logSize: QUIET_LOG.length });
    expect(Buffer.from(await (await fetch(`${app.baseUrl}/api/runs/${quiet.body.id}/logs/raw`)).arrayBuffer()).toString()).toBe(QUIET_LOG);

    // The LISTEN connection is back, and nothing is left polling.
    await waitFor(async () => notifier.listening && notifier.connectionCount >= 2, 15_000, 'the LISTEN connection to come back');
    await waitFor(async () => streams.stats().streams === 0 && streams.stats().pollers === 0, 10_000, 'streams and pollers to end');

    console.log(
      [
        `database restart: stop took ${stopTookMs} ms, outage ${outageMs} ms, run finished ${finishedAfterRestartMs} ms after the restart`,
        `child held for ${stalledMs} ms with ${aheadOfStore} bytes beyond what was stored before the stop; peak pending ${outcome.peakPendingBytes} bytes`,
        `${failedAppends} failed (retried) writes; ${chunks.length} chunks, ${stored.length} bytes stored`,
        `kept-open watcher: ${connectionsA.length} connection(s), breaks ${JSON.stringify(a.breaks)}, refused ${JSON.stringify(a.refused)}`,
        `resumed watcher: cut at ${bLastId}, refused ${JSON.stringify(bRest.refused)} before resuming, breaks ${JSON.stringify(bRest.breaks)}`,
      ].join('\n'),
    );
  });
});
