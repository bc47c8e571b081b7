import {
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { GqlArgumentsHost, type GqlContextType } from '@nestjs/graphql';
import type { Request, Response } from 'express';
import { GraphQLError } from 'graphql';
import { DomainError, type ErrorDetails } from './domain-error';
import { HTTP_STATUS_BY_KIND, type ErrorBody } from './error-body';
import { requestIdOf } from './correlation-id';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'HTTP.BAD_REQUEST',
  401: 'AUTH.UNAUTHENTICATED',
  403: 'AUTH.FORBIDDEN',
  404: 'HTTP.NOT_FOUND',
  405: 'HTTP.METHOD_NOT_ALLOWED',
  406: 'HTTP.NOT_ACCEPTABLE',
  409: 'HTTP.CONFLICT',
  412: 'HTTP.PRECONDITION_FAILED',
  413: 'HTTP.PAYLOAD_TOO_LARGE',
  415: 'HTTP.UNSUPPORTED_MEDIA_TYPE',
  422: 'COMMON.VALIDATION_FAILED',
  429: 'HTTP.RATE_LIMITED',
  503: 'HTTP.UNAVAILABLE',
};

/** GraphQL-over-HTTP convention for `extensions.code` (Apollo's well-known codes). */
const GRAPHQL_CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  422: 'BAD_USER_INPUT',
  429: 'RATE_LIMITED',
};

export type Normalized = Omit<ErrorBody, 'correlationId'>;

/** 22021 invalid byte sequence, 22P02 invalid text representation, 22001 value too long. */
const PG_INPUT_ERRORS = new Set(['22021', '22P02', '22001']);

function messageOf(response: string | object): string | undefined {
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.join('; ');
  return undefined;
}

/**
 * Turns anything thrown into the one error body. Known errors (DomainError, HttpException)
 * keep their status and a safe message; everything else is a generic 500 whose stack is logged
 * and never returned.
 */
export function normalizeError(exception: unknown): Normalized {
  if (exception instanceof DomainError) {
    return {
      errors: exception.details,
      code: exception.code,
      message: exception.message,
      statusCode: HTTP_STATUS_BY_KIND[exception.kind],
    };
  }
  if (exception instanceof HttpException) {
    const statusCode = exception.getStatus();
    const message =
      messageOf(exception.getResponse()) ?? HttpStatus[statusCode] ?? 'request failed';
    // Body-parser and similar 4xx errors carry a `type` but no safe structure; keep the message.
    return {
      errors: { body: [message] } satisfies ErrorDetails,
      code: CODE_BY_STATUS[statusCode] ?? `HTTP.${statusCode}`,
      message,
      statusCode,
    };
  }
  // Text PostgreSQL cannot store or parse (a NUL byte, an invalid UUID literal, a value too
  // long for its column) is the client's input, whatever path let it through: 400, not 500.
  const pgCode = (exception as { driverError?: { code?: unknown } } | null)?.driverError?.code;
  if (typeof pgCode === 'string' && PG_INPUT_ERRORS.has(pgCode)) {
    return {
      errors: { body: ['invalid input'] },
      code: 'HTTP.BAD_REQUEST',
      message: 'invalid input',
      statusCode: 400,
    };
  }
  // Errors raised by Express middleware (e.g. body-parser) carry a client status.
  const status = (exception as { status?: unknown; expose?: unknown } | null)?.status;
  if (
    typeof status === 'number' &&
    status >= 400 &&
    status < 500 &&
    (exception as { expose?: unknown }).expose === true
  ) {
    const message = (exception as Error).message;
    return {
      errors: { body: [message] },
      code: CODE_BY_STATUS[status] ?? `HTTP.${status}`,
      message,
      statusCode: status,
    };
  }
  return {
    errors: { body: ['internal server error'] },
    code: 'INTERNAL',
    message: 'internal server error',
    statusCode: 500,
  };
}

/**
 * The REST error body for a normalized error. Idempotent routes store exactly this for replay,
 * so it is built in one place.
 */
export function toErrorBody(normalized: Normalized, req: unknown): ErrorBody {
  return { ...normalized, correlationId: requestIdOf(req) };
}

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ExceptionsFilter');

  catch(exception: unknown, host: ArgumentsHost): unknown {
    const normalized = normalizeError(exception);
    if (normalized.statusCode >= 500) {
      this.logger.error(
        { err: exception },
        exception instanceof Error ? exception.message : 'non-error thrown',
      );
    }

    if (host.getType<GqlContextType>() === 'graphql') {
      const { req } = GqlArgumentsHost.create(host).getContext<{ req?: Request }>();
      return new GraphQLError(normalized.message, {
        extensions: {
          code: GRAPHQL_CODE_BY_STATUS[normalized.statusCode] ?? normalized.code,
          domainCode: normalized.code,
          statusCode: normalized.statusCode,
          errors: normalized.errors,
          correlationId: requestIdOf(req),
        },
      });
    }

    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    if (res.headersSent) return undefined;
    res.status(normalized.statusCode).json(toErrorBody(normalized, req));
    return undefined;
  }
}
