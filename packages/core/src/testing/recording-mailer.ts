import type { Mailer, MailMessage } from '../mail/mailer.js';

/** Keeps sent messages in memory; `failNext` makes the next send throw, like a down SMTP server. */
export class RecordingMailer implements Mailer {
  readonly sent: MailMessage[] = [];
  #failures = 0;

  failNext(count = 1): void {
    this.#failures += count;
  }

  async send(message: MailMessage): Promise<void> {
    if (this.#failures > 0) {
      this.#failures -= 1;
      throw new Error('mail server unavailable');
    }
    this.sent.push(message);
  }

  /** The token in the last link sent to `to`. */
  lastTokenFor(to: string): string {
    const message = this.sent.findLast((item) => item.to === to);
    const token = message?.text.match(/token=([A-Za-z0-9_-]+)/)?.[1];
    if (!token) throw new Error(`no mail with a token was sent to ${to}`);
    return token;
  }

  clear(): void {
    this.sent.length = 0;
  }
}
