/**
 * Reads and appends of a run's log chunks. The only code that knows how the log is laid out in the database:
 * capture appends through it, history and the stream read through it.
 *
 * Log bytes go through two small pools of their own rather than TypeORM's:
 * - appends commit with synchronous_commit off: a chunk's commit does not wait for its WAL flush, which more
 *   than doubles capture throughput. A PostgreSQL crash (not a restart: those flush) can lose the last fraction of
 *   a second of output, never reorder it; a run's final status is committed synchronously after its last chunk,
 *   and that flush makes every earlier chunk durable too;
 * - reads use COPY in binary format (see copy-binary-reader.ts): the bytes cross as they are, streamed.
 */
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { RunStatus } from '@ml-portal/contracts';
import { Pool } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { GuardedClient } from '../database/guarded-client';
import { CopiedChunk, readCopiedChunks } from './copy-binary-reader';
import { LOG_CHANNEL } from './log-notifier';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a log reader needs to know about the run: whether more is coming, and how much is stored. */
export interface RunLogState {
  status: RunStatus;
  exitCode: number | null;
  failureReason: string | null;
  size: number;
}

export interface StoredChunk {
  offset: number;
  data: Buffer;
}

@Injectable()
export class TrainingLogStore implements OnApplicationShutdown {
  private readonly logger = new Logger(TrainingLogStore.name);
  private readonly writer: Pool;
  private readonly reader: Pool;

  constructor(@InjectDataSource() private readonly db: DataSource) {
    const url = (db.options as { url?: string }).url;
    const common = { connectionString: url, allowExitOnIdle: true, idleTimeoutMillis: 30_000, Client: GuardedClient };
    this.writer = new Pool({ ...common, max: 4, application_name: 'ml-portal-log-writer', options: '-c synchronous_commit=off' });
    this.reader = new Pool({ ...common, max: 8, application_name: 'ml-portal-log-reader' });
    // An idle connection that breaks (PostgreSQL restarted) is dropped and replaced at the next query.
    for (const pool of [this.writer, this.reader]) pool.on('error', (error) => this.logger.warn(`log pool: ${error.message}`));
  }

