import { it } from 'vitest';
import { startEngineStack } from '../support/engine-stack';
it('dbg', async () => {
  const stack = await startEngineStack({ allowUnauthenticated: true, credentialsTtlSeconds: 600 });
  const log: string[] = [];
  let n = 0;
  const auth = stack.engine({ allowGuestAccess: true, refreshAheadMs: 60_000,
    inspect: (e) => { if (++n > 3000) throw new Error('loop: ' + log.slice(-30).join(' | ')); if (e.type === '@xstate.event') log.push('event ' + e.event.type); if (e.type==='@xstate.snapshot') log.push('snap ' + JSON.stringify((e.snapshot as any).value)); if (e.type==='@xstate.action') log.push('action ' + e.action.type); },
  });
  const first = await stack.issuer.mintToken({ sub: 'alice' });
  await auth.federateToIdentityPool({ token: first, provider: stack.issuer.loginsKey });
  stack.pool.injectFault({ op: 'GetCredentialsForIdentity', kind: 'internal' });
  const fetched = auth.fetchAuthSession({ forceRefresh: true }).catch((e) => e);
  await new Promise((r) => setTimeout(r, 300));
  console.log('state', JSON.stringify(auth.actor.getSnapshot().value));
  log.length = 0;
  try { await auth.clearFederationToIdentityPool(); } catch (e) { console.log('clear threw', String(e).slice(0, 3000)); }
  console.log('after clear', JSON.stringify(auth.actor.getSnapshot().value), (await fetched)?.name);
  await stack.close();
}, 20000);
