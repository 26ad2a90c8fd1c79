import { z } from 'zod';
import { AUDIT_ACTIONS } from './audit-actions.js';
import { INVITE_STATUSES } from './invite-status.js';
import { hasControlCharacter, isWellFormed, metadataIssues } from './metadata.js';
import { ROLES } from './roles.js';

export { METADATA_LIMITS } from './metadata.js';

/**
 * Input schemas of every use-case. Core parses with them (it is reused without the API), and the
 * API declares them as procedure inputs so clients get the same types and messages.
 */
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'Enter a valid email address' }).max(320));

/**
 * Strength and length are judged by the password policy, not here: every violation, a far too long
 * password included, must be WEAK_PASSWORD, which a zod error cannot carry. The
 * request body limit of the transport bounds the size.
 */
export const newPasswordSchema = z.string();
const currentPasswordSchema = z.string().min(1, 'Password is required').max(4096);

/** PostgreSQL text cannot hold NUL characters: refuse them here (400), not in the database (500). */
const NO_NUL = 'must not contain NUL characters';
/**
 * A lone UTF-16 surrogate cannot be encoded as UTF-8: in a text column the driver turns it into
 * U+FFFD (the value silently changes), in jsonb PostgreSQL refuses it (500). Refused here (400).
 */
const WELL_FORMED = 'must be well-formed Unicode (no lone surrogate)';
/** Every free-text input: no NUL, no lone surrogate. */
const text = () =>
  z
    .string()
    .refine((value) => !value.includes('\u0000'), NO_NUL)
    .refine(isWellFormed, WELL_FORMED);

export const roleSchema = z.enum(ROLES);
export const idSchema = text().trim().min(1, 'id is required').max(64);
/** Names are printed in terminals and pages: no control characters (C0, DEL, C1) at all. */
const nameSchema = text()
  .trim()
  .max(200)
  .refine((value) => !hasControlCharacter(value), 'must not contain control characters')
  .nullable();

/**
 * Free-form JSON of a user: a plain object of JSON values, within `METADATA_LIMITS` (depth, keys,
 * lengths, 16 KiB of JSON), with well-formed strings and no NUL. Checked without deep recursion,
 * so hostile nesting is an input error, not a stack overflow further down.
 */
export const metadataSchema = z
  .record(z.string(), z.unknown())
  .superRefine((value, ctx) => {
    for (const issue of metadataIssues(value)) {
      ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path, input: value });
    }
  })
  .nullable();

export const limitSchema = z.number().int().min(1).max(100).default(50);
export const cursorSchema = text().max(512).nullish();
/** A search never holds control characters (the user search index joins fields with one). */
const searchSchema = text()
  .trim()
  .max(320)
  .refine((value) => !hasControlCharacter(value), 'must not contain control characters')
  .optional();
/** Bearer secrets are long, but never this long: bigger input is rejected before any lookup. */
export const tokenSchema = text().trim().min(1, 'token is required').max(256);

export const createUserInput = z.object({
  email: emailSchema,
  password: newPasswordSchema.optional(),
  firstName: nameSchema.optional(),
  lastName: nameSchema.optional(),
  role: roleSchema.default('member'),
  metadata: metadataSchema.optional(),
});

export const updateUserInput = z.object({
  id: idSchema,
  firstName: nameSchema.optional(),
  lastName: nameSchema.optional(),
  role: roleSchema.optional(),
  metadata: metadataSchema.optional(),
});

export const listUsersInput = z
  .object({ q: searchSchema, role: roleSchema.optional(), limit: limitSchema, cursor: cursorSchema })
  .default({ limit: 50 });

export const userIdInput = z.object({ id: idSchema });

export const loginInput = z.object({ email: emailSchema, password: currentPasswordSchema });
export const changePasswordInput = z.object({
  currentPassword: currentPasswordSchema,
  newPassword: newPasswordSchema,
});
export const requestPasswordResetInput = z.object({ email: emailSchema });
export const resetPasswordInput = z.object({ token: tokenSchema, newPassword: newPasswordSchema });
export const apiTokenInput = z.object({ userId: idSchema.optional() }).default({});

export const createInviteInput = z.object({
  email: emailSchema,
  role: roleSchema.default('member'),
  sendEmail: z.boolean().default(true),
});
export const resendInviteInput = z.object({ id: idSchema, sendEmail: z.boolean().default(true) });
export const inviteIdInput = z.object({ id: idSchema });
export const inviteTokenInput = z.object({ token: tokenSchema });
export const acceptInviteInput = z.object({
  token: tokenSchema,
  password: newPasswordSchema,
  firstName: nameSchema.optional(),
  lastName: nameSchema.optional(),
});
export const listInvitesInput = z
  .object({
    status: z.enum(INVITE_STATUSES).optional(),
    q: searchSchema,
    limit: limitSchema,
    cursor: cursorSchema,
  })
  .default({ limit: 50 });

