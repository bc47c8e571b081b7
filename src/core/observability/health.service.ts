import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import {
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
  type HealthCheckResult,
} from '@nestjs/terminus';
import { lifecycle } from '@/core/lifecycle';
import { KeyValueStore } from '@/core/redis/key-value.store';

const TIMEOUT_MS = 2_000;

/** Readiness of this process's dependencies, shared by the API controller and the worker. */
@Injectable()
export class HealthService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly store: KeyValueStore,
  ) {}

  /** `status` is 200 when every dependency answered, 503 with per-dependency details otherwise. */
  async readiness(): Promise<{ status: 200 | 503; body: HealthCheckResult }> {
    if (lifecycle.draining) {
      const shutdown = { shutdown: { status: 'down' as const, message: 'draining for shutdown' } };
      return {
        status: 503,
        body: { status: 'shutting_down', info: {}, error: shutdown, details: shutdown },
      };
    }
    try {
      const body = await this.health.check([
        () => this.db.pingCheck('database', { timeout: TIMEOUT_MS }),
        () => this.checkStore(),
      ]);
      return { status: 200, body };
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      return { status: 503, body: error.getResponse() as HealthCheckResult };
    }
  }

  /** Redis when configured (it also carries the queues), otherwise the in-memory store. */
  private async checkStore() {
    const indicator = this.indicators.check(this.store.kind === 'redis' ? 'redis' : 'memory-store');
    try {
      await Promise.race([
        this.store.ping(),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('timeout')), TIMEOUT_MS).unref(),
        ),
      ]);
      return indicator.up({ backend: this.store.kind });
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
