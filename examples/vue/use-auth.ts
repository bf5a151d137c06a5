import { useSelector } from '@xstate/vue';
import { computed, type ComputedRef, type Ref } from 'vue';
import type { Auth } from 'idpool';

export interface UseAuth {
  /** The top-level state: `signedOut`, `federating`, `federated`, `refreshing`, `cleared`, … */
  status: Ref<string>;
  identityId: Ref<string | undefined>;
  busy: ComputedRef<boolean>;
}

/** A composable over the engine's actor: refs that change only when the selected value does. */
export function useAuth(auth: Auth): UseAuth {
  const status = useSelector(auth.actor, (snapshot) =>
    typeof snapshot.value === 'string' ? snapshot.value : (Object.keys(snapshot.value)[0] ?? ''),
  );
  const identityId = useSelector(auth.actor, (snapshot) => snapshot.context.identityId);
  const busy = computed(() => status.value === 'federating' || status.value === 'refreshing');
  return { status, identityId, busy };
}
