// `idpool login` end to end, as a user lives it: Chromium completes the local issuer's sign-in page
// (the CLI's "open the browser" step is an injected opener that hands the URL to the test), then the
// real AWS CLI calls STS through a profile whose credential_process is `idpool credentials
// --session`, before and after both the id token and the credentials have expired — nobody signs in
// again in between. The device flow is driven the same way. Nothing leaves 127.0.0.1.
import { existsSync } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSecrets } from '../support/secret-scan';
import { callerIdentity, HANG_BOUND_MS, openedUrls, readSession, startIdpool, startLoginStack, writeAwsProfile, type LoginStack } from './login-harness';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const AWS = '/usr/bin/aws';
// Short lifetimes, so that a real wait crosses both expiries; long enough that what idpool hands the
// AWS CLI is still good when it signs with it on a busy machine (and the engine renews a provider
// token with less than 10 s left).
const ID_TOKEN_TTL_S = 15;
const CREDENTIALS_TTL_S = 15;

let stack: LoginStack;
let browser: Browser;

beforeAll(async () => {
  for (const [path, hint] of [
    [CHROMIUM, 'apt-get install -y chromium (.ci/run does), or set CHROMIUM_PATH'],
    [AWS, 'apt-get install -y awscli (.ci/run does)'],
  ] as const) {
    if (!existsSync(path)) throw new Error(`${path} not found: the idpool login test needs it (${hint}).`);
  }
  [stack, browser] = await Promise.all([
    startLoginStack({ issuer: { idTokenTtlSeconds: ID_TOKEN_TTL_S }, pool: { credentialsTtlSeconds: CREDENTIALS_TTL_S } }),
    chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] }),
  ]);
}, HANG_BOUND_MS);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const sessionFileOf = (name: string): string => join(stack.env['XDG_STATE_HOME'] as string, 'idpool', 'sessions', `${name}.json`);
const IDENTITY_ID = /us-east-1:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
/** The identity ids the session file mentions (the engine keeps the federated identity there; STS names only the role). */
const identityIdsIn = async (name: string): Promise<string[]> =>
  [...new Set((await readFile(sessionFileOf(name), 'utf8')).match(IDENTITY_ID) ?? [])].filter((id) => id !== stack.pool.identityPoolId);
const requests = (operation: string): number => stack.pool.stats().requests[operation] ?? 0;

