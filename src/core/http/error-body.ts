import { ApiProperty } from '@nestjs/swagger';
import { ErrorKind, type ErrorDetails } from './domain-error';

export const HTTP_STATUS_BY_KIND: Record<ErrorKind, number> = {
  [ErrorKind.BadRequest]: 400,
  [ErrorKind.Unauthenticated]: 401,
  [ErrorKind.Forbidden]: 403,
  [ErrorKind.NotFound]: 404,
  [ErrorKind.Conflict]: 409,
  [ErrorKind.PreconditionFailed]: 412,
  [ErrorKind.Validation]: 422,
  [ErrorKind.RateLimited]: 429,
  [ErrorKind.Unavailable]: 503,
};

/** The single error body of every REST response (documented in OpenAPI as `ErrorBody`). */
export class ErrorBody {
  /** Field (or `body`) → messages. RealWorld clients render this map. */
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    example: { email: ['must be an email'] },
  })
  errors: ErrorDetails;

  /** Stable machine-readable code, e.g. `AUTH.INVALID_CREDENTIALS`. */
  @ApiProperty({ example: 'COMMON.VALIDATION_FAILED' })
  code: string;

  @ApiProperty({ example: 'validation failed' })
  message: string;

  @ApiProperty({ example: 422 })
  statusCode: number;

  /** Same value as the `X-Request-Id` response header and the `reqId` of every log line. */
  @ApiProperty({ example: '5f0c6a53-3f5e-4a4b-9c36-0c8d2f7f2d1e' })
  correlationId: string;
}
