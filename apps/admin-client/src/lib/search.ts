/** Reads a search parameter that must be a non-empty string. */
export const optionalString = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined;

/** Reads a search parameter that must be one of a closed list (e.g. ROLES). */
export const oneOf = <T extends string>(list: readonly T[], value: unknown): T | undefined =>
  list.find((item) => item === value);