/** Starts `idpool login` (browser flow) and returns it with the page the injected opener was given. */
async function startBrowserLogin(session: string) {
  const before = (await openedUrls(stack)).length;
  const login = startIdpool(['login', '--issuer', stack.issuer.issuer, '--client-id', stack.issuer.audience, '--session', session], stack.env);
  await login.waitFor(/Waiting for the sign-in/);
  // The opener has run once "Waiting" is printed (announce awaits its start); its file write may lag a moment.
  let url: string | undefined;
  const deadline = Date.now() + HANG_BOUND_MS;
  while ((url = (await openedUrls(stack))[before]) === undefined) {
    if (Date.now() > deadline) throw new Error('the browser opener was never called');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(login.output().stdout).toContain(`  ${url}\n`); // printed too, for a browser elsewhere
  const page = await browser.newPage();
  await page.goto(url);
  return { login, page };
}

describe('idpool login + the AWS CLI', () => {
  it('signs in in the browser, then the AWS CLI keeps working across id-token and credentials expiry', async () => {
    const { login, page } = await startBrowserLogin('work');
    await page.fill('#username', 'alice');
    await page.click('#sign-in');
    await page.waitForSelector('#outcome');
    expect(await page.locator('#outcome').innerText()).toBe('Signed in');
    await page.close();
    const signedIn = await login.exit;
    expect(signedIn.code, signedIn.stderr).toBe(0);
    expect(signedIn.stdout).toMatch(/Signed in as alice\. Session 'work' saved in /);

    await writeAwsProfile(stack, 'work', ['--session', 'work', '--identity-pool-id', stack.pool.identityPoolId, '--endpoint', stack.pool.endpoint]);
    const first = await callerIdentity(stack, 'work');
    expect(first.run.code, first.run.stderr).toBe(0);
    expect(first.userId).toMatch(/^AROA[A-Z0-9]+:CognitoIdentityCredentials$/);
    const identities = await identityIdsIn('work');
    expect(identities).toHaveLength(1);
    const afterFirst = await readSession(stack, 'work');
    const getIds = requests('GetId');
    const getCredentials = requests('GetCredentialsForIdentity');
    const firstCallAt = Date.now();

    // Wait (real time, no action) until everything handed out so far has expired.
    const expiredAt = Math.max((afterFirst?.idTokenExpiresAt ?? 0) + 1000, firstCallAt + CREDENTIALS_TTL_S * 1000 + 1000);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiredAt - Date.now())));

    const second = await callerIdentity(stack, 'work');
    expect(second.run.code, second.run.stderr).toBe(0);
    expect(second.userId).toBe(first.userId);
    // The same identity, new credentials: no GetId, another GetCredentialsForIdentity.
    expect(await identityIdsIn('work')).toEqual(identities);
    expect(requests('GetId')).toBe(getIds);
    expect(requests('GetCredentialsForIdentity')).toBeGreaterThan(getCredentials);
    const afterSecond = await readSession(stack, 'work');
    // The id token was renewed with the refresh token, which rotated.
    expect(afterSecond?.idTokenExpiresAt).toBeGreaterThan(expiredAt);
    expect(afterSecond?.refreshToken).not.toBe(afterFirst?.refreshToken);
    expectNoSecrets(
      { login: signedIn.stdout + signedIn.stderr, aws: first.run.stdout + first.run.stderr + second.run.stdout + second.run.stderr },
      [afterFirst?.refreshToken ?? '', afterFirst?.idToken ?? '', afterSecond?.refreshToken ?? '', afterSecond?.idToken ?? ''],
    );
  });

  it('signs in with the device flow, approved on the /device page', async () => {
    const login = startIdpool(['login', '--device', '--issuer', stack.issuer.issuer, '--client-id', stack.issuer.audience, '--session', 'box'], stack.env);
    const [, verificationUri, userCode] = await login.waitFor(/open (http:\/\/\S+\/device) and enter the code ([A-Z]{4}-[A-Z]{4})/);
    const page = await browser.newPage();
    await page.goto(verificationUri as string);
    await page.fill('#user-code', (userCode as string).toLowerCase().replace('-', ' '));
    await page.fill('#username', 'bob');
    await page.click('#sign-in');
    await page.waitForSelector('#outcome');
    expect(await page.locator('#outcome').innerText()).toBe('Device signed in');
    await page.close();
    const signedIn = await login.exit;
    expect(signedIn.code, signedIn.stderr).toBe(0);
    expect(signedIn.stdout).toMatch(/Signed in as bob\. Session 'box'/);

    await writeAwsProfile(stack, 'box', ['--session', 'box', '--identity-pool-id', stack.pool.identityPoolId, '--endpoint', stack.pool.endpoint]);
    const caller = await callerIdentity(stack, 'box');
    expect(caller.run.code, caller.run.stderr).toBe(0);
    expect(caller.userId).toMatch(/:CognitoIdentityCredentials$/);
    // bob is not alice: another identity.
    const [bob] = await identityIdsIn('box');
    expect(bob).toBeDefined();
    expect(await identityIdsIn('work')).not.toContain(bob);
  });

  it('refused consent: Cancel on the sign-in page ends the login with access_denied and keeps no session', async () => {
    const { login, page } = await startBrowserLogin('refused');
    await page.click('#cancel');
    await page.waitForSelector('#outcome');
    expect(await page.locator('#outcome').innerText()).toBe('Sign-in failed');
    await page.close();
    const run = await login.exit;
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/access_denied/);
    await expect(access(sessionFileOf('refused'))).rejects.toThrow();
  });

  it('a forged callback with the wrong state fails the login: no code is redeemed, no session kept', async () => {
    const { login, page } = await startBrowserLogin('forged');
    const redirect = new URL(new URL(page.url()).searchParams.get('redirect_uri') as string);
    // Another local program (or a page) hits the loopback callback first, with a code of its own.
    const forged = await fetch(`${redirect.href}?code=attacker-code&state=not-the-state&iss=${encodeURIComponent(stack.issuer.issuer)}`);
    expect(forged.status).toBe(400);
    const run = await login.exit;
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/unexpected "state" response parameter value/);
    // The genuine sign-in arrives too late: the callback is gone.
    await page.fill('#username', 'alice');
    await page.click('#sign-in').catch(() => undefined);
    await page.close();
    await expect(access(sessionFileOf('forged'))).rejects.toThrow();
  });
});
