import { ApiPropertyOptional } from '@nestjs/swagger';
import { LOG_SLICE_DEFAULT_LIMIT, LOG_SLICE_MAX_LIMIT } from '@ml-portal/contracts';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ToInteger } from '../../common/validation';

const INTEGER = (field: string) => ({ message: `${field} must be a non-negative integer (a byte count)` });

export class LogSliceQueryDto {
  @ApiPropertyOptional({ description: 'First byte to return.', default: 0, minimum: 0 })
  @IsOptional()
  @ToInteger()
  @IsInt(INTEGER('offset'))
  @Min(0, INTEGER('offset'))
  @Max(Number.MAX_SAFE_INTEGER, INTEGER('offset'))
  offset?: number;

  @ApiPropertyOptional({ description: 'Most bytes to return.', default: LOG_SLICE_DEFAULT_LIMIT, minimum: 1, maximum: LOG_SLICE_MAX_LIMIT })
  @IsOptional()
  @ToInteger()
  @IsInt(INTEGER('limit'))
  @Min(1, { message: 'limit must be at least 1' })
  @Max(LOG_SLICE_MAX_LIMIT, { message: `limit must be at most ${LOG_SLICE_MAX_LIMIT} (16 MiB)` })
  limit?: number;

  @ApiPropertyOptional({ description: 'Return the last N bytes instead (not with offset).', minimum: 0 })
  @IsOptional()
  @ToInteger()
  @IsInt(INTEGER('tail'))
  @Min(0, INTEGER('tail'))
  @Max(Number.MAX_SAFE_INTEGER, INTEGER('tail'))
  tail?: number;
}

export class LogStreamQueryDto {
  @ApiPropertyOptional({ description: 'Byte offset to start from (Last-Event-ID wins when both are sent).', default: 0, minimum: 0 })
  @IsOptional()
  @ToInteger()
  @IsInt(INTEGER('offset'))
  @Min(0, INTEGER('offset'))
  @Max(Number.MAX_SAFE_INTEGER, INTEGER('offset'))
  offset?: number;
}
