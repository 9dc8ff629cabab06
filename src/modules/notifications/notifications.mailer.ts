/**
 * Sending one mail by SMTP (nodemailer): `smtp://user:pass@host:587` (STARTTLS when the server
 * offers it) or `smtps://…:465` (TLS from the start). The settings come from the environment
 * (adapters/http/mail-settings.ts).
 */
import { createTransport } from 'nodemailer';

export interface MailSettings {
  smtpUrl: string;
  from: string;
  /** The web app's address, for the links in the mails (`https://backstop.example.cn`). */
  publicUrl?: string;
}

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

/** Sends one mail; rejects when the server refused it or could not be reached. */
export type Mailer = (mail: OutgoingMail) => Promise<void>;

/** A mailer on the SMTP server of the settings; each attempt has `timeoutMs` to connect and to answer. */
export function smtpMailer(settings: MailSettings, timeoutMs: number): Mailer & { close: () => void } {
  const url = new URL(settings.smtpUrl);
  const transport = createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
    secure: url.protocol === 'smtps:',
    ...(url.username
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  const send = async (mail: OutgoingMail) => {
    await transport.sendMail({ from: settings.from, to: mail.to, subject: mail.subject, text: mail.text });
  };
  return Object.assign(send, { close: () => transport.close() });
}
