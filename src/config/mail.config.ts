import { IsOptional, IsString, Matches } from 'class-validator';
import { defineConfig, type ConfigOf } from './config.loader';

class MailEnv {
  /** `smtp://user:pass@host:port`; unset → mails are written to the log. */
  @IsOptional()
  @Matches(/^smtps?:\/\//, { message: 'MAIL_URL must be an smtp:// or smtps:// URL' })
  MAIL_URL?: string;

  @IsOptional()
  @IsString()
  MAIL_FROM?: string;
}

export const mailConfig = defineConfig('mail', MailEnv, (env) => ({
  url: env.MAIL_URL,
  from: env.MAIL_FROM ?? 'Stoa <no-reply@stoa.local>',
}));
export type MailConfig = ConfigOf<typeof mailConfig>;
