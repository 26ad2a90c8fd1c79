import { passwordWeakness } from '@gatehouse/core/schemas';
import { Progress, Stack, Text } from '@mantine/core';

export interface Strength {
  /** The server's policy reason, or null when the password would be accepted. */
  reason: string | null;
  /** 0–100, for the meter. */
  score: number;
  label: 'Too weak' | 'Fair' | 'Good' | 'Strong';
}

/**
 * Judged with the server's own policy (length, common passwords, the email's name), so what the
 * meter accepts the server accepts; length beyond the minimum moves the meter further.
 */
export function judgePassword(password: string, email?: string): Strength {
  const reason = passwordWeakness(password, email);
  if (reason) return { reason, score: Math.min(30, password.length * 3), label: 'Too weak' };
  const length = [...password].length;
  if (length >= 16) return { reason, score: 100, label: 'Strong' };
  if (length >= 12) return { reason, score: 75, label: 'Good' };
  return { reason, score: 50, label: 'Fair' };
}

const COLOR = { 'Too weak': 'red', Fair: 'yellow', Good: 'teal', Strong: 'green' } as const;

/** Live feedback under a new-password field. */
export function PasswordStrength(props: { password: string; email?: string; id?: string }) {
  if (props.password === '') {
    return (
      <Text id={props.id} size="xs" c="dimmed">
        At least 8 characters. Long passphrases are best.
      </Text>
    );
  }
  const strength = judgePassword(props.password, props.email);
  return (
    <Stack gap={4} id={props.id} aria-live="polite">
      <Progress
        value={strength.score}
        color={COLOR[strength.label]}
        size="sm"
        aria-label="Password strength"
      />
      <Text size="xs" c={strength.reason ? 'red' : 'dimmed'} data-testid="password-strength">
        {strength.label}
        {strength.reason ? `: ${strength.reason}` : ''}
      </Text>
    </Stack>
  );
}
