// What docs/aws-setup.md passes to idpool exists: every option of its createAuth calls is a member
// of the public AuthOptions type, every field of its federateToIdentityPool calls one of
// FederateToIdentityPoolInput (read from src/index.ts by the TypeScript checker), and the provider it
// federates is the issuer domain the CLI and the template set up.
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, expect, it } from 'vitest';
import { awsCommands, fencedBlocks, GUIDE, guideScripts, readRepoFile } from './aws-setup-guide';

const root = new URL('../../', import.meta.url);
let guide: string;

beforeAll(async () => {
  guide = await readRepoFile(GUIDE);
});

/** Member names of the types `names` exported by the public entry point. */
function publicMembers(names: string[]): Map<string, Set<string>> {
  const entry = fileURLToPath(new URL('src/index.ts', root));
  const config = ts.getParsedCommandLineOfConfigFile(fileURLToPath(new URL('tsconfig.json', root)), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  const program = ts.createProgram([entry], { ...config!.options, noEmit: true });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  const exports = new Map(checker.getExportsOfModule(module).map((symbol) => [symbol.name, symbol]));
  return new Map(
    names.map((name) => {
      const symbol = exports.get(name);
      if (symbol === undefined) throw new Error(`src/index.ts does not export ${name}`);
      const type = checker.getDeclaredTypeOfSymbol(symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);
      return [name, new Set(checker.getPropertiesOfType(type).map((property) => property.name))];
    }),
  );
}

/** Property names of the object literal passed first to each call of `callee` in the guide's ts blocks. */
function objectArguments(callee: string): string[][] {
  const found: string[][] = [];
  for (const [index, code] of fencedBlocks(guide, 'ts').entries()) {
    const source = ts.createSourceFile(`block-${index}.ts`, code, ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const name = ts.isPropertyAccessExpression(node.expression) ? node.expression.name.text : node.expression.getText(source);
        const [argument] = node.arguments;
        if (name === callee && argument !== undefined && ts.isObjectLiteralExpression(argument)) {
          found.push(argument.properties.map((property) => property.name?.getText(source).replace(/^['"]|['"]$/g, '') ?? '(spread)'));
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

it('every createAuth option and federateToIdentityPool field the guide passes exists in the public types', () => {
  const members = publicMembers(['AuthOptions', 'FederateToIdentityPoolInput']);
  const createAuthCalls = objectArguments('createAuth');
  const federateCalls = objectArguments('federateToIdentityPool');
  expect(createAuthCalls.length).toBeGreaterThan(0);
  expect(federateCalls.length).toBeGreaterThan(0);
  for (const option of createAuthCalls.flat()) expect(members.get('AuthOptions'), `createAuth option ${option}`).toContain(option);
  for (const field of federateCalls.flat()) expect(members.get('FederateToIdentityPoolInput'), `federateToIdentityPool field ${field}`).toContain(field);
  // The check would notice a misspelt option.
  expect(members.get('AuthOptions')).not.toContain('allowGuestsAccess');
  expect(members.get('AuthOptions')).toContain('identityPoolId');
});

it('the provider the guide federates is the issuer domain its CLI steps and stack use', async () => {
  const scripts = (await guideScripts()).map((script) => script.commands).join('\n');
  const domain = /^AUTH0_DOMAIN=(\S+)$/m.exec(scripts)?.[1];
  expect(domain).toMatch(/^[a-z0-9-]+\.[a-z]{2}\.auth0\.com$/);
  const deploy = awsCommands(scripts).find((command) => command.service === 'cloudformation' && command.operation === 'deploy');
  expect(deploy?.text).toContain(`OidcIssuerDomain=${domain}`);
  const providers = [...fencedBlocks(guide, 'ts').join('\n').matchAll(/provider: '([^']+)'/g)].map((match) => match[1]);
  expect(providers).toContain(domain);
  expect(fencedBlocks(guide, 'ts').join('\n')).toContain(`'${domain}': async`); // its refresh handler
});
