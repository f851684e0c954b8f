/**
 * A TrainingLogStore on a clean test database, for tests that drive the store directly (no HTTP, no capture):
 * TypeORM's DataSource for checking the tables, the store, and runs of one experiment to write logs to.
 */
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options';
import { TrainingLogStore } from '../src/logs/training-log.store';
import { createTestDatabase, TestDatabase } from './test-database';

export interface LogStoreFixture {
  db: TestDatabase;
  ds: DataSource;
  store: TrainingLogStore;
  /** A new queued run (its command is never started); returns its id. */
  newRun(): Promise<string>;
  /** Closes the store's pools and the DataSource, and drops the database. */
  close(): Promise<void>;
}

export async function openLogStore(experimentName: string): Promise<LogStoreFixture> {
  const db = await createTestDatabase();
  const ds = new DataSource({ ...dataSourceOptions(db.url), migrationsRun: false });
  await ds.initialize();
  const store = new TrainingLogStore(ds);
  const [experiment] = await ds.query(`INSERT INTO experiments (name) VALUES ($1) RETURNING id`, [experimentName]);
  return {
    db,
    ds,
    store,
    newRun: async () =>
      (await ds.query(`INSERT INTO runs (experiment_id, name, command, cwd) VALUES ($1, 'r', '["true"]', '/') RETURNING id`, [experiment.id]))[0].id,
    close: async () => {
      await store.close();
      await ds.destroy();
      await db.drop();
    },
  };
}
