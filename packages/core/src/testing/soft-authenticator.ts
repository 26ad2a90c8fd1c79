import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';

// A software WebAuthn authenticator for tests: real ES256 keys, attestation "none", and
// authenticatorData / clientDataJSON built byte by byte as the spec lays them out, so the server's
// real verification (@simplewebauthn/server) runs against it. Not a security device.

type CborValue = number | string | Uint8Array | Map<CborValue, CborValue> | { [key: string]: CborValue };

function cborHead(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 0x100) return Buffer.from([(major << 5) | 24, length]);
  if (length < 0x10000) {
    const head = Buffer.alloc(3);
    head[0] = (major << 5) | 25;
    head.writeUInt16BE(length, 1);
    return head;
  }
  const head = Buffer.alloc(5);
  head[0] = (major << 5) | 26;
  head.writeUInt32BE(length, 1);
  return head;
}

/** The CBOR subset WebAuthn needs: integers, byte and text strings, maps. */
function cbor(value: CborValue): Buffer {
  if (typeof value === 'number') return value >= 0 ? cborHead(0, value) : cborHead(1, -1 - value);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([cborHead(3, bytes.length), bytes]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([cborHead(2, value.length), Buffer.from(value)]);
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
  return Buffer.concat([cborHead(5, entries.length), ...entries.flatMap(([k, v]) => [cbor(k), cbor(v)])]);
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();

interface HeldCredential {
  id: string;
  privateKey: KeyObject;
  rpId: string;
  userHandle: string;
  signCount: number;
}

export interface SoftAuthenticatorOptions {
  /** The origin the "browser" reports in clientDataJSON (a test may lie about it). */
  origin: string;
  /** Whether the user is verified (PIN, biometrics); true unless a test says otherwise. */
  userVerified?: boolean;
}

/** Creation options as the server sends them (the fields used here). */
interface CreationOptions {
  challenge: string;
  rp: { id?: string; name: string };
  user: { id: string };
}
/** Request options as the server sends them (the fields used here). */
interface RequestOptions {
  challenge: string;
  rpId?: string;
  allowCredentials?: { id: string }[];
}

export class SoftAuthenticator {
  readonly credentials: HeldCredential[] = [];

  constructor(private readonly options: SoftAuthenticatorOptions) {}

  #authData(rpId: string, signCount: number, attested?: { id: Buffer; cose: Buffer }): Buffer {
    const UP = 0x01;
    const UV = 0x04;
    const AT = 0x40;
    const flags = UP | (this.options.userVerified === false ? 0 : UV) | (attested ? AT : 0);
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(signCount);
    const parts: Buffer[] = [sha256(rpId), Buffer.from([flags]), counter];
    if (attested) {
      const length = Buffer.alloc(2);
      length.writeUInt16BE(attested.id.length);
      parts.push(Buffer.alloc(16), length, attested.id, attested.cose);
    }
    return Buffer.concat(parts);
  }

  #clientData(type: 'webauthn.create' | 'webauthn.get', challenge: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin: this.options.origin, crossOrigin: false }));
  }

  /** Answers `navigator.credentials.create(options)` with a new ES256 credential. */
  register(options: CreationOptions) {
    const rpId = options.rp.id ?? new URL(this.options.origin).hostname;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const cose = cbor(
      new Map<CborValue, CborValue>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x as string, 'base64url')],
        [-3, Buffer.from(jwk.y as string, 'base64url')],
      ]),
    );
    const rawId = randomBytes(32);
    const id = rawId.toString('base64url');
    this.credentials.push({ id, privateKey, rpId, userHandle: options.user.id, signCount: 0 });
    const attestationObject = cbor({
      fmt: 'none',
      attStmt: {},
      authData: this.#authData(rpId, 0, { id: rawId, cose }),
    });
    return {
      id,
      rawId: id,
      type: 'public-key' as const,
      clientExtensionResults: {},
      response: {
        clientDataJSON: this.#clientData('webauthn.create', options.challenge).toString('base64url'),
        attestationObject: attestationObject.toString('base64url'),
        transports: ['internal'],
      },
    };
  }

  /**
   * Answers `navigator.credentials.get(options)`: with a credential from allowCredentials, or any
   * held one (discoverable) when the list is empty; `credentialId` picks one.
   */
  authenticate(options: RequestOptions, credentialId?: string) {
    const allowed = options.allowCredentials?.map((credential) => credential.id) ?? [];
    const credential = this.credentials.find(
      (held) =>
        (credentialId === undefined || held.id === credentialId) &&
        (allowed.length === 0 || allowed.includes(held.id)),
    );
    if (!credential) throw new Error('the soft authenticator holds no matching credential');
    credential.signCount += 1;
    const authData = this.#authData(options.rpId ?? credential.rpId, credential.signCount);
    const clientData = this.#clientData('webauthn.get', options.challenge);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientData)]), credential.privateKey);
    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key' as const,
      clientExtensionResults: {},
      response: {
        clientDataJSON: clientData.toString('base64url'),
        authenticatorData: authData.toString('base64url'),
        signature: signature.toString('base64url'),
        userHandle: credential.userHandle,
      },
    };
  }
}
