import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

@Global()
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController, MetricsController],
  providers: [MetricsService, HealthService],
  exports: [MetricsService, HealthService],
})
export class ObservabilityModule implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.metrics.registerGauge(
      'db_pool_connections',
      'PostgreSQL pool connections by state',
      ['state'],
      async (set) => {
        const pool = (this.dataSource.driver as unknown as { master?: PgPool }).master;
        if (!pool) return;
        set({ state: 'total' }, pool.totalCount);
        set({ state: 'idle' }, pool.idleCount);
        set({ state: 'waiting' }, pool.waitingCount);
        return Promise.resolve();
      },
    );
  }
}
