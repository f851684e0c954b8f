import { ChunkWriter, ChunkWriterOptions } from './chunk-writer';

const options = (over: Partial<ChunkWriterOptions> = {}): ChunkWriterOptions => ({
  flushIntervalMs: 200,
  flushBytes: 100,
  quietMs: 5,
  maxPendingBytes: 300,
  maxBytes: 1_000_000,
  retryInitialMs: 1,
  retryMaxMs: 4,
  ...over,
});

/** A sink whose writes complete when the test says so. */
function manualSink() {
  const writes: { offset: number; data: Buffer; done: () => void; fail: (e: Error) => void }[] = [];
  const sink = (offset: number, data: Buffer) =>
    new Promise<void>((done, fail) => writes.push({ offset, data: Buffer.from(data), done, fail }));
  return { sink, writes };
}

describe('ChunkWriter', () => {
  it('writes consecutive chunks at consecutive offsets, from the start offset', async () => {
    const stored: [number, string][] = [];
    const writer = new ChunkWriter(async (o, d) => void stored.push([o, d.toString()]), options(), 40);
    writer.write(Buffer.from('abc'));
    await writer.flush();
    writer.write(Buffer.from('de'));
    writer.write(Buffer.from('f'));
    await writer.flush();
    expect(stored).toEqual([[40, 'abc'], [43, 'def']]);
    expect(writer.acceptedOffset).toBe(46);
  });

  it('writes once the child has been quiet for quietMs, without waiting for the interval', async () => {
    const stored: string[] = [];
    const writer = new ChunkWriter(async (_o, d) => void stored.push(d.toString()), options({ quietMs: 10, flushIntervalMs: 10_000 }));
    writer.write(Buffer.from('line\n'));
    await new Promise((r) => setTimeout(r, 60));
    expect(stored).toEqual(['line\n']);
  });

  it('writes at once when flushBytes are pending, and gathers what arrives meanwhile into the next write', async () => {
    const { sink, writes } = manualSink();
    const writer = new ChunkWriter(sink, options({ quietMs: 10_000, flushIntervalMs: 10_000 }));
    writer.write(Buffer.alloc(100, 1));
    expect(writes).toHaveLength(1);
    writer.write(Buffer.alloc(30, 2));
    writer.write(Buffer.alloc(30, 3));
    expect(writes).toHaveLength(1); // one write in flight at a time
    writes[0].done();
    await new Promise((r) => setImmediate(r));
    expect(writes).toHaveLength(2);
    expect(writes[1].offset).toBe(100);
    expect([...writes[1].data]).toEqual([...Buffer.alloc(30, 2), ...Buffer.alloc(30, 3)]);
  });

  it('asks to pause the child while maxPendingBytes wait behind a write, and to resume after it', async () => {
    const { sink, writes } = manualSink();
    const pressure: boolean[] = [];
    const writer = new ChunkWriter(sink, options({ onPressure: (p) => pressure.push(p) }));
    writer.write(Buffer.alloc(100));
    for (let i = 0; i < 5; i++) writer.write(Buffer.alloc(80));
    expect(pressure).toEqual([true]);
    expect(writer.pendingBytes).toBe(400);
    // Writes carry about flushBytes each: after the first, 320 bytes still wait behind the second, over the bound.
    writes[0].done();
    await new Promise((r) => setImmediate(r));
    expect(pressure).toEqual([true]);
    expect(writes[1].data.length).toBe(80);
    writes[1].done();
    await new Promise((r) => setImmediate(r));
    expect(pressure).toEqual([true, false]);
    for (let i = 2; i < 6; i++) {
      await new Promise((r) => setImmediate(r));
      writes[i]?.done();
    }
    await writer.flush();
    expect(writes.map((w) => w.offset)).toEqual([0, 100, 180, 260, 340, 420]);
    expect(writer.peakPendingBytes).toBe(500);
  });

  it('retries a failed write at the same offset until it succeeds, losing nothing', async () => {
    let failures = 3;
    const stored: [number, string][] = [];
    const retries: number[] = [];
    const writer = new ChunkWriter(
      async (o, d) => {
        if (failures-- > 0) throw new Error('connection refused');
        stored.push([o, d.toString()]);
      },
      options({ onRetry: (_e, attempt) => retries.push(attempt) }),
    );
    writer.write(Buffer.from('precious'));
    await writer.flush();
    expect(retries).toEqual([1, 2, 3]);
    expect(stored).toEqual([[0, 'precious']]);
  });

  it('drops bytes past maxBytes and counts them', async () => {
    const stored: string[] = [];
    const writer = new ChunkWriter(async (_o, d) => void stored.push(d.toString()), options({ maxBytes: 5 }));
    writer.write(Buffer.from('abc'));
    writer.write(Buffer.from('defg'));
    writer.write(Buffer.from('hij'));
    await writer.flush();
    expect(stored.join('')).toBe('abcde');
    expect(writer.droppedBytes).toBe(5);
  });
});
