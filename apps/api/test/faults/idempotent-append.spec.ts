/**
 * Fault 3, the lost reply: a chunk whose commit succeeded but whose answer never arrived is sent again by the
 * ChunkWriter's retry at the same offset. TrainingLogStore.append must store it once (the byte offset is part
 * of the key) and leave log_size right, against the real schema.
 */
import { DataSource } from 'typeorm';
import { ChunkWriter } from '../../src/logs/chunk-writer';
import { TrainingLogStore } from '../../src/logs/training-log.store';
import { LogStoreFixture, openLogStore } from '../log-store-fixture';

jest.setTimeout(60_000);

describe('idempotent log writes', () => {
  let fixture: LogStoreFixture;
  let ds: DataSource;
  let store: TrainingLogStore;
  let runId: string;

  beforeAll(async () => {
    fixture = await openLogStore('idem');
    ({ ds, store } = fixture);
    runId = await fixture.newRun();
  });
  afterAll(() => fixture.close());

  const chunks = async () =>
    (await ds.query(`SELECT byte_offset, encode(data, 'escape') AS data FROM training_logs WHERE run_id = $1 ORDER BY byte_offset`, [runId])).map(
      (r: { byte_offset: string; data: string }) => [Number(r.byte_offset), r.data],
    );
  const logSize = async () => Number((await ds.query(`SELECT log_size FROM runs WHERE id = $1`, [runId]))[0].log_size);

  it('stores a chunk sent twice at the same offset once, and keeps log_size', async () => {
    await store.append(runId, 0, Buffer.from('hello '));
    await store.append(runId, 0, Buffer.from('hello '));
    await store.append(runId, 6, Buffer.from('world\n'));
    await store.append(runId, 6, Buffer.from('world\n'));
    await store.append(runId, 0, Buffer.from('hello ')); // a very late duplicate
    expect(await chunks()).toEqual([
      [0, 'hello '],
      [6, 'world\n'],
    ]);
    expect(await logSize()).toBe(12);
    expect((await store.read(runId, 0, 12)).toString()).toBe('hello world\n');
  });

  it('a ChunkWriter whose write committed but whose reply was lost retries at the same offset: stored once', async () => {
    let calls = 0;
    // The sink commits, then fails as a dropped connection would after the commit: the writer must retry.
    const lossySink = async (offset: number, data: Buffer) => {
      calls++;
      await store.append(runId, offset, data);
      if (calls % 2 === 1) throw new Error('Connection terminated unexpectedly');
    };
    const writer = new ChunkWriter(lossySink, { flushIntervalMs: 5, flushBytes: 1024, quietMs: 1, maxPendingBytes: 1 << 20, maxBytes: 1 << 30, retryInitialMs: 5 }, 12);
    const expected: string[] = [];
    for (let i = 0; i < 20; i++) {
      const line = `retry line ${i}\n`;
      expected.push(line);
      writer.write(Buffer.from(line));
      await new Promise((r) => setTimeout(r, 3));
    }
    await writer.flush();
    expect(calls).toBeGreaterThan(2);
    const text = (await store.read(runId, 0, await logSize())).toString();
    expect(text).toBe('hello world\n' + expected.join(''));
    const offsets = (await chunks()).map(([o]: [number]) => o);
    expect(new Set(offsets).size).toBe(offsets.length);
  });
});
