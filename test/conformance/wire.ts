import { Agent } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';
import { rawRequest, type RawReply } from '../local/raw-request';

/**
 * Requests exactly as an AWS client puts them on the wire (awsJson1.1 for Cognito, awsQuery for
 * STS), optionally SigV4-signed, over a few kept-alive connections so hundreds of cases stay cheap.
 */

export interface Keys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

class Sha256 extends Hash {
  constructor(secret?: SourceData) {
    super('sha256', secret);
  }
}

export class Wire {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 4 });
  private readonly host: string;

  constructor(
    private readonly endpoint: string,
    private readonly region: string,
  ) {
    this.host = new URL(endpoint).host;
  }

  /** One Cognito Identity call; `body` as given when a string, else JSON. */
  cognito(operation: string, body: unknown, keys?: Keys, signingDate?: Date): Promise<RawReply> {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const headers = {
      host: this.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityService.${operation}`,
    };
    return this.send('cognito-identity', headers, text, keys, signingDate);
  }

  /** One STS call (awsQuery form body). */
  sts(form: string, keys?: Keys, signingDate?: Date): Promise<RawReply> {
    const headers = { host: this.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
    return this.send('sts', headers, form, keys, signingDate);
  }

  close(): void {
    this.agent.destroy();
  }

  private async send(
    service: string,
    headers: Record<string, string>,
    body: string,
    keys: Keys | undefined,
    signingDate: Date | undefined,
  ): Promise<RawReply> {
    let sent = headers;
    if (keys !== undefined) {
      const signer = new SignatureV4({ credentials: keys, region: this.region, service, sha256: Sha256, applyChecksum: false });
      const url = new URL(this.endpoint);
      const signed = await signer.sign(
        { method: 'POST', protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: '/', query: {}, headers, body },
        signingDate === undefined ? {} : { signingDate },
      );
      sent = signed.headers;
    }
    return rawRequest(this.endpoint, { method: 'POST', path: '/', headers: sent, body, agent: this.agent });
  }
}
