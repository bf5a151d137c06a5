import type { LocalStack } from './local-stack';

/** The contenders, each run in its own process. */
export const contenderNames = ['idpool', 'idpool-guest', 'amplify-custom', 'amplify-guest', 'sdk'] as const;
export type ContenderName = (typeof contenderNames)[number];

/** Which idpool column each other column is compared with (idpool / contender). */
export const comparisons: readonly { idpool: ContenderName; contender: ContenderName }[] = [
  { idpool: 'idpool', contender: 'amplify-custom' },
  { idpool: 'idpool', contender: 'sdk' },
  { idpool: 'idpool-guest', contender: 'amplify-guest' },
];

/** Time as the contender sees it: simulated, moving only when the bench says so. */
export interface TimeControl {
  now(): number;
  /** Moves time forward; idpool's timers due on the way fire (the others have none). */
  advance(ms: number): Promise<void>;
}

/** The credentials a call handed out, as far as the bench looks at them. */
export interface HandedOut {
  readonly expiration: Date | undefined;
}

/** One app instance: an idpool engine, an Amplify configuration, an SDK client's memoized provider. */
export interface Engine {
  /** The network part of signing in that `start` began (idpool's federateToIdentityPool), if any. */
  readonly ready: Promise<void>;
  /** One "give me credentials" call, the way the contender's users make it. */
  fetch(): Promise<HandedOut>;
  /** Waits until background work (idpool's refresh-ahead) has finished; the others have none. */
  settle(): Promise<void>;
  dispose(): Promise<void>;
}

export interface StartOptions<Store> {
  /** Where the contender persists what it persists; shared between an app run and its restart. */
  readonly store?: Store;
  /** An app restart: use what was persisted, re-supplying the IdP token only where the library needs it. */
  readonly restart?: boolean;
}

export interface Contender<Store = unknown> {
  readonly name: ContenderName;
  readonly time: TimeControl;
  readonly stack: LocalStack;
  /** Creates an app instance: signed in (federated contenders) or a guest, with no credentials fetched yet. */
  start(options?: StartOptions<Store>): Promise<Engine>;
  /** An empty store for `start({ store })`. */
  newStore(): Store;
  /** How long after getting credentials the contender first goes back to Cognito for new ones. */
  renewsAfterMs(obtainedAt: number, expiration: Date | undefined): number;
  /** An idle instance for the memory figure (created, nothing fetched), and how to let many go. */
  createIdle(): Promise<object>;
  releaseIdle(instances: readonly object[]): Promise<void>;
  close(): Promise<void>;
}
