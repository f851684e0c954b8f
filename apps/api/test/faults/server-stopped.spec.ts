/**
 * Fault 2: the server is stopped with SIGTERM or SIGINT while a run prints and a client watches. It refuses new
 * runs at once (409), terminates the run's process group, stores every byte the run printed (its goodbye line,
 * printed after the signal, included), records the run `failed` saying the server stopped, ends the watcher's
 * stream with `end` rather than cutting it, and exits with code 0 within a bound.
 * Also: the built server refuses to start on a non-loopback HOST without API_TOKEN (exit code 2, says how).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { markerLine } from '../../src/logs/log-capture.service';
import { SERVER_STOPPED_MARKER, SERVER_STOPPED_REASON } from '../../src/runs/run-outcome';
import { connectSse, logBytes } from '../sse-client';
import { REPO_ROOT, waitFor } from '../test-app';
import { createTestDatabase, TestDatabase } from '../test-database';
import { BuiltServer, checkNumberedPrefix, ensureBuilt, expectedLines, groupMembers, MAIN_JS, startBuiltServer } from './built-server';

jest.setTimeout(60_000);

const PRINTER = path.join(__dirname, 'fixtures/numbered-printer.js');
const GRACE_MS = 3000;
/** Shutdown waits for runs (at most the cancel grace), then gives streams a few poll intervals to end. */
const EXIT_BOUND_MS = GRACE_MS + 5000;

describe('server stopped with a signal mid-run', () => {
  let db: TestDatabase;
  let pg: Client;
  const servers: BuiltServer[] = [];
  let tmp: string;

  beforeAll(async () => {
    await ensureBuilt();
    db = await createTestDatabase();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-stopped-'));
  }, 120_000);
  afterAll(async () => {
    for (const s of servers) s.process.kill('SIGKILL');
    await pg.end();
    await db.drop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('%s: refuses new runs, stops the group, stores every byte and the status, ends streams, exits in time', async (signal) => {
    const server = await startBuiltServer({ DATABASE_URL: db.url, RUN_CANCEL_GRACE_MS: String(GRACE_MS), LOG_POLL_INTERVAL_MS: '100' });
    servers.push(server);
    const experimentId = (await server.request('POST', '/api/experiments', { name: `stopped-${signal}` })).body.id;
    const pidFile = path.join(tmp, `${signal}.pid`);
    // The child takes 1.5 s to leave after SIGTERM: the window in which new runs must be refused.
    const created = await server.request('POST', `/api/experiments/${experimentId}/runs`, { command: ['node', PRINTER, '3', pidFile, '1500'] });
    const runId: string = created.body.id;
    const pid: number = (await pg.query(`SELECT pid FROM runs WHERE id = $1`, [runId])).rows[0].pid;
    const grandchild = Number(await waitFor(async () => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8')));
    const sse = await connectSse(`${server.baseUrl}/api/runs/${runId}/logs/stream`);
    await sse.waitFor((e) => e.event === 'log' && Number(e.id) > 3000);

    const signalledAt = Date.now();
    server.process.kill(signal);
    await waitFor(async () => server.output().includes(`${signal}: stopping`), 5000, 'the server to start stopping');
    const refused = await server.request('POST', `/api/experiments/${experimentId}/runs`, { command: ['true'] });
    expect(refused).toEqual({ status: 409, body: { statusCode: 409, error: 'Conflict', message: expect.stringMatching(/shutting down/) } });

    const exit = await server.exited;
    const tookMs = Date.now() - signalledAt;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(tookMs).toBeLessThan(EXIT_BOUND_MS);

    // The watcher got the final status and `end`, then the server closed the stream.
    await sse.closed;
    const end = sse.events.find((e) => e.event === 'end');
    expect(end && JSON.parse(end.data)).toMatchObject({ status: 'failed' });
    const statuses = sse.events.filter((e) => e.event === 'status').map((e) => JSON.parse(e.data));
    expect(statuses.at(-1)).toEqual({ status: 'failed', exitCode: 0, failureReason: SERVER_STOPPED_REASON });

    // Everything the child printed, its goodbye (printed 1.5 s after the signal) included, is stored once.
    const chunks = (await pg.query(`SELECT data FROM training_logs WHERE run_id = $1 ORDER BY byte_offset`, [runId])).rows;
    const log = Buffer.concat(chunks.map((r: { data: Buffer }) => r.data)).toString('latin1');
    // Then one marker line says why the run ended.
    const marker = markerLine(SERVER_STOPPED_MARKER).toString('latin1');
    expect(log.endsWith(marker)).toBe(true);
    const printed = log.slice(0, -marker.length);
    const bye = /bye after (\d+) lines\n$/.exec(printed) ?? ['', 'no goodbye line'];
    const lines = Number(bye[1]);
    expect(printed).toBe(expectedLines(lines) + bye[0]);
    checkNumberedPrefix(printed.slice(0, -bye[0].length));
    expect(logBytes(sse.events).toString('latin1')).toBe(log);

    const run = (await pg.query(`SELECT status, failure_reason, finished_at, log_size FROM runs WHERE id = $1`, [runId])).rows[0];
    expect(run).toMatchObject({ status: 'failed', failure_reason: SERVER_STOPPED_REASON, log_size: String(log.length) });
    expect(run.finished_at).toBeInstanceOf(Date);
    expect(groupMembers(pid)).toEqual([]);
    expect(groupMembers(pid)).not.toContain(grandchild);
  });

  it('refuses to start on a non-loopback HOST without API_TOKEN, with exit code 2 and how to set one', () => {
    const env: Record<string, string | undefined> = { ...process.env, HOST: '0.0.0.0', PORT: '0', DATABASE_URL: db.url };
    delete env['API_TOKEN'];
    delete env['ALLOW_UNAUTHENTICATED'];
    const result = spawnSync(process.execPath, [MAIN_JS], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 20_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/HOST=0\.0\.0\.0/);
    expect(result.stderr).toMatch(/API_TOKEN=\$\(openssl rand -hex 32\)/);
    expect(result.stderr).toMatch(/ALLOW_UNAUTHENTICATED=true/);
  });
});
