import { ApiProperty } from '@nestjs/swagger';

/** What the server holds open now; a leak shows as a count that does not return to 0. */
export class HealthDetailsDto {
  @ApiProperty({ example: 2, description: 'Open SSE log streams.' })
  streams!: number;

  @ApiProperty({ example: 1, description: 'Runs whose shared tail is polling the database.' })
  pollers!: number;

  @ApiProperty({ example: 1, description: 'Runs whose output this server is capturing.' })
  activeRuns!: number;
}
