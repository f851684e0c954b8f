import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintAsNumber } from '../runs/run.entity';

/**
 * One flushed chunk of a run's output: bytes [byteOffset, byteOffset + data.length). Rows are only ever
 * inserted; (runId, byteOffset) is the key, which makes a re-sent chunk a no-op and serves range reads.
 */
@Entity('training_logs')
export class TrainingLog {
  @PrimaryColumn('uuid', { name: 'run_id' })
  runId!: string;

  @PrimaryColumn('bigint', { name: 'byte_offset', transformer: bigintAsNumber })
  byteOffset!: number;

  @Column('bytea')
  data!: Buffer;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
