import { BadRequestException, NotFoundException } from '@nestjs/common';
import { normalizeError } from './all-exceptions.filter';
import { ForbiddenError, ValidationFailedError } from './domain-error';

describe(normalizeError.name, () => {
  it('should map domain errors by kind with their code and details', () => {
    expect(normalizeError(new ValidationFailedError({ email: ['is bad'] }))).toEqual({
      errors: { email: ['is bad'] },
      code: 'COMMON.VALIDATION_FAILED',
      message: 'validation failed',
      statusCode: 422,
    });
    expect(normalizeError(new ForbiddenError()).statusCode).toBe(403);
  });

  it('should keep the status of HTTP exceptions', () => {
    expect(normalizeError(new NotFoundException('Cannot GET /x'))).toMatchObject({
      statusCode: 404,
      code: 'HTTP.NOT_FOUND',
      errors: { body: ['Cannot GET /x'] },
    });
    expect(normalizeError(new BadRequestException()).statusCode).toBe(400);
  });

  it('should keep client errors raised by Express middleware (body-parser)', () => {
    const err = Object.assign(new Error('request entity too large'), { status: 413, expose: true });
    expect(normalizeError(err)).toMatchObject({ statusCode: 413, code: 'HTTP.PAYLOAD_TOO_LARGE' });
  });

  it('should hide everything about unknown errors', () => {
    const secret = new Error('password=hunter2 at /srv/app.ts:12');
    expect(normalizeError(secret)).toEqual({
      errors: { body: ['internal server error'] },
      code: 'INTERNAL',
      message: 'internal server error',
      statusCode: 500,
    });
    expect(normalizeError({ status: 400 }).statusCode).toBe(500); // not exposed → not trusted
  });
});
