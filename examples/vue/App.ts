import { defineComponent, h, ref, type PropType } from 'vue';
import type { Auth } from 'idpool';
import { useAuth } from './use-auth';

/** The same component an `App.vue` would hold, written with a render function so it type-checks as plain TS. */
export const App = defineComponent({
  props: {
    auth: { type: Object as PropType<Auth>, required: true },
    provider: { type: String, required: true },
    signIn: { type: Function as PropType<() => Promise<string>>, required: true },
  },
  setup(props) {
    const { status, identityId, busy } = useAuth(props.auth);
    const error = ref<string>();
    const run = (action: () => Promise<unknown>) => () => {
      error.value = undefined;
      action().catch((failure: Error) => (error.value = `${failure.name}: ${failure.message}`));
    };
    const signIn = run(async () => props.auth.federateToIdentityPool({ token: await props.signIn(), provider: props.provider }));
    const refresh = run(() => props.auth.fetchAuthSession({ forceRefresh: true }));
    const clear = run(() => props.auth.clearFederationToIdentityPool());

    return () =>
      h('main', [
        h('p', ['State: ', h('strong', { 'data-testid': 'status' }, status.value)]),
        h('p', `Identity: ${identityId.value ?? '—'}`),
        identityId.value === undefined
          ? h('button', { disabled: busy.value, onClick: signIn }, 'Sign in')
          : [h('button', { disabled: busy.value, onClick: refresh }, 'Force refresh'), h('button', { onClick: clear }, 'Clear')],
        error.value !== undefined ? h('p', { role: 'alert' }, error.value) : null,
      ]);
  },
});
