import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../test/test-database';
import { dataSourceOptions } from './data-source-options';
import { MIGRATIONS } from '@ml-portal/migrations';

describe('migrations', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    ds = new DataSource({ ...dataSourceOptions(db.url), migrationsRun: false });
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  const tables = async () =>
    (await ds.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`)).map(
      (r: { table_name: string }) => r.table_name,
    );

  it('run up, down to nothing, and up again', async () => {
    await ds.runMigrations();
    expect(await tables()).toEqual(expect.arrayContaining(['experiments', 'runs', 'training_logs']));
    for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration();
    expect((await tables()).filter((t: string) => t !== 'migrations')).toEqual([]);
    await ds.runMigrations();
    expect(await tables()).toEqual(expect.arrayContaining(['experiments', 'runs', 'training_logs']));
  });

  it('store log chunks in bytea keyed by (run_id, byte_offset)', async () => {
    const cols = await ds.query(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'training_logs' ORDER BY ordinal_position`,
    );
    expect(cols).toEqual([
      { column_name: 'run_id', data_type: 'uuid' },
      { column_name: 'byte_offset', data_type: 'bigint' },
      { column_name: 'data', data_type: 'bytea' },
      { column_name: 'updated_at', data_type: 'timestamp with time zone' },
    ]);
    const [pk] = await ds.query(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'training_logs'::regclass AND contype = 'p'`,
    );
    expect(pk.def).toBe('PRIMARY KEY (run_id, byte_offset)');
  });
});
