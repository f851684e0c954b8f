/** The log endpoints' payloads: the JSON slice and the SSE events. Log bytes travel as base64. */
import type { RunStatus } from './runs';

export const LOG_SLICE_DEFAULT_LIMIT = 4 * 1024 * 1024;
export const LOG_SLICE_MAX_LIMIT = 16 * 1024 * 1024;

/** `GET /api/runs/:runId/logs` */
export interface LogSlice {
  runId: string;
  runStatus: RunStatus;
  /** Offset of the first byte in `data`. */
  offset: number;
  /** Offset just past the last byte in `data`: where to continue (history, then the stream). */
  nextOffset: number;
  /** Bytes stored now. */
  size: number;
  /** The run has finished and nothing is left past `nextOffset`. */
  complete: boolean;
  /** base64 of bytes [offset, nextOffset). */
  data: string;
}

/** SSE event names on `GET /api/runs/:runId/logs/stream`. */
export type LogStreamEventType = 'log' | 'status' | 'end' | 'ping';

/** `event: log`; its SSE id is `offset + bytes`, the resume point. */
export interface LogEventData {
  offset: number;
  /** base64 */
  data: string;
}

/** `event: status`: sent first and on every change. */
export interface StatusEventData {
  status: RunStatus;
  exitCode: number | null;
  failureReason: string | null;
}

/** `event: end`: the run finished and every byte up to `size` was sent; the server closes the stream. */
export interface EndEventData {
  status: RunStatus;
  exitCode: number | null;
  size: number;
}

/** Every error body. */
export interface ApiError {
  statusCode: number;
  error: string;
  message: string;
}
