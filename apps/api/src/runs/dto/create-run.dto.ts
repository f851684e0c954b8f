import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CreateRunRequest, LIMITS } from '@ml-portal/contracts';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateBy,
  ValidationOptions,
} from 'class-validator';

const NO_NUL = /^[^\0]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `env` must be a plain object of NAME -> string, as a process environment is. */
function IsEnvironment(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isEnvironment',
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          const entries = Object.entries(value);
          return (
            entries.length <= LIMITS.envEntries &&
            entries.every(([k, v]) => ENV_NAME.test(k) && typeof v === 'string' && NO_NUL.test(v) && v.length <= LIMITS.commandArgLength)
          );
        },
        defaultMessage: () =>
          `env must be an object of at most ${LIMITS.envEntries} entries mapping variable names ` +
          `(letters, digits, _; not starting with a digit) to strings`,
      },
    },
    options,
  );
}

export class CreateRunDto implements CreateRunRequest {
  @ApiPropertyOptional({ example: 'lr=0.1', maxLength: LIMITS.runName, description: 'Defaults to the command.' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.runName)
  name?: string;

  @ApiProperty({
    type: [String],
    example: ['python3', 'examples/train.py', '--epochs', '3'],
    description: 'argv, executed directly (never through a shell); argv[0] is looked up on PATH.',
  })
  @IsArray()
  @ArrayNotEmpty({ message: 'command must be a non-empty array of strings (argv)' })
  @ArrayMaxSize(LIMITS.commandArgs)
  @IsString({ each: true })
  @MaxLength(LIMITS.commandArgLength, { each: true })
  @Matches(NO_NUL, { each: true, message: 'command arguments must not contain NUL bytes' })
  command!: string[];

  @ApiPropertyOptional({ example: 'examples', description: "Working directory; relative to the server's run directory." })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  @Matches(NO_NUL, { message: 'cwd must not contain NUL bytes' })
  cwd?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { CUDA_VISIBLE_DEVICES: '0' },
    description: "Added to the server's environment. Write-only: never returned.",
  })
  @IsOptional()
  @IsEnvironment()
  env?: Record<string, string>;
}
