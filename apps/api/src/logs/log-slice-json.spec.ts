import { randomBytes } from 'node:crypto';
import { logSliceJson, LogSliceFields } from './log-slice-json';

const fields: LogSliceFields = {
  runId: '0b8f4c1e-7d2a-4a57-9d4e-2f0a6f3c9b11',
  runStatus: 'running',
  offset: 10,
  nextOffset: 10,
  size: 99,
  complete: false,
};

describe('logSliceJson', () => {
  it('is the JSON that JSON.stringify would give, for empty, text and arbitrary bytes', () => {
    for (const bytes of [Buffer.alloc(0), Buffer.from('Epoch 1/5 \x1b[32mloss\x1b[0m "quoted" \\ é\n'), randomBytes(100_003)]) {
      const slice = { ...fields, nextOffset: fields.offset + bytes.length };
      const body = logSliceJson(slice, bytes);
      expect(JSON.parse(body.toString('utf8'))).toEqual({ ...slice, data: bytes.toString('base64') });
      expect(Buffer.from(JSON.parse(body.toString('utf8')).data, 'base64').equals(bytes)).toBe(true);
      expect(body.toString('utf8')).toBe(JSON.stringify({ ...slice, data: bytes.toString('base64') }));
    }
  });
});
