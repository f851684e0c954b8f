import { Controller, Get, Headers, MessageEvent, Query, Res, Sse, StreamableFile } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiExtraModels,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPartialContentResponse,
  ApiProduces,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { Observable } from 'rxjs';
import { ApiErrorDto } from '../common/api-error.dto';
import { UuidParam } from '../common/validation';
import { EndEventDataDto, LogEventDataDto, StatusEventDataDto } from './dto/log-events.dto';
import { LogSliceQueryDto, LogStreamQueryDto } from './dto/log-query.dto';
import { LogSliceDto } from './dto/log-slice.dto';
import { LastEventId, LastEventIdPipe } from './last-event-id';
import { LogHistoryService } from './log-history.service';
import { logSliceJson } from './log-slice-json';
import { LogStreamService } from './log-stream.service';

@ApiTags('logs')
@ApiExtraModels(LogEventDataDto, StatusEventDataDto, EndEventDataDto)
@Controller('runs/:runId/logs')
export class LogsController {
  constructor(
    private readonly history: LogHistoryService,
    private readonly streams: LogStreamService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'A slice of the log as JSON (base64 bytes)',
    description:
      'With no parameters a log under 4 MiB comes back whole. Continue from `nextOffset`; `complete` says nothing ' +
      'more will come.\n\n`curl "localhost:3000/api/runs/$RUN/logs?tail=65536"`',
  })
  @ApiOkResponse({ type: LogSliceDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'Malformed runId, offset, limit or tail, or tail with offset.' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No such run.' })
  @ApiResponse({ status: 416, type: ApiErrorDto, description: 'offset is past the end of the log; the message gives the size.' })
  async slice(@UuidParam('runId') runId: string, @Query() query: LogSliceQueryDto): Promise<StreamableFile> {
    const { fields, bytes } = await this.history.slice(runId, query);
    const body = logSliceJson(fields, bytes);
    return new StreamableFile(body, { type: 'application/json; charset=utf-8', length: body.length });
  }

  @Get('raw')
  @ApiOperation({
    summary: 'The whole log as raw bytes (download)',
    description: 'Streamed from the database. `Range: bytes=a-b` gives 206 with that part.\n\n`curl -o run.log localhost:3000/api/runs/$RUN/logs/raw`',
  })
  @ApiProduces('application/octet-stream')
  @ApiHeader({ name: 'Range', required: false, description: 'One byte range, e.g. bytes=0-1023 or bytes=-4096' })
  @ApiOkResponse({ description: 'The log bytes.', schema: { type: 'string', format: 'binary' } })
  @ApiPartialContentResponse({ description: 'The requested range.', schema: { type: 'string', format: 'binary' } })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  @ApiResponse({ status: 416, type: ApiErrorDto, description: 'The range lies outside the log.' })
  async raw(
    @UuidParam('runId') runId: string,
    @Headers('range') range: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const log = await this.history.raw(runId, range);
    res.status(log.status).set(log.headers);
    return new StreamableFile(log.body);
  }

  @Sse('stream')
  @ApiOperation({
    summary: 'The live log as Server-Sent Events',
    description: [
      'Starts at `Last-Event-ID` (a byte offset), else `offset`, else 0; sends every stored byte from there in order,',
      'then follows the run. Events:',
      '- `log`: `id` = offset just past the bytes, `data` = {"offset", "data" (base64)} (LogEventDataDto)',
      '- `status`: {"status", "exitCode", "failureReason"} at the start and on every change (StatusEventDataDto)',
      '- `end`: {"status", "exitCode", "size"} once the run has finished and all bytes were sent; the stream then closes (EndEventDataDto)',
      '- a `: keep-alive` comment at least every 15 s',
      '',
      '`curl -N localhost:3000/api/runs/$RUN/logs/stream`',
    ].join('\n'),
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Byte offset to resume from (sent by EventSource on reconnect).' })
  @ApiOkResponse({
    description: 'text/event-stream of log, status and end events.',
    schema: {
      oneOf: [
        { $ref: getSchemaPath(LogEventDataDto) },
        { $ref: getSchemaPath(StatusEventDataDto) },
        { $ref: getSchemaPath(EndEventDataDto) },
      ],
    },
  })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'Malformed runId, offset or Last-Event-ID, or an offset past the log.' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No such run (sent as JSON before any event).' })
  stream(
    @UuidParam('runId') runId: string,
    @Query() query: LogStreamQueryDto,
    @LastEventId(LastEventIdPipe) lastEventId: number | undefined,
  ): Promise<Observable<MessageEvent>> {
    return this.streams.open(runId, lastEventId ?? query.offset ?? 0);
  }
}
