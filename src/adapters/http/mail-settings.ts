/**
 * Mail (notifications module): BACKSTOP_SMTP_URL (`smtp://user:pass@host:587`, STARTTLS when the
 * server offers it; `smtps://…:465`, TLS from the start) and BACKSTOP_MAIL_FROM; BACKSTOP_PUBLIC_URL
 * makes the mails' links absolute. Without the first two nothing is sent and nothing is tried; with
 * one and not the other, or a URL that is not one, the server does not start.
 */
import { UsageError } from '../cli/cli-errors';
import type { MailSettings } from '../../modules/notifications/notifications.mailer';

/** The mail settings from the environment, or undefined when mail is not set up. */
export function mailSettings(env: Record<string, string | undefined> = process.env): MailSettings | undefined {
  const smtpUrl = env.BACKSTOP_SMTP_URL?.trim() || undefined;
  const from = env.BACKSTOP_MAIL_FROM?.trim() || undefined;
  const publicUrl = env.BACKSTOP_PUBLIC_URL?.trim() || undefined;
  if (!smtpUrl && !from) return undefined;
  if (!smtpUrl) throw new UsageError('BACKSTOP_MAIL_FROM is set without BACKSTOP_SMTP_URL: set both, or neither');
  if (!from) throw new UsageError('BACKSTOP_SMTP_URL is set without BACKSTOP_MAIL_FROM: set both, or neither');
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    throw new UsageError('BACKSTOP_SMTP_URL: not a URL (smtp://user:password@host:587 or smtps://…:465)');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw new UsageError(`BACKSTOP_SMTP_URL: must start with smtp:// or smtps://, not ${url.protocol}//`);
  if (publicUrl && !/^https?:\/\/[^/]/.test(publicUrl))
    throw new UsageError(`BACKSTOP_PUBLIC_URL: must be an http(s) address, not "${publicUrl}"`);
  return { smtpUrl, from, ...(publicUrl ? { publicUrl } : {}) };
}
