import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import Handlebars from 'handlebars';
import { createTransport, type Transporter } from 'nodemailer';
import { appConfig, mailConfig, type AppConfig, type MailConfig } from '@/config';
import { VIEWS_DIR } from '@/core/paths';

export interface OutgoingMail {
  to: string;
  /** A template under `views/mail/<name>.{subject,html,text}.hbs`. */
  template: string;
  context: Record<string, unknown>;
  /**
   * Names the one logical mail this is (e.g. `order-receipt:<order id>`). It becomes a stable
   * `Message-ID`, so a retry that sends the mail again after a crash carries the same id and
   * mail systems that deduplicate by `Message-ID` show it once.
   */
  key?: string;
}

/**
 * A `Message-ID` derived from a mail's key: `<hash@domain>`, the domain taken from the sender's
 * address (RFC 5322 wants it globally unique; the hash keeps keys, which hold ids, out of headers).
 */
export function stableMessageId(key: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'stoa.local';
  const local = createHash('sha256').update(key).digest('base64url').slice(0, 32);
  return `<${local}@${domain}>`;
}

type Compiled = Record<'subject' | 'html' | 'text', HandlebarsTemplateDelegate>;

/**
 * Renders mails from Handlebars templates and sends them over SMTP (`MAIL_URL`), or — by
 * default — writes them to the log so a fresh checkout shows the welcome mail in the console.
 */
@Injectable()
export class MailService implements OnApplicationShutdown {
  private readonly logger = new Logger(MailService.name);
  private readonly templates = new Map<string, Compiled>();
  private readonly transport: Transporter | undefined;

  constructor(
    @Inject(mailConfig.KEY) private readonly mail: MailConfig,
    @Inject(appConfig.KEY) private readonly app: AppConfig,
  ) {
    this.transport = mail.url ? createTransport(mail.url) : undefined;
  }

  get transportKind(): 'smtp' | 'log' {
    return this.transport ? 'smtp' : 'log';
  }

  render(template: string, context: Record<string, unknown>) {
    let compiled = this.templates.get(template);
    if (!compiled) {
      const load = (part: string) =>
        Handlebars.compile(
          readFileSync(join(VIEWS_DIR, 'mail', `${template}.${part}.hbs`), 'utf8'),
          {
            strict: true,
          },
        );
      compiled = { subject: load('subject'), html: load('html'), text: load('text') };
      this.templates.set(template, compiled);
    }
    const data = { ...context, appUrl: this.app.publicUrl };
    return {
      subject: compiled.subject(data).trim(),
      html: compiled.html(data),
      text: compiled.text(data),
    };
  }

  /** Sends (or logs) one mail; returns its `Message-ID`. */
  async send(mail: OutgoingMail): Promise<string> {
    const { subject, html, text } = this.render(mail.template, mail.context);
    const messageId = mail.key ? stableMessageId(mail.key, this.mail.from) : undefined;
    if (!this.transport) {
      this.logger.log(`[mail:log] to=${mail.to} subject="${subject}"\n${text}`);
      return messageId ?? `log-${Date.now()}`;
    }
    const info = (await this.transport.sendMail({
      from: this.mail.from,
      to: mail.to,
      subject,
      html,
      text,
      messageId,
    })) as {
      messageId: string;
    };
    return info.messageId;
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
