import { ApiProperty } from '@nestjs/swagger';
import { RUN_STATUSES, Run as RunContract, RunStatus } from '@ml-portal/contracts';
import type { Run } from '../run.entity';

export class RunDto implements RunContract {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) experimentId!: string;
  @ApiProperty({ example: 'lr=0.1' }) name!: string;
  @ApiProperty({ type: [String], example: ['python3', 'examples/train.py', '--epochs', '3'] }) command!: string[];
  @ApiProperty({ example: '/srv/ml-portal' }) cwd!: string;
  @ApiProperty({ enum: RUN_STATUSES, example: 'running' }) status!: RunStatus;
  @ApiProperty({ type: Number, nullable: true, example: null }) exitCode!: number | null;
  @ApiProperty({ type: String, nullable: true, example: null, description: 'Signal that ended the process.' })
  signal!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'exited with code 2' }) failureReason!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt!: string | null;
  @ApiProperty({ example: 18342, description: 'Log bytes stored.' }) logSize!: number;

  static from(run: Run): RunDto {
    return {
      id: run.id,
      experimentId: run.experimentId,
      name: run.name,
      command: run.command,
      cwd: run.cwd,
      status: run.status,
      exitCode: run.exitCode,
      signal: run.signal,
      failureReason: run.failureReason,
      createdAt: run.createdAt.toISOString(),
      startedAt: run.startedAt?.toISOString() ?? null,
      finishedAt: run.finishedAt?.toISOString() ?? null,
      logSize: run.logSize,
    };
  }
}
