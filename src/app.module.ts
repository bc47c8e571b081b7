import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_GUARD, APP_PIPE, Reflector } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ScheduleModule } from '@nestjs/schedule';
import { ThrottlerModule } from '@nestjs/throttler';
import { configFactories, httpConfig, type Configuration, type HttpConfig } from '@/config';
import { AccessGuard } from '@/core/auth/access.guard';
import { AuthCoreModule } from '@/core/auth/auth-core.module';
import { DatabaseModule } from '@/core/database/database.module';
import { AppGraphQLModule } from '@/core/graphql/graphql.module';
import { AllExceptionsFilter } from '@/core/http/all-exceptions.filter';
import { HttpFallbackModule } from '@/core/http/fallback.module';
import {
  AppThrottlerGuard,
  KeyValueThrottlerStorage,
  throttlerOptions,
} from '@/core/http/throttling';
import { createValidationPipe } from '@/core/http/validation';
import { IdempotencyModule, IdempotencyWorkerModule } from '@/core/idempotency';
import { MailModule } from '@/core/mail/mail.module';
import { LoggerModule } from '@/core/observability/logger.module';
import { ObservabilityModule } from '@/core/observability/observability.module';
import { OutboxModule, OutboxRelayModule } from '@/core/outbox/outbox.module';
import { QueueModule } from '@/core/queue/queue.module';
import { KeyValueStore } from '@/core/redis/key-value.store';
import { RedisModule } from '@/core/redis/redis.module';
import { AccountModule } from '@/modules/account';
import { BlogModule, BlogWorkerModule } from '@/modules/blog';
import { AuthModule, AuthWorkerModule } from '@/modules/auth';
import { NotificationsModule, NotificationsWorkerModule } from '@/modules/notifications';
import { ShopModule, ShopWorkerModule } from '@/modules/shop';
import { UsersModule } from '@/modules/users';

/** `cli` loads the features for one-off commands: no HTTP, no processors, no cron. */
export type AppRole = 'api' | 'worker' | 'cli';

export interface AppModuleOptions {
  config: Configuration;
  /** Resolved before Nest starts: DATABASE_URL or the embedded server's URL. */
  databaseUrl: string;
  role: AppRole;
}

/** Feature modules served over HTTP/GraphQL by the API role. */
const FEATURES = [
  UsersModule,
  AuthModule,
  NotificationsModule,
  AccountModule,
  BlogModule,
  ShopModule,
];
/** Queue processors and cron jobs: the worker role (and the API when WORKERS_IN_API). */
const WORKERS = [AuthWorkerModule, NotificationsWorkerModule, BlogWorkerModule, ShopWorkerModule];

/**
 * The root module, built for a role. Both roles share the platform (config, database, Redis,
 * queues, logging, metrics); only the API serves REST/GraphQL, only workers process jobs.
 */
@Module({})
export class AppModule {
  static register({ config, databaseUrl, role }: AppModuleOptions): DynamicModule {
    const runsWorkers = role === 'worker' || (role === 'api' && config.app.workersInApi);
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          skipProcessEnv: true,
          load: configFactories(config),
        }),
        LoggerModule,
        DatabaseModule.forRoot(databaseUrl),
        RedisModule,
        EventEmitterModule.forRoot({ wildcard: false }),
        QueueModule,
        ThrottlerModule.forRootAsync({
          inject: [httpConfig.KEY, KeyValueStore, Reflector],
          useFactory: (http: HttpConfig, store: KeyValueStore, reflector: Reflector) =>
            throttlerOptions(http, new KeyValueThrottlerStorage(store), reflector),
        }),
        AuthCoreModule,
        ObservabilityModule,
        HttpFallbackModule,
        MailModule,
        OutboxModule,
        IdempotencyModule,
        ...(role === 'api'
          ? [AppGraphQLModule, ...FEATURES]
          : role === 'cli'
            ? FEATURES
            : [NotificationsModule]),
        ...(runsWorkers
          ? [ScheduleModule.forRoot(), OutboxRelayModule, IdempotencyWorkerModule, ...WORKERS]
          : []),
      ],
      providers: [
        // Order matters: throttle first (cheap, also limits token guessing), then authenticate.
        { provide: APP_GUARD, useClass: AppThrottlerGuard },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
