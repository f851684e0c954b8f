import type { RunStatus } from '@ml-portal/contracts';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** bigint columns come back from pg as strings; log sizes stay far below 2^53. */
export const bigintAsNumber = { to: (v: number) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

@Entity('runs')
export class Run {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'experiment_id' })
  experimentId!: string;

  @Column('varchar', { length: 200 })
  name!: string;

  @Column('jsonb')
  command!: string[];

  @Column('text')
  cwd!: string;

  @Column('varchar', { length: 16, default: 'queued' })
  status!: RunStatus;

  @Column('integer', { name: 'exit_code', nullable: true })
  exitCode!: number | null;

  @Column('varchar', { length: 32, nullable: true })
  signal!: string | null;

  @Column('text', { name: 'failure_reason', nullable: true })
  failureReason!: string | null;

  /** The process (and process group) id, so a restarted server can find an orphaned run. */
  @Column('integer', { nullable: true })
  pid!: number | null;

  @Column('bigint', { name: 'log_size', default: 0, transformer: bigintAsNumber })
  logSize!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt!: Date | null;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt!: Date | null;
}
