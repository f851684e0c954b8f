/** The stored log as a JSON slice and as raw bytes (whole or one Range), read page by page from the database. */
import { BadRequestException, HttpException, HttpStatus, Injectable, NotFoundException } from '@nestjs/common';
import { isFinishedStatus, LOG_SLICE_DEFAULT_LIMIT } from '@ml-portal/contracts';
import { Readable } from 'node:stream';
import { LogSliceQueryDto } from './dto/log-query.dto';
import type { LogSliceFields } from './log-slice-json';
import { RunLogState, TrainingLogStore } from './training-log.store';

export interface RawLog {
  status: 200 | 206;
  headers: Record<string, string>;
  body: Readable;
}

/** A single `bytes=` range, resolved against the size; undefined when the header is absent. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) {
    throw new BadRequestException('Range must be a single byte range: bytes=start-end, bytes=start- or bytes=-suffix');
  }
  const [, a, b] = match;
  let start: number;
  let end: number;
  if (a === '') {
    start = Math.max(0, size - Number(b));
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
    if (b !== '' && Number(b) < start) throw new BadRequestException('Range end must not be before its start');
  }
  if (start >= size || end < start) {
    throw new HttpException(
      { statusCode: 416, error: 'Range Not Satisfiable', message: `Range ${header} is outside the log (size ${size})` },
      HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
    );
  }
  return { start, end };
}

@Injectable()
export class LogHistoryService {
  constructor(private readonly store: TrainingLogStore) {}

  /** The slice's fields and its bytes (logSliceJson makes the response body of them). */
  async slice(runId: string, query: LogSliceQueryDto): Promise<{ fields: LogSliceFields; bytes: Buffer }> {
    if (query.tail !== undefined && query.offset !== undefined) {
      throw new BadRequestException('tail cannot be combined with offset: ask for one or the other');
    }
    const state = await this.requireState(runId);
    const limit = query.limit ?? LOG_SLICE_DEFAULT_LIMIT;
    const offset = query.tail !== undefined ? Math.max(0, state.size - query.tail) : (query.offset ?? 0);
    if (offset > state.size) {
      throw new HttpException(
        { statusCode: 416, error: 'Range Not Satisfiable', message: `offset ${offset} is past the end of the log (size ${state.size})` },
        HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
      );
    }
    const data = await this.store.read(runId, offset, Math.min(state.size, offset + limit));
    const nextOffset = offset + data.length;
    const fields: LogSliceFields = {
      runId,
      runStatus: state.status,
      offset,
      nextOffset,
      size: state.size,
      complete: isFinishedStatus(state.status) && nextOffset === state.size,
    };
    return { fields, bytes: data };
  }

  async raw(runId: string, rangeHeader: string | undefined): Promise<RawLog> {
    const state = await this.requireState(runId);
    const range = parseRange(rangeHeader, state.size);
    const start = range?.start ?? 0;
    const end = range ? range.end + 1 : state.size;
    const headers: Record<string, string> = {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(end - start),
      'Content-Disposition': `attachment; filename="${runId}.log"`,
      'Accept-Ranges': 'bytes',
      'Cache-Control': 'no-cache',
    };
    if (range) headers['Content-Range'] = `bytes ${start}-${end - 1}/${state.size}`;
    // Readable.from buffers 16 objects by default: 16 MiB of pieces waiting on a slow socket. readPages already
    // reads one page ahead, so one piece buffered here is enough.
    const body = Readable.from(this.store.readPages(runId, start, end), { highWaterMark: 1 });
    return { status: range ? 206 : 200, headers, body };
  }

  private async requireState(runId: string): Promise<RunLogState> {
    const state = await this.store.state(runId);
    if (!state) throw new NotFoundException(`run ${runId} not found`);
    return state;
  }
}
