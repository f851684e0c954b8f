import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { CreateExperimentDto } from './dto/create-experiment.dto';
import { ExperimentDto } from './dto/experiment.dto';
import { Experiment } from './experiment.entity';

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class ExperimentsService {
  constructor(@InjectRepository(Experiment) private readonly experiments: Repository<Experiment>) {}

  async create(dto: CreateExperimentDto): Promise<ExperimentDto> {
    try {
      const saved = await this.experiments.save(
        this.experiments.create({ name: dto.name.trim(), description: dto.description ?? null }),
      );
      return ExperimentDto.from(saved, 0);
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new ConflictException(`name: an experiment named "${dto.name.trim()}" already exists`);
      }
      throw error;
    }
  }

  async list(): Promise<ExperimentDto[]> {
    const rows = await this.withRunCounts().orderBy('e.created_at', 'DESC').getRawAndEntities();
    return rows.entities.map((e, i) => ExperimentDto.from(e, Number(rows.raw[i].run_count)));
  }

  async get(id: string): Promise<ExperimentDto> {
    const rows = await this.withRunCounts().where('e.id = :id', { id }).getRawAndEntities();
    if (rows.entities.length === 0) throw new NotFoundException(`experiment ${id} not found`);
    return ExperimentDto.from(rows.entities[0], Number(rows.raw[0].run_count));
  }

  /** 404 unless the experiment exists. */
  async assertExists(id: string): Promise<void> {
    if (!(await this.experiments.existsBy({ id }))) throw new NotFoundException(`experiment ${id} not found`);
  }

  private withRunCounts() {
    return this.experiments
      .createQueryBuilder('e')
      .addSelect('(SELECT count(*) FROM runs r WHERE r.experiment_id = e.id)', 'run_count');
  }
}
