import type { z } from 'zod';

export type FieldErrors = Record<string, string>;

/**
 * Validates form values with the same zod schema the server declares for the procedure, so the
 * browser and the server agree on every rule and message. Returns the parsed input or, per field,
 * the first message.
 */
export function validate<S extends z.ZodType>(
  schema: S,
  values: z.input<S>,
): { ok: true; data: z.output<S> } | { ok: false; errors: FieldErrors } {
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}

/** Empty text fields are "not given" (null) for the API's nullable names. */
export const orNull = (value: string) => (value.trim() === '' ? null : value);
