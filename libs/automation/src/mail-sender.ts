import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Transporter } from 'nodemailer';

export interface MailMessage {
  /** The notification's id: the same message always carries the same id (and Message-ID header). */
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

export interface MailReceipt {
  readonly transport: string;
  readonly messageId: string;
}

/** The port notifications go out through. */
export interface MailSender {
  send(message: MailMessage): Promise<MailReceipt>;
}

const messageIdOf = (id: string) => `<${id}@service-desk.notifications>`;

function rfc822(message: MailMessage): string {
  return [
    `Message-ID: ${messageIdOf(message.id)}`,
    `From: ${message.from}`,
    `To: ${message.to}`,
    `Subject: ${message.subject}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    message.text,
  ].join('\r\n');
}

/**
 * The embedded default: each message is written to `<folder>/<id>.eml` (atomically: a temporary file,
 * then a rename). A message whose file exists is not written again, so a retry after a crash between
 * sending and recording sends nothing twice.
 */
export class FileMailSender implements MailSender {
  constructor(private readonly folder: string) {}

  async send(message: MailMessage): Promise<MailReceipt> {
    mkdirSync(this.folder, { recursive: true });
    const file = join(this.folder, `${message.id}.eml`);
    if (!existsSync(file)) {
      const temporary = `${file}.tmp-${process.pid}`;
      writeFileSync(temporary, rfc822(message));
      renameSync(temporary, file);
    }
    return { transport: `file:${this.folder}`, messageId: messageIdOf(message.id) };
  }
}

/**
 * SMTP through nodemailer (`SMTP_URL`, e.g. smtps://user:pass@mail.example.com). The Message-ID header is
 * the notification's id, so that a message resent after a crash between sending and recording can be
 * recognised as the same by the receiving side.
 */
export class SmtpMailSender implements MailSender {
  /** Created on the first message: nodemailer is loaded only by a deployment that sends over SMTP. */
  private transport: Promise<Transporter> | null = null;

  constructor(private readonly url: string) {}

  async send(message: MailMessage): Promise<MailReceipt> {
    this.transport ??= import('nodemailer').then(({ createTransport }) => createTransport(this.url));
    const info = await (
      await this.transport
    ).sendMail({
      messageId: messageIdOf(message.id),
      from: message.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
    });
    return { transport: 'smtp', messageId: String(info.messageId ?? messageIdOf(message.id)) };
  }
}
