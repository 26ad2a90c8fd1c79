import { createRequire } from 'node:module';

// nodemailer (~14 MiB of a server's memory) is loaded only where SMTP_URL asks for it.
const requireOptional = createRequire(import.meta.url);

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Port for outgoing mail. Adapters: stdout (default) and SMTP. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close?(): Promise<void>;
}

/** Writes each message to stdout as plain text, link included, for development and demos. */
export function createStdoutMailer(
  write: (text: string) => void = (text) => process.stdout.write(text),
): Mailer {
  return {
    async send(message) {
      write(
        [
          '',
          '──── mail ────',
          `To: ${message.to}`,
          `Subject: ${message.subject}`,
          '',
          message.text,
          '──────────────',
          '',
        ].join('\n'),
      );
    },
  };
}

/** Delivers through SMTP (nodemailer), e.g. `smtp://user:pass@mail.example.com:587`. */
export function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  const nodemailer = requireOptional('nodemailer') as typeof import('nodemailer');
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(message) {
      await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text });
    },
    async close() {
      transport.close();
    },
  };
}

export function createMailer(config: { smtpUrl: string | undefined; mailFrom: string }): Mailer {
  return config.smtpUrl ? createSmtpMailer(config.smtpUrl, config.mailFrom) : createStdoutMailer();
}
