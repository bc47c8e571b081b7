import { Module } from '@nestjs/common';
import { LoggerModule as PinoLoggerModule } from 'nestjs-pino';
import { httpConfig, type HttpConfig } from '@/config';
import { correlationId } from '@/core/http/correlation-id';

/** Never written to logs, whatever a handler logs. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.refreshToken',
  '*.token',
  '*.accessToken',
  '*.access_token',
  '*.refresh_token',
  '*.user.password',
];

const QUIET_ROUTES = /^\/(api\/health\/|metrics)/;

/**
 * Structured logs with pino: one line per request carrying the correlation id (`reqId`), JSON
 * in production, pretty for humans in development.
 */
@Module({
  imports: [
    PinoLoggerModule.forRootAsync({
      inject: [httpConfig.KEY],
      useFactory: (http: HttpConfig) => ({
        pinoHttp: {
          level: http.logLevel,
          genReqId: correlationId,
          redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
          autoLogging: { ignore: (req) => QUIET_ROUTES.test(req.url ?? '') },
          customLogLevel: (_req, res, err) =>
            err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
          // Lean request lines: id, method, URL, client, status. Headers stay out of the logs
          // (they are redacted above should a handler log them).
          serializers: {
            req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
              id: req.id,
              method: req.method,
              url: req.url,
              remoteAddress: req.remoteAddress,
            }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
          transport: http.logPretty
            ? {
                target: 'pino-pretty',
                options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' },
              }
            : undefined,
        },
      }),
    }),
  ],
})
export class LoggerModule {}
