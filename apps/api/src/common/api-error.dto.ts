import { ApiProperty } from '@nestjs/swagger';
import type { ApiError } from '@ml-portal/contracts';

/** The body of every error response (documented once, referenced by every endpoint). */
export class ApiErrorDto implements ApiError {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'Bad Request' })
  error!: string;

  @ApiProperty({ example: 'offset must be a non-negative integer' })
  message!: string;
}
