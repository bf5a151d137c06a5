import { distinctUntilChanged, filter, map, scan, shareReplay, type Observable } from 'rxjs';
import type { Auth, AuthEvent, CredentialsRefreshedEvent } from 'idpool';

/** One line of the activity feed; never a token or secret (events carry none). */
export interface ActivityEntry {
  type: AuthEvent['type'];
  text: string;
}

function describe(event: AuthEvent): string {
  switch (event.type) {
    case 'federatedToIdentityPool':
      return `Signed in as ${event.identityId} via ${event.provider}`;
    case 'credentialsRefreshed':
      return `New credentials until ${new Date(event.expiration).toISOString()}`;
    case 'federationToIdentityPoolCleared':
      return 'Signed out';
    case 'federationToIdentityPool_failure':
    case 'credentialsRefresh_failure':
    case 'tokenRefresh_failure':
    case 'sessionExpired':
    case 'sessionRestore_failure':
      return `${event.type}: ${event.error.name}`;
    default:
      return event.type;
  }
}

/**
 * What an Angular `AuthActivityService` would expose, built with RxJS operators only: in Angular,
 * make it `@Injectable({ providedIn: 'root' })`, inject the engine, and bind the streams with the
 * `async` pipe (`*ngIf="activity.signedIn$ | async"`). Nothing here depends on Angular.
 */
export class AuthActivity {
  /** True while federated (refreshing included). */
  readonly signedIn$: Observable<boolean>;
  /** The identity id while there is one. */
  readonly identityId$: Observable<string | undefined>;
  /** Each credentials refresh (not the first federation). */
  readonly refreshes$: Observable<CredentialsRefreshedEvent>;
  /** Errors from any step, as text for a toast. */
  readonly errors$: Observable<string>;
  /** The last `size` events, newest last. */
  readonly feed$: Observable<ActivityEntry[]>;

  constructor(auth: Auth, size = 20) {
    this.signedIn$ = auth.state$.pipe(
      map((state) => state.value === 'federated' || state.value === 'refreshing'),
      distinctUntilChanged(),
    );
    this.identityId$ = auth.state$.pipe(
      map((state) => state.identityId),
      distinctUntilChanged(),
    );
    this.refreshes$ = auth.events$.pipe(filter((event): event is CredentialsRefreshedEvent => event.type === 'credentialsRefreshed'));
    this.errors$ = auth.events$.pipe(
      filter((event) => 'error' in event),
      map(describe),
    );
    this.feed$ = auth.events$.pipe(
      map((event): ActivityEntry => ({ type: event.type, text: describe(event) })),
      scan((feed: ActivityEntry[], entry) => [...feed, entry].slice(-size), []),
      // One feed for every subscriber (several components), replayed to late ones.
      shareReplay({ bufferSize: 1, refCount: true }),
    );
  }
}
