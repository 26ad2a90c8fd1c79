import type { Role } from '../roles.js';
import type { MailMessage } from './mailer.js';

export function inviteMessage(input: {
  to: string;
  role: Role;
  acceptUrl: string;
  expiresAt: Date;
}): MailMessage {
  return {
    to: input.to,
    subject: 'You have been invited to Gatehouse',
    text: [
      `You have been invited to join Gatehouse as ${input.role === 'admin' ? 'an' : 'a'} ${input.role}.`,
      '',
      'Accept the invitation and choose your password here:',
      input.acceptUrl,
      '',
      `This link works once and expires on ${input.expiresAt.toISOString()}.`,
      'If you did not expect this invitation, ignore this message.',
    ].join('\n'),
  };
}

export function passwordResetMessage(input: { to: string; resetUrl: string; expiresAt: Date }): MailMessage {
  return {
    to: input.to,
    subject: 'Reset your Gatehouse password',
    text: [
      'Someone asked to reset the password of your Gatehouse account.',
      '',
      'Choose a new password here:',
      input.resetUrl,
      '',
      `This link works once and expires on ${input.expiresAt.toISOString()}.`,
      'Using it signs you out everywhere. If you did not ask for this, ignore this message.',
    ].join('\n'),
  };
}
