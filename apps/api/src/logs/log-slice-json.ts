/**
 * The JSON body of `GET /logs`, built as bytes around the base64 data instead of by JSON.stringify.
 *
 * Why: for a 1 MiB slice the base64 string is 1.4 MB, and JSON.stringify scans it character by character for
 * escapes that base64 never contains (measured: 9 ms of the 20 ms a tail=1MiB request took), then Express hashes
 * the body again for an ETag. base64's alphabet (A-Z a-z 0-9 + / =) is valid inside a JSON string as it is, so the
 * data goes in unescaped; every other field is small and still goes through JSON.stringify.
 */
import type { LogSlice } from '@ml-portal/contracts';

export type LogSliceFields = Omit<LogSlice, 'data'>;

export function logSliceJson(fields: LogSliceFields, bytes: Buffer): Buffer {
  const head = JSON.stringify(fields); // '{...}': reopened to append the data member
  return Buffer.concat([
    Buffer.from(`${head.slice(0, -1)},"data":"`, 'utf8'),
    Buffer.from(bytes.toString('base64'), 'latin1'),
    Buffer.from('"}', 'latin1'),
  ]);
}
