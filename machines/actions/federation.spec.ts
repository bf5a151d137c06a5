// Pins startFederation's identity reuse rules (same subject, guessed for subject-less tokens, the app's id wins) and what a finished federation holds.
import { describe, expect, it } from 'vitest';
import type { HeldCredentials } from '../../src/model/credentials';
import type { Login } from '../../src/model/login';
import { Secret } from '../../src/model/secret';
import { initialContext, type AuthMachineContext, type FederateEvent } from '../auth.context';
import { applyFederation, assignPendingIdentityId, dropPendingIdentityId, startFederation } from './federation';

const HELD = 'us-east-1:00000000-0000-4000-8000-000000000001';
const APPS = 'us-east-1:00000000-0000-4000-8000-0000000000aa';
const login = (loginsKey: string, subject?: string): Login => ({ loginsKey, token: new Secret('token'), source: 'app', ...(subject !== undefined ? { subject } : {}) });
const fresh = (): AuthMachineContext => initialContext({ settings: { allowGuestAccess: false, hasTokenProvider: false, refreshHandlerKeys: [], sessionIdPrefix: 'w1' } });
const holding = (held: Login): AuthMachineContext => ({ ...fresh(), identityId: HELD, login: held });
const federate = (next: Login, developerProvidedIdentityId?: string): FederateEvent => ({
  type: 'FEDERATE',
  requestId: 'F1',
  login: next,
  ...(developerProvidedIdentityId !== undefined ? { developerProvidedIdentityId } : {}),
});

describe('startFederation: which identity id the federation starts from', () => {
  it.each([
    ['the same subject of the same provider reuses it', login('a.test', 'alice'), login('a.test', 'alice'), HELD, false],
    ['another subject of the same provider does not', login('a.test', 'alice'), login('a.test', 'bob'), undefined, false],
    ['the same subject of another provider does not', login('a.test', 'alice'), login('b.test', 'alice'), undefined, false],
    ['tokens without a subject from the same provider guess it is the same', login('a.test'), login('a.test'), HELD, true],
    ['a subject-less token after one with a subject does not', login('a.test', 'alice'), login('a.test'), undefined, false],
    ['a token with a subject after a subject-less one does not', login('a.test'), login('a.test', 'alice'), undefined, false],
  ])('%s', (_name, held, next, identityId, guessed) => {
    const { pending } = startFederation(holding(held), federate(next));
    expect(pending?.identityId).toBe(identityId);
    expect(pending?.identityIdGuessed).toBe(guessed);
    expect(pending?.identityIdFromApp).toBe(false);
    expect(pending?.gotFreshIdentityId).toBe(false);
    expect(pending?.login).toBe(next);
  });

  it('nothing is reused when no identity is held, even with a login left', () => {
    const { pending } = startFederation({ ...fresh(), login: login('a.test', 'alice') }, federate(login('a.test', 'alice')));
    expect(pending).not.toHaveProperty('identityId');
  });

  it("the app's developerProvidedIdentityId wins over any reuse and is never a guess", () => {
    for (const [held, next] of [[login('a.test', 'alice'), login('b.test', 'bob')], [login('a.test'), login('a.test')]] as const) {
      const { pending } = startFederation(holding(held), federate(next, APPS));
      expect(pending).toMatchObject({ identityId: APPS, identityIdFromApp: true, identityIdGuessed: false });
    }
  });

  it('its caller is the one federation waiter', () => {
    expect(startFederation({ ...fresh(), federationWaiters: ['F0'] }, federate(login('a.test'))).federationWaiters).toEqual(['F1']);
  });

  it.each([
    ['a held federation', holding(login('a.test', 'alice')), 'federated'],
    ['nothing held', fresh(), 'signedOut'],
    ['a cleared session', { ...fresh(), cleared: true }, 'cleared'],
    ['a federation already pending keeps its return point', { ...fresh(), pending: { login: login('a.test'), identityIdFromApp: false, identityIdGuessed: false, gotFreshIdentityId: false }, returnTo: 'cleared' as const }, 'cleared'],
  ])('a failure returns to where it came from: %s → %s', (_name, context, returnTo) => {
    expect(startFederation(context, federate(login('a.test'))).returnTo).toBe(returnTo);
  });
});

describe('the steps after startFederation', () => {
  const started = { ...fresh(), ...startFederation(holding(login('a.test')), federate(login('a.test'))) };

  it('GetId names a fresh identity: no longer a guess', () => {
    const next = assignPendingIdentityId(started, { identityId: APPS, clockOffsetMs: 5_000 });
    expect(next.pending).toMatchObject({ identityId: APPS, gotFreshIdentityId: true, identityIdGuessed: false });
    expect(next.clockOffsetMs).toBe(5_000);
    expect(assignPendingIdentityId(started, { identityId: APPS }).clockOffsetMs).toBe(started.clockOffsetMs);
  });

  it('a refused identity id is dropped so GetId runs', () => {
    expect(dropPendingIdentityId(started).pending).toMatchObject({ identityIdGuessed: false });
    expect(dropPendingIdentityId(started).pending).not.toHaveProperty('identityId');
  });

  it('applyFederation makes the pending federation the session: a new session id, not cleared, nothing stale', () => {
    const credentials: HeldCredentials = { value: new Secret({ accessKeyId: 'a', secretAccessKey: 's', sessionToken: 't' }), issuedAt: 1, expiration: 2 };
    const context = { ...started, cleared: true, staleIdentityId: HELD, federations: 3 };
    const applied = applyFederation(context, { identityId: APPS, credentials, clockOffsetMs: -4_000 });
    expect(applied).toMatchObject({ sessionId: 'w1.4', federations: 4, identityId: APPS, credentials, clockOffsetMs: -4_000, cleared: false });
    expect(applied.login).toBe(started.pending?.login);
    expect(applied.pending).toBeUndefined();
    expect(applied.staleIdentityId).toBeUndefined();
    expect(applyFederation(fresh(), { identityId: APPS, credentials })).toEqual({});
  });
});
