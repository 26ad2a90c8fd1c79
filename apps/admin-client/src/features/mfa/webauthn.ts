import type { RouterOutputs } from '@gatehouse/api';

// @simplewebauthn/browser is loaded on first use only: most visits never touch a passkey.

type RequestOptions = RouterOutputs['auth']['passkeyOptions'];
type CreationOptions = RouterOutputs['mfa']['passkeys']['registrationOptions'];

/** Asks the browser for a passkey assertion (sign-in, second step, step-up). */
export async function getPasskey(optionsJSON: RequestOptions) {
  const { startAuthentication } = await import('@simplewebauthn/browser');
  return plainExtensions(await startAuthentication({ optionsJSON }));
}

/** Asks the browser to create a passkey for this account. */
export async function createPasskey(optionsJSON: CreationOptions) {
  const { startRegistration } = await import('@simplewebauthn/browser');
  return plainExtensions(await startRegistration({ optionsJSON }));
}

/**
 * The browser's extension outputs as a plain record, the shape the API's input schema declares
 * (the DOM's interface type has no index signature); the values are passed on unchanged.
 */
function plainRecord(value: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = Reflect.get(value, key);
  return out;
}

const plainExtensions = <R extends { clientExtensionResults: object }>(
  response: R,
): Omit<R, 'clientExtensionResults'> & { clientExtensionResults: Record<string, unknown> } => ({
  ...response,
  clientExtensionResults: plainRecord(response.clientExtensionResults),
});

/** The browser's refusal (cancelled, timed out, no passkey here), in words; null for an API error. */
export function describePasskeyError(error: unknown): string | null {
  if (!(error instanceof Error) || error.name === 'TRPCClientError') return null;
  if (error.name === 'NotAllowedError' || error.name === 'AbortError') {
    return 'No passkey was used: the request was cancelled or timed out. Try again.';
  }
  if (error.name === 'InvalidStateError') return 'This device already has a passkey for your account.';
  if (error.name === 'NotSupportedError' || error.name === 'SecurityError') {
    return 'This browser cannot use passkeys here.';
  }
  return error.message;
}
