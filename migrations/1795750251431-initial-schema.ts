import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Experiments, runs and their logs. A run's log is append-only chunks keyed by (run_id, byte_offset): an append
 * costs the same at any log size, a read of "the bytes after X" walks the primary key, and a chunk re-sent after a
 * lost reply is not stored twice. runs.log_size is kept with every append so nothing sums the log.
 */
export class InitialSchema1795750251431 implements MigrationInterface {
  name = 'InitialSchema1795750251431';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE experiments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(200) NOT NULL,
        description text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT experiments_name_unique UNIQUE (name)
      )`);
    await q.query(`
      CREATE TABLE runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        experiment_id uuid NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
        name varchar(200) NOT NULL,
        command jsonb NOT NULL,
        cwd text NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'queued'
          CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
        exit_code integer,
        signal varchar(32),
        failure_reason text,
        pid integer,
        log_size bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await q.query(`CREATE INDEX runs_experiment_created_idx ON runs (experiment_id, created_at DESC)`);
    await q.query(`CREATE INDEX runs_active_idx ON runs (status) WHERE status IN ('queued', 'running')`);
    await q.query(`
      CREATE TABLE training_logs (
        run_id uuid NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        byte_offset bigint NOT NULL CHECK (byte_offset >= 0),
        data bytea NOT NULL CHECK (octet_length(data) > 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (run_id, byte_offset)
      )`);
    // lz4 compresses log text several times faster than the default pglz; a server built without lz4 keeps pglz.
    await q.query(`
      DO $$ BEGIN
        ALTER TABLE training_logs ALTER COLUMN data SET COMPRESSION lz4;
      EXCEPTION WHEN OTHERS THEN NULL;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE training_logs`);
    await q.query(`DROP TABLE runs`);
    await q.query(`DROP TABLE experiments`);
  }
}
