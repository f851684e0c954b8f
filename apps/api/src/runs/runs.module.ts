import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ExperimentsModule } from '../experiments/experiments.module';
import { LogsModule } from '../logs/logs.module';
import { Run } from './run.entity';
import { RunsController } from './runs.controller';
import { RunsService } from './runs.service';

@Module({
  imports: [TypeOrmModule.forFeature([Run]), ExperimentsModule, LogsModule],
  controllers: [RunsController],
  providers: [RunsService],
})
export class RunsModule {}
