// Runs dependency-cruiser with the repository's own configuration (.dependency-cruiser.cjs), so the
// `npm run lint:deps` command line, the walls tests and the architecture figure all read one graph.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { cruise, type IConfiguration, type ICruiseResult, type IViolation } from 'dependency-cruiser';

/** The repository root (this file lives in scripts/). */
export const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

/** What `npm run lint:deps` cruises: everything the package ships. */
export const shippedRoots = ['src', 'machines'] as const;

const require = createRequire(import.meta.url);

/** The configuration in .dependency-cruiser.cjs: the rules (`forbidden`) and the cruise options. */
export function loadWallsConfig(): IConfiguration {
  return require('../.dependency-cruiser.cjs') as IConfiguration;
}

/**
 * Cruises `roots` under `baseDir` with the repository's options. With `validate`, every rule in the
 * configuration is checked and `summary.violations` lists what breaks one.
 */
export async function cruiseTree(baseDir: string, roots: readonly string[], validate: boolean): Promise<ICruiseResult> {
  const { options = {}, forbidden = [] } = loadWallsConfig();
  const reported = await cruise([...roots], {
    ...options,
    baseDir,
    ...(validate ? { validate: true, ruleSet: { forbidden } } : { validate: false }),
  });
  const output = typeof reported.output === 'string' ? (JSON.parse(reported.output) as ICruiseResult) : reported.output;
  return output;
}

/** One line a reader can act on: `rule: from → to`, or the whole loop for a cycle. */
export function describeViolation(violation: IViolation): string {
  if (violation.cycle !== undefined) return `${violation.rule.name}: ${[violation.from, ...violation.cycle.map((step) => step.name)].join(' → ')}`;
  return violation.to === violation.from ? `${violation.rule.name}: ${violation.from}` : `${violation.rule.name}: ${violation.from} → ${violation.to}`;
}
