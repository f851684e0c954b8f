import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Public } from '../auth/public.decorator';
import { ApiErrorDto } from '../common/api-error.dto';
import { LogCaptureService } from '../logs/log-capture.service';
import { LogStreamService } from '../logs/log-stream.service';
import { HealthDetailsDto } from './health-details.dto';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly streams: LogStreamService,
    private readonly capture: LogCaptureService,
  ) {}

  @Get()
  @Public()
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  @ApiServiceUnavailableResponse({ type: ApiErrorDto, description: 'The database cannot be reached.' })
  async check(): Promise<{ status: 'ok' }> {
    try {
      await this.db.query('SELECT 1');
    } catch {
      throw new ServiceUnavailableException('the database cannot be reached');
    }
    return { status: 'ok' };
  }

  @Get('details')
  @ApiOperation({
    summary: 'Live counts of what the server holds open',
    description: 'Open SSE streams, runs with a polling tail, runs being captured: each returns to 0 when idle.',
  })
  @ApiOkResponse({ type: HealthDetailsDto })
  @ApiUnauthorizedResponse({ type: ApiErrorDto })
  details(): HealthDetailsDto {
    const { streams, pollers } = this.streams.stats();
    return { streams, pollers, activeRuns: this.capture.activeRunIds.length };
  }
}
