// @simplewebauthn/server and its CBOR/ASN.1 dependencies weigh ~25 MiB of a server's memory, yet
// only passkey ceremonies use them: they are loaded on the first ceremony, not at start.
type WebAuthn = typeof import('@simplewebauthn/server');

let loading: Promise<WebAuthn> | undefined;

/** The WebAuthn library, imported on first use. */
export function webauthn(): Promise<WebAuthn> {
  loading ??= import('@simplewebauthn/server');
  return loading;
}
