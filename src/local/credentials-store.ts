import { randomBytes, randomInt } from 'node:crypto';

/** Temporary AWS credentials the pool handed out, remembered so STS can check them. */
export interface IssuedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** Epoch ms at which they stop working. */
  readonly expiration: number;
  readonly identityId: string;
  readonly roleName: string;
}

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SECRET_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function randomText(alphabet: string, length: number): string {
  let text = '';
  for (let i = 0; i < length; i += 1) text += alphabet[randomInt(alphabet.length)];
  return text;
}

/**
 * Most credentials remembered at once. Every GetCredentialsForIdentity issues new ones (about 1 KB),
 * and any web page may call the pool: past this bound the oldest are forgotten (STS then answers
 * InvalidClientTokenId for them), so a flood cannot exhaust memory.
 */
export const MAX_ISSUED_CREDENTIALS = 100_000;

/** Issues fresh credentials per call and looks them up by access key id (the newest {@link MAX_ISSUED_CREDENTIALS}). */
export class CredentialsStore {
  private readonly byAccessKey = new Map<string, IssuedCredentials>();

  get size(): number {
    return this.byAccessKey.size;
  }

  issue(identityId: string, roleName: string, expiration: number): IssuedCredentials {
    const credentials: IssuedCredentials = {
      accessKeyId: `ASIA${randomText(UPPER_ALNUM, 16)}`,
      secretAccessKey: randomText(SECRET_CHARS, 40),
      sessionToken: randomBytes(384).toString('base64'),
      expiration,
      identityId,
      roleName,
    };
    // A Map iterates in insertion order: its first key is the oldest.
    if (this.byAccessKey.size >= MAX_ISSUED_CREDENTIALS) {
      const oldest = this.byAccessKey.keys().next();
      if (oldest.done !== true) this.byAccessKey.delete(oldest.value);
    }
    this.byAccessKey.set(credentials.accessKeyId, credentials);
    return credentials;
  }

  find(accessKeyId: string): IssuedCredentials | undefined {
    return this.byAccessKey.get(accessKeyId);
  }
}
