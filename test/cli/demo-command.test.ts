import { describe, expect, it } from 'vitest';
import { spawnCli } from './cli-harness';

/** Shapes of every secret the demo handles: AWS key ids, secret keys, session tokens, JWTs. */
const SECRET_SHAPES: Record<string, RegExp> = {
  'access key id': /\bASIA[A-Z0-9]{16}\b/,
  'secret access key': /(?<![\w/+])[A-Za-z0-9/+]{40}(?![\w/+])/,
  'session token or other long opaque string': /[A-Za-z0-9/+=_-]{100,}/,
  JWT: /eyJ[\w-]+\.[\w-]+\./,
};

function expectInOrder(output: string, markers: readonly string[]): void {
  let from = 0;
  for (const marker of markers) {
    const at = output.indexOf(marker, from);
    if (at === -1) throw new Error(`'${marker}' is missing after position ${from} in:\n${output}`);
    from = at + marker.length;
  }
}

describe('idpool demo (npm start)', () => {
  it('walks federate → fetch → refresh → clear, printing states and events in order, and exits 0 by itself', async () => {
    const run = await spawnCli(['demo'], { ...process.env, NO_COLOR: '1' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const out = run.stdout;
    expectInOrder(out, [
      'state  restoring',
      'state  signedOut',
      '1. federate',
      'state  federating',
      'event  federatedToIdentityPool  identity us-east-1:',
      'state  federated  identity us-east-1:',
      '2. fetch',
      'Cognito calls: 0 (served from the cache)',
      '3. refresh',
      'state  refreshing',
      'event  credentialsRefreshed',
      'state  federated',
      'same identity yes',
      '4. clear',
      'event  federationToIdentityPoolCleared',
      'state  cleared',
      'no credentials and no identity',
      'done: Cognito saw GetId ×1, GetCredentialsForIdentity ×2',
    ]);
    // Not a TTY here: plain lines, no spinner frames or cursor control.
    expect(out).not.toMatch(/\r|\x1b\[/);
    expect(out).toContain('  … waiting for the refresh-ahead timer');
    for (const [what, shape] of Object.entries(SECRET_SHAPES)) {
      expect(shape.test(out), `${what} in the demo output`).toBe(false);
    }
  });

  it('--help explains the walk-through; bad options exit 2', async () => {
    const [help, bad] = await Promise.all([spawnCli(['demo', '--help']), spawnCli(['demo', '--refresh-ahead', '30'])]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: idpool demo[\s\S]*federate[\s\S]*fetch[\s\S]*refresh[\s\S]*clear/);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--refresh-ahead must be shorter than --credentials-ttl');
  });
});
