/**
 * Turns a child's output, as it arrives, into ordered append-only chunks at consecutive byte offsets.
 *
 * - Batching: a write goes out when the child has been quiet for `quietMs` (a line has ended), at the latest
 *   `flushIntervalMs` after the first pending byte, or at once when `flushBytes` are pending. While a write is in
 *   flight, new output gathers into the next batch (group commit), so a fast child gets big writes and a slow one
 *   gets its lines out within milliseconds.
 * - Backpressure: at most one write is in flight; when `maxPendingBytes` gather behind it, `onPressure(true)` asks
 *   the caller to pause the child's pipes (the child then blocks in write()), and `onPressure(false)` lets it go on.
 * - Retries: a failed write is retried with backoff at the same offset until it succeeds; the sink is idempotent
 *   by offset, so a write whose reply was lost is not stored twice.
 * - Cap: bytes past `maxBytes` are counted and dropped.
 */

export type ChunkSink = (offset: number, data: Buffer) => Promise<void>;

export interface ChunkWriterOptions {
  flushIntervalMs: number;
  flushBytes: number;
  quietMs: number;
  maxPendingBytes: number;
  maxBytes: number;
  retryInitialMs?: number;
  retryMaxMs?: number;
  onPressure?: (paused: boolean) => void;
  onRetry?: (error: unknown, attempt: number) => void;
}

export class ChunkWriter {
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  private nextOffset: number;
  private inflight: Promise<void> | null = null;
  private inflightBytes = 0;
  private quietTimer: NodeJS.Timeout | null = null;
  private intervalTimer: NodeJS.Timeout | null = null;
  private paused = false;
  private dropped = 0;
  private peakPending = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly sink: ChunkSink,
    private readonly options: ChunkWriterOptions,
    startOffset = 0,
  ) {
    this.nextOffset = startOffset;
  }

  /** Offset the next accepted byte will get: everything before it is stored, in flight or queued. */
  get acceptedOffset(): number {
    return this.nextOffset + this.queuedBytes;
  }

  get droppedBytes(): number {
    return this.dropped;
  }

  /** Most bytes that were ever queued behind the write in flight plus in it. */
  get peakPendingBytes(): number {
    return this.peakPending;
  }

  get pendingBytes(): number {
    return this.queuedBytes;
  }

  write(data: Buffer): void {
    const room = this.options.maxBytes - this.acceptedOffset;
    if (room <= 0) {
      this.dropped += data.length;
      return;
    }
    if (data.length > room) {
      this.dropped += data.length - room;
      data = data.subarray(0, room);
    }
    if (data.length === 0) return;
    // The stream may reuse its buffer only if we copy; Node gives each 'data' event a fresh Buffer, so keep it.
    this.queue.push(data);
    this.queuedBytes += data.length;
    this.peakPending = Math.max(this.peakPending, this.queuedBytes + this.inflightBytes);
    if (this.queuedBytes >= this.options.flushBytes) {
      this.kick();
    } else if (!this.inflight) {
      this.schedule();
    }
    if (this.inflight && this.queuedBytes >= this.options.maxPendingBytes) this.setPaused(true);
  }

  /** Writes everything accepted so far; resolves once it is all stored. */
  async flush(): Promise<void> {
    this.kick();
    while (this.inflight || this.queuedBytes > 0) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      this.kick();
    }
  }

  private schedule(): void {
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => this.kick(), this.options.quietMs);
    if (!this.intervalTimer) this.intervalTimer = setTimeout(() => this.kick(), this.options.flushIntervalMs);
  }

  private clearTimers(): void {
    if (this.quietTimer) clearTimeout(this.quietTimer);
    if (this.intervalTimer) clearTimeout(this.intervalTimer);
    this.quietTimer = this.intervalTimer = null;
  }

  private kick(): void {
    if (this.inflight || this.queuedBytes === 0) return;
    this.clearTimers();
    // A chunk holds about flushBytes at most: small chunks keep reads of a log's tail cheap (a read fetches whole
    // chunks) and appends fast; the rest of the queue goes in the next write, right after this one.
    let take = 0;
    let bytes = 0;
    while (take < this.queue.length && (bytes === 0 || bytes + this.queue[take].length <= this.options.flushBytes)) {
      bytes += this.queue[take++].length;
    }
    const parts = this.queue.splice(0, take);
    const batch = parts.length === 1 ? parts[0] : Buffer.concat(parts, bytes);
    const offset = this.nextOffset;
    this.queuedBytes -= bytes;
    this.nextOffset += batch.length;
    this.inflightBytes = batch.length;
    this.inflight = this.writeWithRetry(offset, batch).then(() => {
      this.inflight = null;
      this.inflightBytes = 0;
      // Whatever gathered during the write has already waited that long: send it now.
      if (this.queuedBytes > 0) this.kick();
      // The child may go on once what waits behind the (new) write in flight is below the bound again.
      if (this.queuedBytes < this.options.maxPendingBytes) this.setPaused(false);
      if (!this.inflight) this.idleWaiters.splice(0).forEach((resolve) => resolve());
    });
  }

  private async writeWithRetry(offset: number, batch: Buffer): Promise<void> {
    let delay = this.options.retryInitialMs ?? 100;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.sink(offset, batch);
        return;
      } catch (error) {
        this.options.onRetry?.(error, attempt);
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, this.options.retryMaxMs ?? 5000);
      }
    }
  }

  private setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    this.options.onPressure?.(paused);
  }
}
