export { Idempotent, IdempotencyKey } from './idempotent.decorator';
export { REPLAYED_HEADER, type IdempotentOptions } from './idempotency.interceptor';
export * from './idempotency.errors';
export { IdempotencyModule, IdempotencyWorkerModule } from './idempotency.module';
export { IdempotencyCleanupTask } from './idempotency-cleanup.task';
export { requestFingerprint } from './idempotency-request';
