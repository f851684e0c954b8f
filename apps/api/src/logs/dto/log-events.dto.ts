/** The SSE events of the stream, as schemas for the OpenAPI document (the wire format is in the contract). */
import { ApiProperty } from '@nestjs/swagger';
import { EndEventData, LogEventData, RUN_STATUSES, RunStatus, StatusEventData } from '@ml-portal/contracts';

export class LogEventDataDto implements LogEventData {
  @ApiProperty({ example: 0, description: 'Offset of the first byte; the SSE id is offset + bytes.' }) offset!: number;
  @ApiProperty({ format: 'byte', example: 'RXBvY2ggMS81DQ==' }) data!: string;
}

export class StatusEventDataDto implements StatusEventData {
  @ApiProperty({ enum: RUN_STATUSES }) status!: RunStatus;
  @ApiProperty({ type: Number, nullable: true }) exitCode!: number | null;
  @ApiProperty({ type: String, nullable: true }) failureReason!: string | null;
}

export class EndEventDataDto implements EndEventData {
  @ApiProperty({ enum: RUN_STATUSES }) status!: RunStatus;
  @ApiProperty({ type: Number, nullable: true }) exitCode!: number | null;
  @ApiProperty({ example: 18342 }) size!: number;
}
