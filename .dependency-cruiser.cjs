// The walls between idpool's layers (../shared/DESIGN.md "Layout", docs/architecture.md "Walls").
// `npm run lint:deps` checks src/ and machines/ against them; test/architecture/walls.test.ts proves
// each rule reports on a tree that breaks it. Paths are relative to the repository root.

/** The files the package ships as entry points (package.json `exports`, `bin`; tsup.config.ts). */
const entryPoints = [
  '^src/index\\.ts$',
  '^src/local/index\\.ts$',
  '^src/amplify/index\\.ts$',
  '^src/storage/file-storage\\.ts$',
  '^src/storage/redis-storage\\.ts$',
  '^src/cli/idpool\\.ts$',
];
/** Adapters sit on top of the public API: the AWS SDK provider, the Amplify shape, the command line. */
const adapters = '^src/(aws-sdk\\.ts$|amplify/|cli/)';
/** Everything that is the repository's own code (as opposed to packages and Node built-ins). */
const inRepo = '^(src|machines)/';

module.exports = {
  forbidden: [
    {
      name: 'machines-import-only-the-chart-and-model',
      comment:
        'The chart is pure: it reads as states and transitions, with no I/O and no timers of its own. The engine ' +
        'binds its services in with machine.provide(), so machines/ may import only machines/, the shared domain ' +
        'types (src/model/), the error classes (src/errors/, a leaf) and xstate; not services, engine, storage, ' +
        'session, login, an adapter, src/local, another package or a Node built-in.',
      severity: 'error',
      from: { path: '^machines/' },
      // Unresolvable imports are not-to-unresolvable's to report, not this rule's.
      to: { pathNot: ['^machines/', '^src/(model|errors)/', '^node_modules/xstate/'], couldNotResolve: false },
    },
    {
      name: 'services-import-only-model-errors-login',
      comment:
        'Services are the Cognito calls and the app callbacks the engine provides to the machine. They share the ' +
        'domain types with the machine through src/model/ and never import the machine, so either can change ' +
        'without the other; nor the engine that binds them, nor the session store or storage (the engine owns ' +
        'persistence), nor options.ts or any other top-level file (the engine hands a service what it needs).',
      severity: 'error',
      from: { path: '^src/services/' },
      to: { path: inRepo, pathNot: '^src/(services|model|errors|login)/' },
    },
    {
      name: 'login-imports-only-model-errors',
      comment:
        'Logins keys, provider names and identity ids are plain values that services, the session store and the ' +
        'options all use; kept below them, they cannot pull a service or the machine into those layers.',
      severity: 'error',
      from: { path: '^src/login/' },
      to: { path: inRepo, pathNot: '^src/(login|model|errors)/' },
    },
    {
      name: 'session-imports-no-machine-service-or-engine',
      comment:
        'The session store reads and writes the record (format, parsing, bounds) through the storage interface; ' +
        'it works on domain types, so it needs neither the machine nor a Cognito call nor the engine.',
      severity: 'error',
      from: { path: '^src/session/' },
      to: { path: inRepo, pathNot: '^src/(session|storage|model|errors|login)/' },
    },
    {
      name: 'storage-imports-only-model-and-errors',
      comment:
        'Storage adapters are shipped entry points of their own (idpool/storage/file, idpool/storage/redis): they ' +
        'hold opaque strings and leases and must not drag the engine, a service or the session store into a ' +
        'bundle that only wants a store. The model and the errors sit below them.',
      severity: 'error',
      from: { path: '^src/storage/' },
      to: { path: inRepo, pathNot: '^src/(storage|model|errors)/' },
    },
    {
      name: 'model-imports-only-model-and-errors',
      comment:
        'The domain model is what everyone shares, so it must sit below everyone. It may name the error classes ' +
        '(a result carries a typed AuthError) because src/errors/ is the one layer below it and imports nothing.',
      severity: 'error',
      from: { path: '^src/model/' },
      to: { path: inRepo, pathNot: '^src/(model|errors)/' },
    },
    {
      name: 'errors-are-a-leaf',
      comment:
        'Every layer, the machine included, throws and maps these classes; they can be shared by all only if they ' +
        'import nothing of the repository (not even the model), so no cycle can run through them.',
      severity: 'error',
      from: { path: '^src/errors/' },
      to: { path: inRepo, pathNot: '^src/errors/' },
    },
    {
      name: 'local-stands-apart',
      comment:
        'src/local is a server (identity pool, OIDC issuer) for development, tests and the demo. It must stay a ' +
        'faithful stand-in for Cognito, so it shares no code with the client it is testing.',
      severity: 'error',
      from: { path: '^src/local/' },
      to: { path: inRepo, pathNot: '^src/local/' },
    },
    {
      name: 'nothing-shipped-imports-local',
      comment:
        'The engine and its adapters must not ship a server (or jose key handling it does not need). Only the ' +
        'command line starts one, through the public entry src/local/index.ts; tests, bench, examples and scripts ' +
        'are outside the cruised tree.',
      severity: 'error',
      from: { pathNot: ['^src/local/', '^src/cli/'] },
      to: { path: '^src/local/' },
    },
    {
      name: 'adapters-use-the-public-api',
      comment:
        'An adapter is what an app could write itself on top of idpool, so it may use only what an app can ' +
        'import: the entry points (src/index.ts, src/storage/index.ts and the storage entry files, ' +
        'src/local/index.ts for the command line) and its own folder. The public error classes and the ' +
        'domain types (src/model/, types only: see the next rule) are allowed directly because src/aws-sdk.ts ' +
        'is itself re-exported by src/index.ts and importing src/index.ts from it would be a cycle.',
      severity: 'error',
      from: { path: '^src/(amplify|cli)/|^src/(aws-sdk)\\.ts$' },
      to: {
        path: inRepo,
        pathNot: [
          '^src/$1/',
          '^src/$2\\.ts$',
          '^src/index\\.ts$',
          '^src/storage/(index|file-storage|redis-storage)\\.ts$',
          '^src/local/index\\.ts$',
          '^src/errors/(auth-error|error-classes)\\.ts$',
          '^src/model/',
        ],
      },
    },
    {
      name: 'adapters-take-only-types-from-the-model',
      comment: 'Behaviour reaches an adapter through the public API; from src/model/ it may take only types.',
      severity: 'error',
      from: { path: adapters },
      to: { path: '^src/model/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'nothing-below-imports-an-adapter',
      comment:
        'Dependencies run one way: adapters on top of the engine. The engine (or anything it uses) importing an ' +
        'adapter inverts that. Only the composition root src/create-auth.ts (createAuth puts the AWS SDK ' +
        'provider on top of the engine) and src/index.ts (which re-exports createAwsCredentialsProvider) may.',
      severity: 'error',
      from: { pathNot: [adapters, '^src/index\\.ts$', '^src/create-auth\\.ts$'] },
      to: { path: adapters },
    },
    {
      name: 'no-circular',
      comment:
        'A cycle makes two modules one: neither can be read, tested or moved alone, and a runtime cycle leaves ' +
        'one of them half-initialised at import. Type-only imports count: the walls are about types too.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-orphans',
      comment: 'A file no module imports and that imports nothing is dead or misplaced (entry points aside).',
      severity: 'error',
      from: { orphan: true, path: inRepo, pathNot: [...entryPoints, '\\.d\\.ts$'] },
      to: {},
    },
    {
      name: 'reachable-from-an-entry-point',
      comment: 'A shipped module that no entry point reaches is dead code (or a test helper in the wrong place).',
      severity: 'error',
      from: { path: entryPoints },
      to: { path: inRepo, pathNot: [...entryPoints, '\\.d\\.ts$'], reachable: false },
    },
    {
      name: 'shipped-code-imports-no-dev-dependency',
      comment:
        'A devDependency is not installed for users: importing one from src/ or machines/ breaks at runtime, and ' +
        'a type-only import breaks the published .d.ts. Optional peers (redis) are allowed: the app brings them.',
      severity: 'error',
      from: { path: inRepo },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['npm-peer', 'npm-optional'] },
    },
    {
      name: 'no-undeclared-package',
      comment:
        'A package used but not in package.json works only while another package happens to bring it. ' +
        '(dependency-cruiser also tags a package named in peerDependenciesMeta npm-no-pkg, hence the Not.)',
      severity: 'error',
      from: { path: inRepo },
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'], dependencyTypesNot: ['npm', 'npm-dev', 'npm-peer', 'npm-optional'] },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve would also escape every rule above.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'shipped-code-imports-no-test-code',
      comment: 'Tests, benchmarks, examples and scripts are not shipped; shipped code must not need them.',
      severity: 'error',
      from: { path: inRepo },
      to: { path: '^(test|bench|examples|scripts)/' },
    },
  ],
  options: {
    // Type-only imports are edges too: the walls keep types where they belong, not only values.
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    // Test files (beside sources or not) are not part of the shipped graph.
    exclude: { path: '\\.(test|spec)\\.ts$' },
    // Resolve packages as an ESM import does (xstate's "import" export, not its CJS build).
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
