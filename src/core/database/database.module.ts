import { Global, Inject, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { databaseConfig, type DatabaseConfig } from '@/config';
import { AdvisoryLockService } from './advisory-lock.service';
import { TransactionService } from './transaction.service';
import { typeOrmOptions } from './typeorm-options';

export const DATABASE_URL = Symbol('DATABASE_URL');

/**
 * TypeORM on PostgreSQL. The resolved URL is passed in because it may belong to an embedded
 * server started before Nest (see bootstrap.ts).
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(url: string): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [databaseConfig.KEY],
          useFactory: (db: DatabaseConfig) => ({
            ...typeOrmOptions(db, url),
            entities: undefined,
            autoLoadEntities: true,
          }),
        }),
      ],
      providers: [
        { provide: DATABASE_URL, useValue: url },
        TransactionService,
        AdvisoryLockService,
      ],
      exports: [DATABASE_URL, TransactionService, AdvisoryLockService],
    };
  }
}

export const InjectDatabaseUrl = () => Inject(DATABASE_URL);
