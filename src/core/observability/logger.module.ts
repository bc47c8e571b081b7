import type { IncomingMessage, ServerResponse } from 'node:http';
import { Module } from '@nestjs/common';
import { LoggerModule as PinoLoggerModule, type Params } from 'nestjs-pino';
import pino from 'pino';
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
        pinoHttp: [
          {
            level: http.logLevel,
            genReqId: correlationId,
            redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
            autoLogging: { ignore: (req) => QUIET_ROUTES.test(req.url ?? '') },
            customLogLevel: (_req, res, err) =>
              err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
            // Lean request lines: id, method, URL, client, status. Headers stay out of the logs
            // (they are redacted above should a handler log them). The serializers read the raw
            // request and response: pino's standard ones would first copy every header into an
            // object that is then thrown away, on every request.
            wrapSerializers: false,
            serializers: {
              req: (req: IncomingMessage & { id?: unknown; originalUrl?: string }) => ({
                id: req.id,
                method: req.method,
                url: req.originalUrl ?? req.url,
                remoteAddress: req.socket?.remoteAddress,
              }),
              res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
              err: pino.stdSerializers.err,
            },
            transport: http.logPretty
              ? {
                  target: 'pino-pretty',
                  options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' },
                }
              : undefined,
          },
          // JSON lines go to stdout asynchronously: a line written while the previous write is
          // still in flight joins the next one, instead of one blocking write(2) per line on the
          // event loop. pino flushes what is pending synchronously on exit; a SIGKILL can lose
          // the lines of the write in flight (milliseconds' worth).
          ...(http.logPretty ? [] : [pino.destination({ dest: 1, sync: false })]),
        ] as Params['pinoHttp'],
      }),
    }),
  ],
})
export class LoggerModule {}
