import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';

/**
 * What the secrets scan (the last file) reads: every response body with the procedure that sent
 * it, every server output line, and every secret a test made or was given (passwords, tokens).
 */
const dir = () => inject('recordDir');

export type SecretKind = 'password' | 'session' | 'apiToken' | 'invite' | 'passwordReset';

export function recordBody(procedure: string, body: string): void {
  appendFileSync(path.join(dir(), 'bodies.jsonl'), `${JSON.stringify({ procedure, body })}\n`);
}

export function recordOutput(source: string, text: string): void {
  appendFileSync(path.join(dir(), 'output.jsonl'), `${JSON.stringify({ source, text })}\n`);
}

export function recordSecret(kind: SecretKind, value: string): void {
  appendFileSync(path.join(dir(), 'secrets.jsonl'), `${JSON.stringify({ kind, value })}\n`);
}

/** A count for the closing summary (faults injected, races run, writes acknowledged and found…). */
export function recordFigure(name: string, value: number): void {
  appendFileSync(path.join(dir(), 'figures.jsonl'), `${JSON.stringify({ name, value })}\n`);
}
