/** TypeORM connection options shared by the server, the tests and the TypeORM CLI. Schema comes only from migrations. */
import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '@ml-portal/migrations';
import { GuardedClient } from './guarded-client';
import { Experiment } from '../experiments/experiment.entity';
import { Run } from '../runs/run.entity';
import { TrainingLog } from '../logs/training-log.entity';

export const ENTITIES = [Experiment, Run, TrainingLog];

export function dataSourceOptions(databaseUrl: string): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: true,
    synchronize: false,
    // Capture writers, pollers and HTTP reads share the pool; a pool of 20 keeps a burst of readers from
    // starving the writers while staying far below PostgreSQL's default max_connections.
    // GuardedClient: a connection that PostgreSQL ends while it is checked out must not end the server.
    extra: { max: 20, application_name: 'ml-portal', Client: GuardedClient },
    // Failed queries surface as errors where they are handled (a duplicate name is a 409, not a log line).
    logging: false,
  };
}
