/** For the TypeORM CLI: `npx typeorm-ts-node-commonjs migration:run -d apps/api/src/database/data-source.ts`. */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

const url = process.env['DATABASE_URL'];
if (!url) throw new Error('Set DATABASE_URL to run the TypeORM CLI');
export default new DataSource(dataSourceOptions(url));
