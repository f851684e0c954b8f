import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorDto } from '../common/api-error.dto';
import { UuidParam } from '../common/validation';
import { CreateExperimentDto } from './dto/create-experiment.dto';
import { ExperimentDto } from './dto/experiment.dto';
import { ExperimentsService } from './experiments.service';

@ApiTags('experiments')
@Controller('experiments')
export class ExperimentsController {
  constructor(private readonly experiments: ExperimentsService) {}

  @Post()
  @ApiCreatedResponse({ type: ExperimentDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'A field is missing or invalid; the message names it.' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'An experiment with this name exists.' })
  create(@Body() dto: CreateExperimentDto): Promise<ExperimentDto> {
    return this.experiments.create(dto);
  }

  @Get()
  @ApiOkResponse({ type: [ExperimentDto], description: 'Newest first.' })
  list(): Promise<ExperimentDto[]> {
    return this.experiments.list();
  }

  @Get(':experimentId')
  @ApiOkResponse({ type: ExperimentDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'experimentId is not a UUID.' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  get(@UuidParam('experimentId') id: string): Promise<ExperimentDto> {
    return this.experiments.get(id);
  }
}
