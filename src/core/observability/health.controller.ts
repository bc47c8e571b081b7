import { SkipThrottle } from '@nestjs/throttler';
import { Controller, Get, Res, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { HealthCheckResult } from '@nestjs/terminus';
import type { Response } from 'express';
import { Public } from '@/core/auth/auth.decorators';
import { HealthService } from './health.service';

/**
 * Liveness says the process is up (restart it if not); readiness says it can serve (take it out
 * of the load balancer if not): PostgreSQL and the Redis / queue backend must answer.
 */
@ApiTags('health')
// Probes are neither rate limited nor authenticated: they must answer even when Redis does not.
@SkipThrottle()
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Public({ readToken: false })
  @Get('live')
  @ApiOkResponse({ description: 'The process is running' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Public({ readToken: false })
  @Get('ready')
  @ApiOkResponse({ description: 'Every dependency answered' })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down; details per dependency' })
  async ready(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    const { status, body } = await this.health.readiness();
    res.status(status);
    return body;
  }
}
