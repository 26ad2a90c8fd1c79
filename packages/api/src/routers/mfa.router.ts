import { schemas } from '@gatehouse/core';
import { assertSteppedUp, authedProcedure, enrollingProcedure, metaOf, router } from '../trpc/trpc.js';

// The caller's own second factors. Enrolment stays open to a user whose role requires a factor and
// who has none yet; removing a factor or replacing recovery codes needs a recent step-up.

const totpRouter = router({
  /** A new pending secret (replacing a pending one): shown in this response only. */
  start: enrollingProcedure.mutation(({ ctx }) => ctx.core.mfa.startTotp(ctx.principal.user.id)),

  /** Activates it with a code; the first factor's recovery codes are in this response only. */
  confirm: enrollingProcedure
    .input(schemas.totpConfirmInput)
    .mutation(({ ctx, input }) => ctx.core.mfa.confirmTotp(ctx.principal.user.id, input.code, metaOf(ctx))),

  disable: authedProcedure.mutation(({ ctx }) => {
    assertSteppedUp(ctx);
    return ctx.core.mfa.disableTotp(ctx.principal.user.id, metaOf(ctx));
  }),
});

const passkeysRouter = router({
  /** WebAuthn creation options (for @simplewebauthn/browser's startRegistration). */
  registrationOptions: enrollingProcedure.mutation(({ ctx }) =>
    ctx.core.mfa.passkeyRegistrationOptions(ctx.principal.user.id),
  ),

  /** The new passkey; `recoveryCodes` (shown once) when it is the first factor, else []. */
  register: enrollingProcedure
    .input(schemas.registerPasskeyInput)
    .mutation(({ ctx, input }) => ctx.core.mfa.registerPasskey(ctx.principal.user.id, input, metaOf(ctx))),

  rename: authedProcedure
    .input(schemas.renamePasskeyInput)
    .mutation(({ ctx, input }) => ctx.core.mfa.renamePasskey(ctx.principal.user.id, input)),

  remove: authedProcedure.input(schemas.passkeyIdInput).mutation(({ ctx, input }) => {
    assertSteppedUp(ctx);
    return ctx.core.mfa.removePasskey(ctx.principal.user.id, input.id, metaOf(ctx));
  }),
});

const recoveryCodesRouter = router({
  /** A new set of 10 (the old set stops working), in this response only. */
  regenerate: authedProcedure.mutation(({ ctx }) => {
    assertSteppedUp(ctx);
    return ctx.core.mfa.regenerateRecoveryCodes(ctx.principal.user.id, metaOf(ctx));
  }),
});

export const mfaRouter = router({
  /** Which factors the caller has, and whether their role requires one. */
  status: enrollingProcedure.query(({ ctx }) => ctx.core.mfa.status(ctx.principal.user)),
  totp: totpRouter,
  passkeys: passkeysRouter,
  recoveryCodes: recoveryCodesRouter,
});
