import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorDto } from '../common/api-error.dto';
import { UuidParam } from '../common/validation';
import { CreateRunDto } from './dto/create-run.dto';
import { RunDto } from './dto/run.dto';
import { RunsService } from './runs.service';

@ApiTags('runs')
@Controller()
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  @Post('experiments/:experimentId/runs')
  @ApiOperation({
    summary: 'Launch a run',
    description:
      'Stores the run and starts its command at once. The answer shows it `running`, or `failed` with a ' +
      '`failureReason` when the command could not start.\n\n' +
      "`curl -X POST localhost:3000/api/experiments/$EXP/runs -H 'content-type: application/json' " +
      `-d '{"command":["python3","examples/train.py","--epochs","3"]}'\``,
  })
  @ApiCreatedResponse({ type: RunDto })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No such experiment.' })
  create(@UuidParam('experimentId') experimentId: string, @Body() dto: CreateRunDto): Promise<RunDto> {
    return this.runs.create(experimentId, dto);
  }

  @Get('experiments/:experimentId/runs')
  @ApiOkResponse({ type: [RunDto], description: 'Newest first.' })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  list(@UuidParam('experimentId') experimentId: string): Promise<RunDto[]> {
    return this.runs.list(experimentId);
  }

  @Get('runs/:runId')
  @ApiOkResponse({ type: RunDto })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  get(@UuidParam('runId') runId: string): Promise<RunDto> {
    return this.runs.get(runId);
  }

  @Post('runs/:runId/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a run',
    description: 'SIGTERM to the run\'s process group, SIGKILL after RUN_CANCEL_GRACE_MS; answers once it has stopped.',
  })
  @ApiOkResponse({ type: RunDto })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The run has already finished.' })
  cancel(@UuidParam('runId') runId: string): Promise<RunDto> {
    return this.runs.cancel(runId);
  }
}
