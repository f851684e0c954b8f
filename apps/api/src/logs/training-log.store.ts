/**
 * Reads and appends of a run's log chunks. The only code that knows how the log is laid out in the database:
 * capture appends through it, history and the stream read through it.
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { RunStatus } from '@ml-portal/contracts';
import { DataSource } from 'typeorm';
import { LOG_CHANNEL } from './log-notifier';

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
export class TrainingLogStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

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
    await this.db.query(
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

  /**
   * Bytes [from, to) of the log, or fewer if fewer are stored. Walks the primary key from the chunk that holds
   * `from`, so the cost depends on the bytes asked for, not on the log's size.
   */
  async read(runId: string, from: number, to: number): Promise<Buffer> {
    if (to <= from) return Buffer.alloc(0);
    const rows: { byte_offset: string; data: Buffer }[] = await this.db.query(
      `SELECT byte_offset, data FROM training_logs
        WHERE run_id = $1
          AND byte_offset < $3
          AND byte_offset >= COALESCE(
                (SELECT max(byte_offset) FROM training_logs WHERE run_id = $1 AND byte_offset <= $2), 0)
        ORDER BY byte_offset`,
      [runId, from, to],
    );
    const parts: Buffer[] = [];
    let cursor = from;
    for (const row of rows) {
      const start = Number(row.byte_offset);
      const end = start + row.data.length;
      if (end <= cursor) continue;
      if (start > cursor) break; // a hole would be a bug upstream; never hand out bytes past it
      parts.push(row.data.subarray(cursor - start, Math.min(end, to) - start));
      cursor = Math.min(end, to);
      if (cursor >= to) break;
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  /** Bytes [from, to) in pieces of about pageBytes, read page by page, so memory stays flat for any size. */
  async *readPages(runId: string, from: number, to: number, pageBytes = 1024 * 1024): AsyncGenerator<Buffer> {
    let cursor = from;
    while (cursor < to) {
      const page = await this.read(runId, cursor, Math.min(to, cursor + pageBytes));
      if (page.length === 0) return;
      cursor += page.length;
      yield page;
    }
  }
}