  /**
   * Last of the shutdown hooks: the runs stopped in beforeApplicationShutdown write their final bytes through
   * these pools, so they close only after that.
   */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.writer.end(), this.reader.end()]);
  }

  /** Closes the store's own connections (for code that built it by hand). */
  close(): Promise<void> {
    return this.onApplicationShutdown();
  }

  /** The run's status and log size in one read (null for an unknown run). */
  async state(runId: string): Promise<RunLogState | null> {
    const rows: { status: RunStatus; exit_code: number | null; failure_reason: string | null; log_size: string }[] =
      await this.db.query(`SELECT status, exit_code, failure_reason, log_size FROM runs WHERE id = $1`, [runId]);
    if (rows.length === 0) return null;
    const [row] = rows;
    return { status: row.status, exitCode: row.exit_code, failureReason: row.failure_reason, size: Number(row.log_size) };
  }

  /**
   * Stores bytes [offset, offset + data.length), moves the run's log_size past them and announces the new size on
   * the `ml_portal_log` channel (LogNotifier wakes the run's readers with it), in one statement: the notification
   * is delivered when the append commits, never before.
   * Idempotent: a chunk sent again after a lost reply (same run, same offset) changes nothing.
   */
  async append(runId: string, offset: number, data: Buffer): Promise<void> {
    await this.writer.query(
      `WITH inserted AS (
         INSERT INTO training_logs (run_id, byte_offset, data) VALUES ($1, $2, $3)
         ON CONFLICT (run_id, byte_offset) DO NOTHING
       ), updated AS (
         UPDATE runs SET log_size = GREATEST(log_size, $2::bigint + $4::bigint) WHERE id = $1
         RETURNING id, log_size
       )
       SELECT pg_notify('${LOG_CHANNEL}', id::text || ':' || log_size) FROM updated`,
      [runId, offset, data, data.length],
    );
  }

  /** Wakes the run's watchers (LogNotifier) after a change that is not an append, such as its final status. */
  async announce(runId: string): Promise<void> {
    await this.writer.query(`SELECT pg_notify('${LOG_CHANNEL}', id::text || ':' || log_size) FROM runs WHERE id = $1`, [runId]);
  }

  /**
   * Bytes [from, to) of the log, or fewer if fewer are stored. Walks the primary key from the chunk that holds
   * `from`, so the cost depends on the bytes asked for, not on the log's size.
   */
  async read(runId: string, from: number, to: number): Promise<Buffer> {
    const parts = await this.readParts(runId, from, to);
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  /**
   * Bytes [from, to) in pages of pageBytes, for downloads: memory stays flat for any size, the next page is read
   * while this one is sent, and no database connection waits on a slow client (each page is read whole). A page
   * is handed on as the pieces it was read in, not joined into one buffer: one copy less per byte.
   */
  async *readPages(runId: string, from: number, to: number, pageBytes = 4 * 1024 * 1024): AsyncGenerator<Buffer> {
    const readAhead = (at: number) => {
      if (at >= to) return undefined;
      const page = this.readParts(runId, at, Math.min(to, at + pageBytes));
      // If the download is abandoned, nobody awaits the page read ahead: its failure must not go unhandled.
      page.catch(() => undefined);
      return page;
    };
    let cursor = from;
    let next = readAhead(cursor);
    while (next) {
      const page = await next;
      const length = page.reduce((sum, piece) => sum + piece.length, 0);
      if (length === 0) return;
      cursor += length;
      next = readAhead(cursor);
      yield* page;
    }
  }

  /** Bytes [from, to) (or fewer if fewer are stored) as the pieces they were read in. */
  private async readParts(runId: string, from: number, to: number): Promise<Buffer[]> {
    const parts: Buffer[] = [];
    for await (const piece of this.pieces(runId, from, to)) parts.push(piece);
    return parts;
  }

  /** The stored bytes of [from, to), in order, cut from whole chunks. */
  private async *pieces(runId: string, from: number, to: number): AsyncGenerator<Buffer> {
    let cursor = from;
    for await (const chunk of this.copyChunks(runId, from, to)) {
      if (chunk.offset > cursor) return; // a hole would be a bug upstream; never hand out bytes past it
      const piece = chunk.data.subarray(cursor - chunk.offset, Math.min(chunk.data.length, to - chunk.offset));
      if (piece.length === 0) continue;
      cursor += piece.length;
      yield piece;
      // No early return at `to`: the query stops there itself, and a COPY read to its end keeps its connection.
    }
  }

  /** The chunks that hold [from, to), through COPY on a connection of the read pool. */
  private async *copyChunks(runId: string, from: number, to: number): AsyncGenerator<CopiedChunk> {
    if (to <= from) return;
    // COPY takes no bind parameters, so the values are checked to be exactly a UUID and two integers.
    if (!UUID.test(runId) || !Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0) {
      throw new Error(`invalid log range ${runId} [${from}, ${to})`);
    }
    const client = await this.reader.connect();
    let finished = false;
    try {
      const stream = client.query(
        copyTo(
          `COPY (SELECT byte_offset, data FROM training_logs
                  WHERE run_id = '${runId}' AND byte_offset < ${to}
                    AND byte_offset >= COALESCE(
                      (SELECT max(byte_offset) FROM training_logs WHERE run_id = '${runId}' AND byte_offset <= ${from}), 0)
                  ORDER BY byte_offset) TO STDOUT (FORMAT binary)`,
        ),
      );
      // The iteration below sees the stream's errors; this keeps one that comes after it (the rows were all read,
      // the connection died before ReadyForQuery) from being unhandled.
      stream.on('error', () => undefined);
      yield* readCopiedChunks(stream);
      finished = true;
    } finally {
      // A COPY left half read (the reader stopped early, or failed) leaves its connection unusable: drop it. (The
      // pool drops a connection that broke by itself.)
      client.release(finished ? undefined : true);
    }
  }
}
