import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CreateExperimentRequest, LIMITS } from '@ml-portal/contracts';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class CreateExperimentDto implements CreateExperimentRequest {
  @ApiProperty({ example: 'mnist-mlp', maxLength: LIMITS.experimentName, description: 'Unique.' })
  @IsString()
  @IsNotEmpty()
  @Matches(/\S/, { message: 'name must not be blank' })
  @MaxLength(LIMITS.experimentName)
  name!: string;

  @ApiPropertyOptional({ example: 'Small MLP baselines', maxLength: LIMITS.experimentDescription })
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.experimentDescription)
  description?: string;
}
