/**
 * One run's log as an ordered, gap-free, duplicate-free byte sequence: the history slice first, then the SSE
 * stream from where the history ended. When the stream drops, the feed closes it and opens a new one at the last
 * offset it has (with backoff), rather than letting EventSource reconnect on its own, so that the resume point is
 * always the feed's own and never the browser's. Framework-free apart from the client it is given.
 */
import { HttpErrorResponse } from '@angular/common/http';
import type {
  ApiError,
  EndEventData,
  LogEventData,
  LogSlice,
  StatusEventData,
} from '@ml-portal/contracts';
import type { Subscription } from 'rxjs';
import { base64ToBytes } from './base64-bytes';
import type { LogStreamClient } from './log-stream-client';
import type { LogViewerOptions } from './log-viewer-options';

export type LogFeedState =
  | { kind: 'loading' }
  | { kind: 'streaming' }
  | { kind: 'reconnecting'; attempt: number; delayMs: number }
  | { kind: 'ended' }
  | { kind: 'error'; reason: 'not-found' | 'unreachable' | 'server' | 'stream-failing'; message: string };

export interface LogFeedListener {
  /** The history arrived; `slice.offset` bytes at the start of the log are not part of it. */
  history(slice: LogSlice): void;
  /** Bytes that follow everything delivered before, in order. */
  bytes(bytes: Uint8Array): void;
  status(status: StatusEventData): void;
  end(end: EndEventData): void;
  state(state: LogFeedState): void;
}

type StreamEventType = 'log' | 'status' | 'end' | 'ping' | 'error';

export class LogFeed {
  /** The offset of the next byte this feed needs: everything before it has been delivered. */
  private position = 0;
  private historyLoaded = false;
  private failures = 0;
  private finished = false;
  private disposed = false;
  private historySubscription: Subscription | null = null;
  private source: EventSource | null = null;
  private sourceListeners: Array<[StreamEventType, EventListener]> = [];
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly client: LogStreamClient,
    private readonly apiBase: string,
    private readonly runId: string,
    private readonly options: LogViewerOptions,
    private readonly listener: LogFeedListener,
  ) {}

  /** The offset the next stream starts at. */
  get offset(): number {
    return this.position;
  }

  start(): void {
    this.loadHistory();
  }

  /** After an error: reload the history if it never arrived, else resume the stream where it stopped. */
  retry(): void {
    if (this.disposed || this.finished) {
      return;
    }
    this.failures = 0;
    this.clearReconnectTimer();
    if (this.historyLoaded) {
      this.openStream();
    } else {
      this.loadHistory();
    }
  }

  dispose(): void {
    this.disposed = true;
    this.historySubscription?.unsubscribe();
    this.historySubscription = null;
    this.clearReconnectTimer();
    this.closeStream();
  }

  private loadHistory(): void {
    this.historySubscription?.unsubscribe();
    this.listener.state({ kind: 'loading' });
    this.historySubscription = this.client.history(this.apiBase, this.runId, this.options.historyTailBytes).subscribe({
      next: (slice) => {
        this.historySubscription = null;
        this.historyLoaded = true;
        this.position = slice.nextOffset;
        this.listener.history(slice);
        const bytes = base64ToBytes(slice.data);
        if (bytes.length > 0) {
          this.listener.bytes(bytes);
        }
        this.openStream();
      },
      error: (error: unknown) => {
        this.historySubscription = null;
        this.listener.state(historyError(error, this.runId));
      },
    });
  }

  private openStream(): void {
    this.closeStream();
    if (this.disposed) {
      return;
    }
    const source = this.client.stream(this.apiBase, this.runId, this.position);
    this.source = source;
    this.listen(source, 'log', (event) => this.onLog(event));
    this.listen(source, 'status', (event) => this.onStatus(event));
    this.listen(source, 'end', (event) => this.onEnd(event));
    this.listen(source, 'ping', () => this.onAlive());
    this.listen(source, 'error', () => this.onError());
    if (this.failures === 0) {
      this.listener.state({ kind: 'streaming' }); // after a failure, only an event proves the stream works again
    }
  }

  private listen(source: EventSource, type: StreamEventType, handle: (event: MessageEvent<string>) => void): void {
    const listener = handle as EventListener;
    source.addEventListener(type, listener);
    this.sourceListeners.push([type, listener]);
  }

  private closeStream(): void {
    const source = this.source;
    if (!source) {
      return;
    }
    for (const [type, listener] of this.sourceListeners) {
      source.removeEventListener(type, listener);
    }
    this.sourceListeners = [];
    source.close();
    this.source = null;
  }

  private onLog(event: MessageEvent<string>): void {
    const payload = parse<LogEventData>(event);
    if (!payload) {
      return this.onError();
    }
    const bytes = base64ToBytes(payload.data);
    const start = payload.offset;
    const end = start + bytes.length;
    if (start > this.position) {
      // The server skipped bytes we do not have: never show a gap, fetch again from what we have.
      return this.onError();
    }
    this.onAlive();
    if (end <= this.position) {
      return; // already delivered
    }
    const fresh = start < this.position ? bytes.subarray(this.position - start) : bytes;
    this.position = end;
    this.listener.bytes(fresh);
  }

  private onStatus(event: MessageEvent<string>): void {
    const payload = parse<StatusEventData>(event);
    if (!payload) {
      return this.onError();
    }
    this.onAlive();
    this.listener.status(payload);
  }

  private onEnd(event: MessageEvent<string>): void {
    const payload = parse<EndEventData>(event);
    if (!payload) {
      return this.onError();
    }
    this.finished = true;
    this.closeStream();
    this.listener.state({ kind: 'ended' });
    this.listener.end(payload);
  }

  private onAlive(): void {
    if (this.failures > 0) {
      this.failures = 0;
      this.listener.state({ kind: 'streaming' });
    }
  }

  private onError(): void {
    if (this.disposed || this.finished || !this.source) {
      return;
    }
    // Close at once: left open, EventSource would reconnect by itself with its own idea of where to resume.
    this.closeStream();
    this.failures++;
    if (this.failures > this.options.maxReconnectAttempts) {
      this.listener.state({
        kind: 'error',
        reason: 'stream-failing',
        message: 'The live log stream keeps failing. The server may be down or restarting.',
      });
      return;
    }
    const delayMs = Math.min(
      this.options.reconnectDelayMs * 2 ** (this.failures - 1),
      this.options.maxReconnectDelayMs,
    );
    this.listener.state({ kind: 'reconnecting', attempt: this.failures, delayMs });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.openStream();
    }, delayMs);
  }

  private clearReconnectTimer(): void {
    if (this.reconnectTimer !== null) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
    }
  }
}

function parse<T>(event: MessageEvent<string>): T | null {
  try {
    return JSON.parse(event.data) as T;
  } catch {
    return null;
  }
}

function historyError(error: unknown, runId: string): LogFeedState {
  if (error instanceof HttpErrorResponse) {
    if (error.status === 404) {
      return { kind: 'error', reason: 'not-found', message: `Run ${runId} was not found.` };
    }
    if (error.status === 0) {
      return { kind: 'error', reason: 'unreachable', message: 'The server cannot be reached.' };
    }
    const body = error.error as Partial<ApiError> | null;
    const detail = typeof body?.message === 'string' ? body.message : error.statusText;
    return { kind: 'error', reason: 'server', message: `Loading the log failed (${error.status}): ${detail}` };
  }
  return { kind: 'error', reason: 'server', message: 'Loading the log failed.' };
}
