import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** An integer variable; an empty string counts as unset so `.env` placeholders keep defaults. */
export function EnvInt(min: number, max: number = Number.MAX_SAFE_INTEGER) {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) =>
      value === undefined || value === ''
        ? undefined
        : typeof value === 'string'
          ? Number(value)
          : value,
    ),
    IsOptional(),
    IsInt(),
    Min(min),
    Max(max),
  );
}

/** A boolean variable accepting true/false, 1/0, yes/no, on/off. */
export function EnvBool() {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => {
      if (value === undefined || value === '') return undefined;
      if (typeof value !== 'string') return value;
      const v = value.toLowerCase();
      return TRUE.has(v) ? true : FALSE.has(v) ? false : value;
    }),
    IsOptional(),
    IsBoolean(),
  );
}

/** Splits a comma-separated list, trimming blanks. */
export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
