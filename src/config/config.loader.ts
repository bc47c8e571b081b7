import { readFileSync } from 'node:fs';
import { registerAs } from '@nestjs/config';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

export type RawEnv = Readonly<Record<string, string | undefined>>;

/**
 * One area of configuration: the class-validator schema of its variables and a mapper from
 * the validated variables to the typed object services inject.
 *
 * @example
 * export const mailConfig = defineConfig('mail', MailEnv, (env) => ({ url: env.MAIL_URL }));
 * export type MailConfig = ConfigOf<typeof mailConfig>;
 * constructor(@Inject(mailConfig.KEY) private readonly mail: MailConfig) {}
 */
export interface ConfigArea<N extends string, E extends object, T> {
  readonly namespace: N;
  /** Injection token, identical to the one `registerAs(namespace, …)` produces. */
  readonly KEY: string;
  readonly schema: ClassConstructor<E>;
  readonly map: (env: E, raw: RawEnv) => T;
}

export type ConfigOf<A> = A extends ConfigArea<string, object, infer T> ? T : never;

export function defineConfig<N extends string, E extends object, T>(
  namespace: N,
  schema: ClassConstructor<E>,
  map: (env: E, raw: RawEnv) => T,
): ConfigArea<N, E, T> {
  const KEY = String(registerAs(namespace, () => ({})).KEY);
  return { namespace, KEY, schema, map };
}

/** Thrown at boot with every invalid variable at once, so one restart fixes them all. */
export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

/** A rule that needs several variables (or the environment) to decide. */
export type CrossCheck<C> = (config: C) => string[];

/**
 * Secrets may be mounted as files (Docker/Kubernetes secrets): `JWT_SECRET_FILE=/run/secrets/jwt`
 * fills `JWT_SECRET`. Setting both is ambiguous and rejected.
 */
export function resolveSecretFiles(
  env: RawEnv,
  names: readonly string[],
): {
  env: Record<string, string | undefined>;
  problems: string[];
} {
  const out: Record<string, string | undefined> = { ...env };
  const problems: string[] = [];
  for (const name of names) {
    const file = env[`${name}_FILE`];
    if (!file) continue;
    if (env[name]) {
      problems.push(`${name} and ${name}_FILE are both set; set only one`);
      continue;
    }
    try {
      out[name] = readFileSync(file, 'utf8').trim();
    } catch (error) {
      problems.push(`${name}_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code})`);
    }
  }
  return { env: out, problems };
}

function flatten(errors: ValidationError[]): string[] {
  return errors.flatMap((e) =>
    e.constraints
      ? Object.values(e.constraints).map(
          (message) => `${e.property}: ${message.replace(new RegExp(`^${e.property} `), '')}`,
        )
      : flatten(e.children ?? []),
  );
}

/** Validates one area; returns the mapped value or the list of problems. */
export function parseArea<N extends string, E extends object, T>(
  area: ConfigArea<N, E, T>,
  env: RawEnv,
): { value?: T; problems: string[] } {
  const instance = plainToInstance(area.schema, env, {
    enableImplicitConversion: false,
    exposeDefaultValues: true,
  });
  const problems = flatten(
    validateSync(instance, { whitelist: false, forbidUnknownValues: false }),
  ).map((p) => `${p} [${area.namespace}]`);
  return problems.length ? { problems } : { value: area.map(instance, env), problems };
}
