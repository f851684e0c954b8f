import { PassThrough } from 'node:stream';
import { readCopiedChunks } from './copy-binary-reader';

/** A binary COPY stream of (bigint, bytea) rows, as PostgreSQL writes it. */
function copyStream(rows: [number, Buffer][]): Buffer {
  const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)];
  for (const [offset, data] of rows) {
    const head = Buffer.alloc(2 + 4 + 8 + 4);
    head.writeInt16BE(2, 0);
    head.writeInt32BE(8, 2);
    head.writeBigInt64BE(BigInt(offset), 6);
    head.writeInt32BE(data.length, 14);
    parts.push(head, data);
  }
  const trailer = Buffer.alloc(2);
  trailer.writeInt16BE(-1, 0);
  parts.push(trailer);
  return Buffer.concat(parts);
}

async function collect(bytes: Buffer, pieceSize: number) {
  const stream = new PassThrough();
  const out = (async () => {
    const rows: [number, string][] = [];
    for await (const c of readCopiedChunks(stream)) rows.push([c.offset, c.data.toString('latin1')]);
    return rows;
  })();
  for (let i = 0; i < bytes.length; i += pieceSize) stream.write(bytes.subarray(i, i + pieceSize));
  stream.end();
  return out;
}

describe('readCopiedChunks', () => {
  const rows: [number, Buffer][] = [
    [0, Buffer.from('first chunk\r\n')],
    [13, Buffer.from([0, 0xff, 0xfe, 0x1b, 0x5b])],
    [2 ** 40, Buffer.alloc(70_000, 7)],
  ];
  const expected = rows.map(([o, d]) => [o, d.toString('latin1')]);

  it.each([1, 3, 17, 65_536, 1 << 20])('reads every row exactly however the stream is cut (pieces of %i bytes)', async (size) => {
    expect(await collect(copyStream(rows), size)).toEqual(expected);
  });

  it('refuses a stream that is not binary COPY, and one cut short', async () => {
    await expect(collect(Buffer.from('hello world, this is text'), 5)).rejects.toThrow('not a binary COPY stream');
    const full = copyStream(rows);
    await expect(collect(full.subarray(0, full.length - 10), 1000)).rejects.toThrow('COPY stream ended early');
  });
});
