import { ApiProperty } from '@nestjs/swagger';
import type { Experiment as ExperimentContract } from '@ml-portal/contracts';
import type { Experiment } from '../experiment.entity';

export class ExperimentDto implements ExperimentContract {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'mnist-mlp' })
  name!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Small MLP baselines' })
  description!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ example: 3, description: 'How many runs the experiment has.' })
  runCount!: number;

  static from(entity: Experiment, runCount: number): ExperimentDto {
    return {
      id: entity.id,
      name: entity.name,
      description: entity.description,
      createdAt: entity.createdAt.toISOString(),
      runCount,
    };
  }
}
