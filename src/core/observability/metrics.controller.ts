import { SkipThrottle } from '@nestjs/throttler';
import { Controller, Get, Header, Inject, Req, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { httpConfig, type HttpConfig } from '@/config';
import { Public } from '@/core/auth/auth.decorators';
import { UnauthenticatedError } from '@/core/auth/auth.errors';
import { extractAccessToken } from '@/core/auth/access-token.service';
import { sameSecret } from '@/core/security/same-secret';
import { MetricsService } from './metrics.service';

/** Prometheus scrape endpoint, outside `/api`. With `METRICS_TOKEN` set it needs that bearer. */
@ApiExcludeController()
// Probes and scrapes are not rate limited: they must answer even when Redis does not.
@SkipThrottle()
@Controller({ path: 'metrics', version: VERSION_NEUTRAL })
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(httpConfig.KEY) private readonly http: HttpConfig,
  ) {}

  @Public({ readToken: false })
  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Req() req: Request): Promise<string> {
    const expected = this.http.metricsToken;
    if (expected) {
      const given = extractAccessToken(req.headers.authorization);
      if (!given || !sameSecret(given, expected))
        throw new UnauthenticatedError('metrics token required');
    }
    const { contentType, body } = await this.metrics.render();
    req.res?.setHeader('Content-Type', contentType);
    return body;
  }
}
