/**
 * The live log as SSE events, read from the database only (never from capture's memory), so the API can serve
 * runs captured by another process.
 *
 * One shared tail per watched run polls the database for the run's state and the bytes past what it has already
 * read, however many clients watch: at once when LogNotifier says the log grew, and at least every
 * LOG_POLL_INTERVAL_MS. Each client has its own cursor: it first
 * catches up from its own offset with its own reads, then takes its part of each shared tick. The tail starts
 * with the first client of a run and stops with the last (share() with reset on ref-count zero).
 */
import { BadRequestException, Inject, Injectable, Logger, MessageEvent, NotFoundException } from '@nestjs/common';
import { isFinishedStatus } from '@ml-portal/contracts';
import type { EndEventData, LogEventData, StatusEventData } from '@ml-portal/contracts';
import { concat, concatMap, defer, finalize, from, Observable, share, takeWhile } from 'rxjs';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { LogNotifier } from './log-notifier';
import { RunLogState, StoredChunk, TrainingLogStore } from './training-log.store';

/** Most bytes one shared tick or one catch-up read carries; a flood is followed over several reads. */
const MAX_READ_BYTES = 1024 * 1024;

interface TailTick {
  state: RunLogState;
  /** Bytes the shared tail read this time (may be empty), at their offset. */
  chunk: SharedChunk;
}

/** A tick's chunk, with its `log` event built once for all the clients that are exactly at its offset. */
interface SharedChunk extends StoredChunk {
  event?: MessageEvent;
}

interface ClientCursor {
  offset: number;
  lastStatus?: string;
}

export interface StreamStats {
  /** Open SSE streams. */
  streams: number;
  /** Runs with a shared tail polling now. */
  pollers: number;
  /** Poll queries sent since start, by run. */
  polls: Map<string, number>;
}

