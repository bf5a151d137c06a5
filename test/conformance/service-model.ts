import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * AWS's published service models, as botocore ships them (Debian's python3-botocore, installed by
 * .ci/run). Read from the package at test time, never copied into the repo.
 */

export interface MemberRef {
  readonly shape: string;
}

export interface Shape {
  readonly type: string;
  readonly members?: Readonly<Record<string, MemberRef>>;
  readonly required?: readonly string[];
  readonly key?: MemberRef;
  readonly value?: MemberRef;
  readonly member?: MemberRef;
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly exception?: boolean;
  readonly fault?: boolean;
  readonly error?: { readonly code?: string; readonly httpStatusCode?: number };
  readonly timestampFormat?: string;
}

export interface Operation {
  readonly name: string;
  readonly input?: MemberRef;
  readonly output?: MemberRef & { readonly resultWrapper?: string };
  readonly errors?: readonly MemberRef[];
}

export interface ServiceModel {
  readonly metadata: { readonly protocol: string; readonly targetPrefix?: string; readonly jsonVersion?: string };
  readonly operations: Readonly<Record<string, Operation>>;
  readonly shapes: Readonly<Record<string, Shape>>;
}

const DEBIAN_DATA = '/usr/lib/python3/dist-packages/botocore/data';

function botocoreData(): string {
  if (existsSync(DEBIAN_DATA)) return DEBIAN_DATA;
  // Elsewhere, ask the python3 on PATH where its botocore lives (once).
  try {
    const dir = execFileSync('python3', ['-c', 'import botocore,os;print(os.path.dirname(botocore.__file__))'], {
      encoding: 'utf8',
      timeout: 30_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (existsSync(join(dir, 'data'))) return join(dir, 'data');
  } catch {
    // reported below
  }
  throw new Error(
    `botocore's service models were not found at ${DEBIAN_DATA} nor through python3: ` +
      'install Debian\'s python3-botocore (apt-get install python3-botocore; .ci/run does).',
  );
}

let dataDir: string | undefined;

/** Loads `<service>/<version>/service-2.json` from botocore's data. */
export function loadServiceModel(service: string, version: string): ServiceModel {
  dataDir ??= botocoreData();
  const file = join(dataDir, service, version, 'service-2.json');
  if (!existsSync(file)) throw new Error(`${file} is missing: botocore lacks the ${service} ${version} model`);
  return JSON.parse(readFileSync(file, 'utf8')) as ServiceModel;
}

/** A shape by name, failing loudly when the model does not have it. */
export function shapeOf(model: ServiceModel, ref: MemberRef | string): Shape {
  const name = typeof ref === 'string' ? ref : ref.shape;
  const shape = Object.hasOwn(model.shapes, name) ? model.shapes[name] : undefined;
  if (shape === undefined) throw new Error(`the model has no shape ${name}`);
  return shape;
}

export function operationOf(model: ServiceModel, name: string): Operation {
  const operation = Object.hasOwn(model.operations, name) ? model.operations[name] : undefined;
  if (operation === undefined) throw new Error(`the model has no operation ${name}`);
  return operation;
}

/** Members of a structure in the model's order, with whether each is required. */
export function membersOf(model: ServiceModel, shape: Shape): { name: string; shapeName: string; shape: Shape; required: boolean }[] {
  const required = new Set(shape.required ?? []);
  return Object.entries(shape.members ?? {}).map(([name, ref]) => ({
    name,
    shapeName: ref.shape,
    shape: shapeOf(model, ref),
    required: required.has(name),
  }));
}

const compiled = new Map<string, RegExp>();

/**
 * A model pattern as a JavaScript RegExp matching whole values, as the services (Java) apply them.
 * Java writes code points above U+FFFF as `\u10000`; JavaScript needs `\u{10000}` and the u flag.
 */
export function patternRegExp(pattern: string): RegExp {
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    const js = pattern.replace(/\\u(10[0-9A-Fa-f]{4}|[1-9A-Fa-f][0-9A-Fa-f]{4}(?![0-9A-Fa-f])|[0-9A-Fa-f]{4})/g, (_, hex: string) => `\\u{${hex}}`);
    regex = new RegExp(`^(?:${js})$`, 'u');
    compiled.set(pattern, regex);
  }
  return regex;
}

/** The error code an error shape is answered with, and its HTTP status. */
export function errorAnswer(name: string, shape: Shape): { code: string; status: number } {
  return { code: shape.error?.code ?? name, status: shape.error?.httpStatusCode ?? (shape.fault === true ? 500 : 400) };
}
