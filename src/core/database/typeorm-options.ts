import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '@/config';
import { fromRoot } from '@/core/paths';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/**
 * The one place that builds TypeORM options: used by the Nest module, the CLI and the
 * migration scripts alike. `synchronize` is never on; schema changes are migrations.
 */
export function typeOrmOptions(db: DatabaseConfig, url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    ssl: db.ssl ? { rejectUnauthorized: true } : false,
    uuidExtension: 'pgcrypto',
    synchronize: false,
    migrationsRun: false,
    namingStrategy: new SnakeNamingStrategy(),
    entities: [fromRoot(__filename.endsWith('.js') ? 'dist/src' : 'src', '**/*.entity.{ts,js}')],
    migrations: [
      fromRoot(__filename.endsWith('.js') ? 'dist/migrations' : 'migrations', '*.{ts,js}'),
    ],
    migrationsTableName: 'typeorm_migrations',
    // Failed queries surface as exceptions (and 500s are logged by the filter); expected ones
    // such as unique violations must not spam the log.
    logging: db.logQueries ? 'all' : false,
    extra: {
      max: db.poolSize,
      // Fail a stuck query instead of holding a pool slot forever.
      statement_timeout: db.statementTimeoutMs,
      application_name: 'stoa',
      // OLTP queries finish in milliseconds; JIT compiling one costs more than it saves (the
      // catalog's facet query spent ~1 s compiling at 50k products, measured with EXPLAIN).
      // READ COMMITTED is pinned rather than inherited from the server or database defaults:
      // TransactionService relies on it to begin a transaction without a SET round trip.
      options: '-c jit=off -c default_transaction_isolation=read\\ committed',
    },
  };
}