@Injectable()
export class LogStreamService {
  private readonly logger = new Logger(LogStreamService.name);
  private readonly tails = new Map<string, Observable<TailTick>>();
  private openStreams = 0;
  private readonly pollCounts = new Map<string, number>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly store: TrainingLogStore,
    private readonly notifier: LogNotifier,
  ) {}

  stats(): StreamStats {
    return { streams: this.openStreams, pollers: this.tails.size, polls: new Map(this.pollCounts) };
  }

  /**
   * Checks the run and the offset (so that errors are JSON answers, sent before any event), then returns the
   * stream of events from `offset` on.
   */
  async open(runId: string, offset: number): Promise<Observable<MessageEvent>> {
    const state = await this.store.state(runId);
    if (!state) throw new NotFoundException(`run ${runId} not found`);
    if (offset > state.size) {
      throw new BadRequestException(`offset ${offset} is past the end of the log (size ${state.size})`);
    }
    return this.follow(runId, offset, state);
  }

  private follow(runId: string, startOffset: number, initial: RunLogState): Observable<MessageEvent> {
    return new Observable<MessageEvent>((subscriber) => {
      this.openStreams++;
      const cursor: ClientCursor = { offset: startOffset };
      const events = concat(
        defer(() => from(this.deliver(runId, cursor, initial))),
        defer(() => this.tail(runId)).pipe(concatMap((tick) => from(this.deliver(runId, cursor, tick.state, tick.chunk)))),
      ).pipe(takeWhile((event) => event.type !== 'end', true));
      const keepAlive = setInterval(() => subscriber.next({ comment: 'keep-alive' }), this.config.sseKeepAliveMs);
      const subscription = events.subscribe(subscriber);
      return () => {
        clearInterval(keepAlive);
        subscription.unsubscribe();
        this.openStreams--;
      };
    });
  }

  /**
   * The events that bring one client from its cursor up to the run's `state`: its own reads for bytes before
   * the shared chunk, its slice of the chunk, a status event if the status changed, and `end` once finished
   * and fully sent.
   */
  private async *deliver(runId: string, cursor: ClientCursor, state: RunLogState, chunk?: SharedChunk): AsyncGenerator<MessageEvent> {
    const ownReadsUpTo = chunk ? chunk.offset : state.size;
    while (cursor.offset < ownReadsUpTo) {
      const data = await this.store.read(runId, cursor.offset, Math.min(ownReadsUpTo, cursor.offset + MAX_READ_BYTES));
      if (data.length === 0) break;
      yield this.logEvent(cursor, data);
    }
    if (chunk) {
      const chunkEnd = chunk.offset + chunk.data.length;
      if (cursor.offset === chunk.offset && chunkEnd > chunk.offset) {
        // The common case: a client following the tail. Encoding each chunk once, not once per client, is what
        // keeps the server's CPU (and so the latency) flat as watchers are added.
        chunk.event ??= this.logEvent({ offset: chunk.offset }, chunk.data);
        cursor.offset = chunkEnd;
        yield chunk.event;
      } else if (cursor.offset > chunk.offset && cursor.offset < chunkEnd) {
        yield this.logEvent(cursor, chunk.data.subarray(cursor.offset - chunk.offset));
      }
    }
    if (state.status !== cursor.lastStatus) {
      cursor.lastStatus = state.status;
      const data: StatusEventData = { status: state.status, exitCode: state.exitCode, failureReason: state.failureReason };
      // Every event carries the resume offset as its id: without one, Nest would number it, and a browser
      // would send that number back as Last-Event-ID.
      yield { type: 'status', id: String(cursor.offset), data };
    }
    if (isFinishedStatus(state.status) && cursor.offset >= state.size) {
      const data: EndEventData = { status: state.status, exitCode: state.exitCode, size: state.size };
      yield { type: 'end', id: String(cursor.offset), data };
    }
  }

  private logEvent(cursor: { offset: number }, bytes: Buffer): MessageEvent {
    const data: LogEventData = { offset: cursor.offset, data: bytes.toString('base64') };
    cursor.offset += bytes.length;
    // Serialised here, once: Nest writes string data as it is.
    return { type: 'log', id: String(cursor.offset), data: JSON.stringify(data) };
  }

  /**
   * The run's shared tail: created by its first watcher, stopped (and forgotten) when its last one leaves.
   *
   * It polls when the run's log grows (a LogNotifier wake-up) and otherwise at the latest LOG_POLL_INTERVAL_MS after
   * its last poll, which stays the guarantee. At most one poll is in flight; wake-ups that arrive during a poll
   * are not dropped but folded into one more poll right after it (they may announce bytes the poll missed). A
   * poll that hit MAX_READ_BYTES is followed at once by the next, so a tail behind a flood catches up.
   */
  private tail(runId: string): Observable<TailTick> {
    const existing = this.tails.get(runId);
    if (existing) return existing;
    const tail = new Observable<TailTick>((subscriber) => {
      let tailOffset: number | undefined;
      let inFlight = false;
      let again = false;
      let stopped = false;
      let nextPoll: NodeJS.Timeout | undefined;
      const pollNow = (): void => {
        if (stopped) return;
        if (inFlight) {
          again = true;
          return;
        }
        inFlight = true;
        again = false;
        clearTimeout(nextPoll);
        this.poll(runId, tailOffset)
          .then(
            (tick) => {
              tailOffset = tick.chunk.offset + tick.chunk.data.length;
              if (tailOffset < tick.state.size) again = true;
              if (!stopped) subscriber.next(tick);
            },
            // A failed poll is retried at the next interval; clients keep their cursors.
            (error) => this.logger.warn(`run ${runId}: poll failed: ${String(error)}`),
          )
          .finally(() => {
            inFlight = false;
            if (stopped) return;
            if (again) pollNow();
            else nextPoll = setTimeout(pollNow, this.config.logPollIntervalMs);
          });
      };
      const wakeups = this.notifier.wakeups(runId).subscribe(pollNow);
      pollNow();
      return () => {
        stopped = true;
        clearTimeout(nextPoll);
        wakeups.unsubscribe();
      };
    }).pipe(
      finalize(() => {
        if (this.tails.get(runId) === tail) this.tails.delete(runId);
      }),
      share({ resetOnRefCountZero: true, resetOnComplete: true, resetOnError: true }),
    );
    this.tails.set(runId, tail);
    return tail;
  }

  private async poll(runId: string, tailOffset: number | undefined): Promise<TailTick> {
    this.pollCounts.set(runId, (this.pollCounts.get(runId) ?? 0) + 1);
    const state = await this.store.state(runId);
    if (!state) throw new Error('run disappeared');
    // The first poll starts the tail at the end: earlier bytes are each client's own catch-up.
    const offset = tailOffset ?? state.size;
    const to = Math.min(state.size, offset + MAX_READ_BYTES);
    const data = to > offset ? await this.store.read(runId, offset, to) : Buffer.alloc(0);
    return { state, chunk: { offset, data } };
  }
}
