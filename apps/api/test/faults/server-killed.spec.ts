/**
 * Fault 1: the server is killed with SIGKILL while a run prints. On the next start, on the same database:
 * every byte flushed before the kill is there exactly once (the log is a prefix of what the child printed, no
 * gap, no duplicate, followed by one marker line), the run is `failed` saying the server stopped, and the run's
 * orphaned process group (the child and its grandchild, still running unwatched) is terminated.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { markerLine } from '../../src/logs/log-capture.service';
import { SERVER_STOPPED_MARKER, SERVER_STOPPED_REASON } from '../../src/runs/run-outcome';
import { waitFor } from '../test-app';
import { createTestDatabase, TestDatabase } from '../test-database';
import { BuiltServer, checkNumberedPrefix, ensureBuilt, freePort, groupMembers, isAlive, startBuiltServer } from './built-server';

jest.setTimeout(60_000);

const PRINTER = path.join(__dirname, 'fixtures/numbered-printer.js');
const MARKER = markerLine(SERVER_STOPPED_MARKER).toString('latin1');

describe('server killed with SIGKILL mid-run', () => {
  let db: TestDatabase;
  let pg: Client;
  const servers: BuiltServer[] = [];
  const pids: number[] = [];
  let tmp: string;

  beforeAll(async () => {
    await ensureBuilt();
    db = await createTestDatabase();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-killed-'));
  }, 120_000);
  afterAll(async () => {
    for (const s of servers) s.process.kill('SIGKILL');
    for (const pid of pids) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* gone, as it should be */
      }
    }
    await pg.end();
    await db.drop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const storedBytes = async (runId: string): Promise<number> =>
    Number((await pg.query(`SELECT coalesce(sum(length(data)), 0) AS n FROM training_logs WHERE run_id = $1`, [runId])).rows[0].n);

  it('keeps every flushed byte once, fails the run saying why, and terminates its orphaned process group', async () => {
    const port = await freePort();
    const env = { DATABASE_URL: db.url, RUN_CANCEL_GRACE_MS: '1500', LOG_FLUSH_INTERVAL_MS: '50' };
    const first = await startBuiltServer(env, port);
    servers.push(first);
    const experimentId = (await first.request('POST', '/api/experiments', { name: 'killed' })).body.id;
    const pidFile = path.join(tmp, 'grandchild.pid');
    const created = await first.request('POST', `/api/experiments/${experimentId}/runs`, { command: ['node', PRINTER, '3', pidFile] });
    expect(created.body.status).toBe('running');
    const runId: string = created.body.id;
    await waitFor(async () => (await storedBytes(runId)) >= 6000, 20_000, 'some output stored');

    const flushedBeforeKill = await storedBytes(runId);
    first.process.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });

    // The run's process group outlived the server: the child keeps printing into a broken pipe, unwatched.
    const { rows } = await pg.query(`SELECT pid, status FROM runs WHERE id = $1`, [runId]);
    const pid: number = rows[0].pid;
    pids.push(pid);
    const grandchild = Number(fs.readFileSync(pidFile, 'utf8'));
    expect(rows[0].status).toBe('running');
    expect(isAlive(pid)).toBe(true);
    expect(isAlive(grandchild)).toBe(true);
    expect(groupMembers(pid)).toEqual(expect.arrayContaining([pid, grandchild]));

    const second = await startBuiltServer(env, port);
    servers.push(second);
    const run = (await second.request('GET', `/api/runs/${runId}`)).body;
    expect(run).toMatchObject({ status: 'failed', failureReason: SERVER_STOPPED_REASON });
    expect(run.finishedAt).toEqual(expect.any(String));

    const raw = await fetch(`${second.baseUrl}/api/runs/${runId}/logs/raw`);
    const log = Buffer.from(await raw.arrayBuffer()).toString('latin1');
    expect(log.endsWith(MARKER)).toBe(true);
    expect(log.indexOf('[ml-portal]')).toBe(log.length - MARKER.length + MARKER.indexOf('[ml-portal]'));
    const printed = log.slice(0, -MARKER.length);
    checkNumberedPrefix(printed); // no gap, no duplicate, nothing but what the child printed
    expect(printed.length).toBeGreaterThanOrEqual(flushedBeforeKill);
    expect(run.logSize).toBe(log.length);

    // Chunks follow each other exactly: each starts where the previous one ended.
    const chunks = (await pg.query(`SELECT byte_offset, length(data) AS len FROM training_logs WHERE run_id = $1 ORDER BY byte_offset`, [runId])).rows;
    let expected = 0;
    for (const c of chunks) {
      expect(Number(c.byte_offset)).toBe(expected);
      expected += Number(c.len);
    }
    expect(expected).toBe(log.length);

    // The orphaned group was signalled (SIGTERM, then SIGKILL after the grace period): nothing of it is left.
    await waitFor(async () => groupMembers(pid).length === 0, 10_000, 'the orphaned process group to end');
    expect(isAlive(pid)).toBe(false);
    expect(isAlive(grandchild)).toBe(false);
    expect(second.output()).toContain(`run ${runId} was left running by a server that stopped; marked failed`);

    second.process.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  });
});
