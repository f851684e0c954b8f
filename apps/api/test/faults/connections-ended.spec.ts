/**
 * Fault: PostgreSQL ends the server's connections (the log store's two pools and TypeORM's; pg_terminate_backend,
 * as an administrator or a restart does) again and again while one run's log is appended, another's is read and
 * run states are queried through TypeORM. A connection that ends mid-query,
 * between a query and its return to the pool, or in the packet that completes its start-up must fail that one
 * query with an error, never raise an unhandled 'error' event, which would end the whole server (CI saw it once,
 * during the database-restart fault test). So:
 * - no uncaught exception;
 * - every read that succeeds returns the stored bytes exactly, every state query the right size; the others fail
 *   with PostgreSQL's message;
 * - the appender (a ChunkWriter, retrying at the same offset as capture does) ends with its whole log stored,
 *   contiguous, once;
 * - reads work again once the storm is over.
 */
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ChunkWriter } from '../../src/logs/chunk-writer';
import { TrainingLogStore } from '../../src/logs/training-log.store';
import { LogStoreFixture, openLogStore } from '../log-store-fixture';

jest.setTimeout(60_000);

const STORM_MS = 4000;
const READERS = 6;

function chunkOf(i: number): Buffer {
  return Buffer.from(`chunk ${i} `.padEnd(8 * 1024, String.fromCharCode(97 + (i % 26))) + '\n');
}

describe('log reads and appends while PostgreSQL ends their connections', () => {
  let fixture: LogStoreFixture;
  let ds: DataSource;
  let store: TrainingLogStore;
  let readRunId: string;
  let writeRunId: string;
  let stored: Buffer;
  const uncaught: Error[] = [];
  const onUncaught = (error: Error) => uncaught.push(error);

  beforeAll(async () => {
    fixture = await openLogStore('ended');
    ({ ds, store } = fixture);
    readRunId = await fixture.newRun();
    writeRunId = await fixture.newRun();
    const parts: Buffer[] = [];
    for (let offset = 0, i = 0; i < 16; i++) {
      const chunk = chunkOf(i);
      await store.append(readRunId, offset, chunk);
      parts.push(chunk);
      offset += chunk.length;
    }
    stored = Buffer.concat(parts);
    process.on('uncaughtException', onUncaught);
  });
  afterAll(async () => {
    process.off('uncaughtException', onUncaught);
    await fixture.close();
  });

  it('fails only the queries it must, stores every appended byte once, and reads again afterwards', async () => {
    const killer = new Client({ connectionString: fixture.db.url });
    await killer.connect();
    const until = Date.now() + STORM_MS;
    const ended: Record<string, number> = {};
    const storm = (async () => {
      while (Date.now() < until) {
        const { rows } = await killer.query<{ application_name: string; n: number }>(
          `SELECT application_name, count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
            WHERE application_name IN ('ml-portal', 'ml-portal-log-reader', 'ml-portal-log-writer')
              AND datname = current_database()
            GROUP BY application_name`,
        );
        for (const row of rows) ended[row.application_name] = (ended[row.application_name] ?? 0) + row.n;
        await new Promise((r) => setTimeout(r, Math.random() * 4));
      }
    })();

    const reads = { exact: 0, wrong: 0, failed: 0 };
    const readErrors = new Set<string>();
    const reader = async () => {
      while (Date.now() < until) {
        // The whole log, or the bytes from a random offset: both go through COPY on the read pool.
        const from = Math.random() < 0.5 ? 0 : Math.floor(Math.random() * stored.length);
        try {
          const bytes = await store.read(readRunId, from, stored.length);
          if (bytes.equals(stored.subarray(from))) reads.exact++;
          else reads.wrong++;
        } catch (error) {
          reads.failed++;
          readErrors.add((error as Error).message);
        }
      }
    };

    const states = { right: 0, wrong: 0, failed: 0 };
    const stateQuerier = async () => {
      while (Date.now() < until) {
        // A TypeORM query (the run's status and log size), as every request and poll makes.
        try {
          const state = await store.state(readRunId);
          if (state?.size === stored.length) states.right++;
          else states.wrong++;
        } catch {
          states.failed++;
        }
      }
    };

    let failedAppends = 0;
    const written: Buffer[] = [];
    const appender = async () => {
      const writer = new ChunkWriter((offset, data) => store.append(writeRunId, offset, data), {
        flushIntervalMs: 5,
        flushBytes: 16 * 1024,
        quietMs: 1,
        maxPendingBytes: 1 << 20,
        maxBytes: 1 << 30,
        retryInitialMs: 5,
        retryMaxMs: 50,
        onRetry: () => failedAppends++,
      });
      for (let i = 0; Date.now() < until; i++) {
        const chunk = chunkOf(i);
        written.push(chunk);
        writer.write(chunk);
        await new Promise((r) => setTimeout(r, 2));
      }
      await writer.flush();
    };

    await Promise.all([storm, appender(), stateQuerier(), stateQuerier(), ...Array.from({ length: READERS }, reader)]);
    await killer.end();

    console.log(
      `connections ended: ${JSON.stringify(ended)}; reads ${JSON.stringify(reads)}; states ${JSON.stringify(states)}; ` +
        `failed appends (retried) ${failedAppends}; ` +
        `read errors: ${[...readErrors].join(' | ')}`,
    );
    expect(uncaught).toEqual([]);
    expect(ended['ml-portal-log-reader']).toBeGreaterThan(20);
    expect(ended['ml-portal-log-writer']).toBeGreaterThan(5);
    expect(ended['ml-portal']).toBeGreaterThan(5);
    expect(states.wrong).toBe(0);
    expect(states.right).toBeGreaterThan(0);
    expect(states.failed).toBeGreaterThan(0);
    expect(reads.wrong).toBe(0);
    expect(reads.exact).toBeGreaterThan(0);
    expect(reads.failed).toBeGreaterThan(0);
    expect(failedAppends).toBeGreaterThan(0);

    // The appended log: every byte, once, in contiguous chunks.
    const expected = Buffer.concat(written);
    const chunks: { byte_offset: string; length: number }[] = await ds.query(
      `SELECT byte_offset, length(data) AS length FROM training_logs WHERE run_id = $1 ORDER BY byte_offset`,
      [writeRunId],
    );
    let next = 0;
    for (const chunk of chunks) {
      expect(Number(chunk.byte_offset)).toBe(next);
      next += chunk.length;
    }
    expect(next).toBe(expected.length);
    // After the storm the pools have replaced their connections: reads succeed again.
    expect((await store.read(writeRunId, 0, expected.length)).equals(expected)).toBe(true);
    for (let i = 0; i < 10; i++) expect((await store.read(readRunId, 0, stored.length)).equals(stored)).toBe(true);
  });
});
