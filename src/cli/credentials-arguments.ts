import { parseArgs } from 'node:util';
import { parseLoginArgument, type LoginArgument } from './login-argument';
import { SESSION_NAME } from './session-files';
import { UsageError } from './usage-error';

/** What `idpool credentials` federates: a session from `idpool login`, or a token given with `--login`. */
export type CredentialsSource =
  | { readonly kind: 'session'; readonly session: string }
  | { readonly kind: 'login'; readonly login: LoginArgument; readonly developerIdentityId?: string; readonly cacheFile?: string; readonly cache: boolean };

export interface CredentialsArguments {
  readonly identityPoolId: string;
  /** The region: `--region`, else the pool id's prefix. */
  readonly region: string;
  /** Normalized (`new URL(...).href`), so one endpoint written two ways is one cache entry. */
  readonly endpoint?: string;
  readonly source: CredentialsSource;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const POOL_ID = /^([a-z]{2}(-[a-z]+)+-\d{1,2}):[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function checkEndpoint(text: string): string {
  if (!URL.canParse(text)) throw new UsageError(`--endpoint must be an absolute http(s) URL, got '${text.slice(0, 200)}'`);
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError('--endpoint must be an http or https URL');
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') throw new UsageError('--endpoint must not carry credentials, a query or a fragment');
  return url.href;
}

/** Parses and checks the command line; every mistake is a {@link UsageError} (exit 2), before any network call. */
export function parseCredentialsArguments(args: readonly string[]): CredentialsArguments | 'help' {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      'identity-pool-id': { type: 'string' },
      session: { type: 'string' },
      login: { type: 'string', multiple: true },
      region: { type: 'string' },
      endpoint: { type: 'string' },
      'developer-identity-id': { type: 'string' },
      'cache-file': { type: 'string' },
      'no-cache': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) return 'help';
  // A stray argument is often a token split off by the shell: never echo it.
  if (positionals.length > 0) throw new UsageError(`unexpected argument${positionals.length > 1 ? 's' : ''} (not shown); quote --login values`);
  const identityPoolId = values['identity-pool-id'];
  if (identityPoolId === undefined || identityPoolId === '') throw new UsageError('--identity-pool-id is required');
  const poolMatch = POOL_ID.exec(identityPoolId);
  if (poolMatch === null) throw new UsageError(`--identity-pool-id must look like us-east-1:00000000-0000-0000-0000-000000000000, got '${identityPoolId.slice(0, 100)}'`);
  if (values.region !== undefined && !REGION.test(values.region)) throw new UsageError(`--region must look like us-east-1, got '${values.region.slice(0, 40)}'`);
  const region = values.region ?? (poolMatch[1] as string);
  const endpoint = values.endpoint === undefined ? undefined : checkEndpoint(values.endpoint);

  const logins = values.login ?? [];
  let source: CredentialsSource;
  if (values.session !== undefined) {
    if (logins.length > 0) throw new UsageError('give --session or --login, not both');
    if (!SESSION_NAME.test(values.session)) throw new UsageError('--session must be letters, digits, "_" or "-" (at most 64)');
    for (const flag of ['developer-identity-id', 'cache-file'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} is for --login; a session keeps its own credentials`);
    }
    if (values['no-cache']) throw new UsageError('--no-cache is for --login; a session keeps its own credentials');
    source = { kind: 'session', session: values.session };
  } else {
    if (logins.length === 0) throw new UsageError('--session <name> (after idpool login) or --login KEY=TOKEN|KEY=@file is required');
    if (logins.length > 1) throw new UsageError('give one --login: an identity is federated with one provider token at a time');
    let login: LoginArgument;
    try {
      login = parseLoginArgument(logins[0] as string);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (values['no-cache'] && values['cache-file'] !== undefined) throw new UsageError('--cache-file and --no-cache exclude each other');
    source = {
      kind: 'login',
      login,
      ...(values['developer-identity-id'] !== undefined ? { developerIdentityId: values['developer-identity-id'] } : {}),
      ...(values['cache-file'] !== undefined ? { cacheFile: values['cache-file'] } : {}),
      cache: !values['no-cache'],
    };
  }
  return { identityPoolId, region, ...(endpoint === undefined ? {} : { endpoint }), source };
}
