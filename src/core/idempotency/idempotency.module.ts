import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyCleanupTask } from './idempotency-cleanup.task';
import { IdempotencyRecord } from './idempotency-record.entity';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyRepository } from './idempotency.repository';
import { IdempotencyService } from './idempotency.service';

/** `@Idempotent()` for every module's routes: the interceptor resolves its dependencies here. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([IdempotencyRecord])],
  providers: [IdempotencyRepository, IdempotencyService, IdempotencyInterceptor],
  exports: [IdempotencyRepository, IdempotencyService, IdempotencyInterceptor],
})
export class IdempotencyModule {}

/** Deleting expired keys: worker roles only. */
@Module({ providers: [IdempotencyCleanupTask], exports: [IdempotencyCleanupTask] })
export class IdempotencyWorkerModule {}