/** A TOTP code (6 digits) or a recovery code (`xxxx-xxxx-xxxx`), as typed. */
export const mfaCodeSchema = text().trim().min(1, 'Enter a code').max(64);
const base64url = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9_-]*={0,2}$/, 'must be base64url');
/** Extension outputs the browser reports; unused here, so only their size is bounded. */
const clientExtensionResults = z
  .record(z.string(), z.unknown())
  .refine((value) => JSON.stringify(value).length <= 2048, 'too large')
  .default({});
const transports = z.array(z.string().max(32)).max(10).optional();
/** The fields every WebAuthn credential response shares (creation and assertion alike). */
const credentialFields = {
  id: base64url(1024),
  rawId: base64url(1024),
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults,
};
/** What `navigator.credentials.create()` gives (as @simplewebauthn/browser's startRegistration returns it). */
export const passkeyRegistrationSchema = z.object({
  ...credentialFields,
  response: z.object({
    clientDataJSON: base64url(4096),
    attestationObject: base64url(16_384),
    authenticatorData: base64url(8192).optional(),
    transports,
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: base64url(4096).optional(),
  }),
});
/** What `navigator.credentials.get()` gives (as @simplewebauthn/browser's startAuthentication returns it). */
export const passkeyAssertionSchema = z.object({
  ...credentialFields,
  response: z.object({
    clientDataJSON: base64url(4096),
    authenticatorData: base64url(8192),
    signature: base64url(2048),
    userHandle: base64url(1024).optional(),
  }),
});
export const mfaChallengeSchema = tokenSchema;
/** The second step of a sign-in: a code (TOTP or recovery) or a passkey. */
export const verifyMfaInput = z.union([
  z.object({ challenge: mfaChallengeSchema, code: mfaCodeSchema }).strict(),
  z.object({ challenge: mfaChallengeSchema, passkey: passkeyAssertionSchema }).strict(),
]);
/** A second-factor check of a signed-in user: a code or a passkey. */
export const stepUpInput = z.union([
  z.object({ code: mfaCodeSchema }).strict(),
  z.object({ passkey: passkeyAssertionSchema }).strict(),
]);
export const passkeyOptionsInput = z.object({ challenge: mfaChallengeSchema.optional() }).default({});
export const loginWithPasskeyInput = z.object({ passkey: passkeyAssertionSchema });
export const totpConfirmInput = z.object({ code: mfaCodeSchema });
const passkeyNameSchema = text()
  .trim()
  .min(1, 'Name the passkey')
  .max(100)
  .refine((value) => !hasControlCharacter(value), 'must not contain control characters');
export const registerPasskeyInput = z.object({ name: passkeyNameSchema, passkey: passkeyRegistrationSchema });
export const renamePasskeyInput = z.object({ id: idSchema, name: passkeyNameSchema });
export const passkeyIdInput = z.object({ id: idSchema });

export const listAuditInput = z
  .object({
    action: z.enum(AUDIT_ACTIONS).optional(),
    actorId: idSchema.optional(),
    limit: limitSchema,
    cursor: cursorSchema,
  })
  .default({ limit: 50 });

export type CreateUserInput = z.input<typeof createUserInput>;
export type UpdateUserInput = z.input<typeof updateUserInput>;
export type ListUsersInput = z.input<typeof listUsersInput>;
export type LoginInput = z.input<typeof loginInput>;
export type ChangePasswordInput = z.input<typeof changePasswordInput>;
export type ResetPasswordInput = z.input<typeof resetPasswordInput>;
export type CreateInviteInput = z.input<typeof createInviteInput>;
export type ResendInviteInput = z.input<typeof resendInviteInput>;
export type AcceptInviteInput = z.input<typeof acceptInviteInput>;
export type ListInvitesInput = z.input<typeof listInvitesInput>;
export type ListAuditInput = z.input<typeof listAuditInput>;
export type VerifyMfaInput = z.input<typeof verifyMfaInput>;
export type StepUpInput = z.input<typeof stepUpInput>;
export type PasskeyOptionsInput = z.input<typeof passkeyOptionsInput>;
export type LoginWithPasskeyInput = z.input<typeof loginWithPasskeyInput>;
export type RegisterPasskeyInput = z.input<typeof registerPasskeyInput>;
export type RenamePasskeyInput = z.input<typeof renamePasskeyInput>;
export type PasskeyAssertion = z.output<typeof passkeyAssertionSchema>;
export type PasskeyRegistration = z.output<typeof passkeyRegistrationSchema>;
