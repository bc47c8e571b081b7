/**
 * Entry for the TypeORM CLI (`npm run migration:generate|revert`). Reads the same validated
 * configuration as the app; needs DATABASE_URL (the embedded server is for `npm start`).
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfiguration } from '@/config';
import { loadDotenv } from '@/core/env';
import { typeOrmOptions } from './typeorm-options';

const config = loadConfiguration(loadDotenv());
if (!config.database.url) throw new Error('DATABASE_URL is required for the TypeORM CLI');
export default new DataSource(typeOrmOptions(config.database, config.database.url));
