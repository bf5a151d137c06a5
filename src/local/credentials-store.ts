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

/** Issues fresh credentials per call and looks them up by access key id. */
export class CredentialsStore {
  private readonly byAccessKey = new Map<string, IssuedCredentials>();

  issue(identityId: string, roleName: string, expiration: number): IssuedCredentials {
    const credentials: IssuedCredentials = {
      accessKeyId: `ASIA${randomText(UPPER_ALNUM, 16)}`,
      secretAccessKey: randomText(SECRET_CHARS, 40),
      sessionToken: randomBytes(384).toString('base64'),
      expiration,
      identityId,
      roleName,
    };
    this.byAccessKey.set(credentials.accessKeyId, credentials);
    return credentials;
  }

  find(accessKeyId: string): IssuedCredentials | undefined {
    return this.byAccessKey.get(accessKeyId);
  }
}
