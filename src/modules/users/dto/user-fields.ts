import { applyDecorators } from '@nestjs/common';
import { Trim } from '@/core/http/validation';
import {
  IsEmail,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';

/** Shared field rules, so register, update and GraphQL inputs can never drift apart. */
export const UserFieldRules = {
  email: () =>
    applyDecorators(Trim(), IsEmail({}, { message: 'must be an email' }), MaxLength(254)),
  username: () =>
    applyDecorators(
      Trim(),
      IsString(),
      MinLength(3),
      MaxLength(40),
      Matches(/^[A-Za-z0-9_.-]+$/, {
        message: 'may contain letters, digits, ".", "_" and "-" only',
      }),
    ),
  /** Long enough to resist guessing; capped so hashing cost stays bounded. */
  password: () => applyDecorators(IsString(), MinLength(8), MaxLength(256)),
  bio: () =>
    applyDecorators(
      ValidateIf((_, v) => v !== null),
      IsString(),
      MaxLength(2000),
    ),
  image: () =>
    applyDecorators(
      ValidateIf((_, v) => v !== null && v !== ''),
      IsUrl(
        { protocols: ['http', 'https'], require_protocol: true },
        { message: 'must be an http(s) URL' },
      ),
      MaxLength(2048),
    ),
};
