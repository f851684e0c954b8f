import { ApiProperty } from '@nestjs/swagger';
import { RUN_STATUSES, LogSlice, RunStatus } from '@ml-portal/contracts';

export class LogSliceDto implements LogSlice {
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty({ enum: RUN_STATUSES, example: 'running' }) runStatus!: RunStatus;
  @ApiProperty({ example: 0, description: 'Offset of the first byte in data.' }) offset!: number;
  @ApiProperty({ example: 12, description: 'Offset just past the last byte in data: where to continue.' }) nextOffset!: number;
  @ApiProperty({ example: 12, description: 'Bytes stored now.' }) size!: number;
  @ApiProperty({ example: false, description: 'The run has finished and nothing is left past nextOffset.' }) complete!: boolean;
  @ApiProperty({ format: 'byte', example: 'RXBvY2ggMS81Cg==', description: 'base64 of bytes [offset, nextOffset).' })
  data!: string;
}
