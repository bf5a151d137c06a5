import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AWS_PARTITIONS,
  partitionOf,
  resolveCognitoEndpoint,
  type AwsPartition,
  type CognitoEndpointParams,
} from '../../src/services/cognito-endpoint';

interface SdkPartition {
  id: string;
  regionRegex: string;
  regions: Record<string, unknown>;
  outputs: { name: string; dnsSuffix: string; dualStackDnsSuffix: string; supportsFIPS: boolean; supportsDualStack: boolean };
}
interface SdkPartitionsInfo {
  partitions: SdkPartition[];
}
interface SdkCoreClient {
  setPartitionInfo(info: SdkPartitionsInfo): void;
  useDefaultPartitionInfo(): void;
  partition(region: string): { name: string };
}

// `@aws-sdk/core` exactly as the Cognito client loads it (its CommonJS build, so the same module state).
const requireFromClient = createRequire(createRequire(import.meta.url).resolve('@aws-sdk/client-cognito-identity'));
const sdkCore = requireFromClient('@aws-sdk/core/client') as SdkCoreClient;
// The partitions table ships as data in the ES build beside it.
const coreRoot = dirname(requireFromClient.resolve('@aws-sdk/core/package.json'));
const { partitionsInfo } = (await import(
  pathToFileURL(join(coreRoot, 'dist-es/submodules/client/util-endpoints/lib/aws/partitions.js')).href
)) as { partitionsInfo: SdkPartitionsInfo };

const client = new CognitoIdentityClient({ region: 'us-east-1' });
afterAll(() => {
  sdkCore.useDefaultPartitionInfo();
  client.destroy();
});

type Outcome = { url: string } | { error: string };

function sdkOutcome(params: CognitoEndpointParams): Outcome {
  try {
    const endpoint = client.config.endpointProvider({
      ...(params.region !== undefined ? { Region: params.region } : {}),
      ...(params.endpoint !== undefined ? { Endpoint: params.endpoint } : {}),
      UseFIPS: params.useFipsEndpoint ?? false,
      UseDualStack: params.useDualstackEndpoint ?? false,
    });
    return { url: endpoint.url.href };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function ourOutcome(params: CognitoEndpointParams, partitions: readonly AwsPartition[] = AWS_PARTITIONS): Outcome {
  try {
    return { url: new URL(resolveCognitoEndpoint(params, partitions)).href };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const FLAGS = [
  { useFipsEndpoint: false, useDualstackEndpoint: false },
  { useFipsEndpoint: true, useDualstackEndpoint: false },
  { useFipsEndpoint: false, useDualstackEndpoint: true },
  { useFipsEndpoint: true, useDualstackEndpoint: true },
] as const;

const knownRegions = partitionsInfo.partitions.flatMap((partition) => Object.keys(partition.regions));
// Regions in no table yet: each partition's regex must claim them, and anything else falls to aws.
const unlistedRegions = [
  'us-east-9', 'ap-southeast-12', 'cn-south-7', 'us-gov-north-3', 'us-iso-south-2', 'us-isob-north-9', 'eu-isoe-south-1',
  'us-isof-west-4', 'eusc-de-west-2', 'eusc-fr-east-1', 'aws-eusc-global', 'xx-unknown-1', 'mars-base-1', 'local',
];

/** A table in our shape from the SDK's, for feeding both the same (changed) partitions. */
function fromSdk(info: SdkPartitionsInfo): AwsPartition[] {
  return info.partitions.map((partition) => {
    const pattern = new RegExp(partition.regionRegex);
    const globalRegion = Object.keys(partition.regions).find((region) => !pattern.test(region));
    const { dnsSuffix, dualStackDnsSuffix, supportsFIPS, supportsDualStack } = partition.outputs;
    return { id: partition.id, regionRegex: pattern, ...(globalRegion ? { globalRegion } : {}), dnsSuffix, dualStackDnsSuffix, supportsFIPS, supportsDualStack };
  });
}

describe("Cognito Identity endpoints: the same as the SDK's resolver", () => {
  it("our partitions table is the SDK's: same order, regexes, suffixes and support flags", () => {
    expect(knownRegions.length).toBeGreaterThan(40);
    const sdk = fromSdk(partitionsInfo);
    expect(AWS_PARTITIONS.map((p) => p.id)).toEqual(sdk.map((p) => p.id));
    for (const [index, ours] of AWS_PARTITIONS.entries()) {
      const { regionRegex, ...rest } = sdk[index] as AwsPartition;
      expect({ ...ours, regionRegex: ours.regionRegex.source }).toEqual({ ...rest, regionRegex: regionRegex.source.replaceAll('\\-', '-') });
      // Every named region is either the partition's pseudo-region or matched by its regex.
      for (const region of Object.keys(partitionsInfo.partitions[index]?.regions ?? {})) {
        expect(region === ours.globalRegion || ours.regionRegex.test(region), `${region} in ${ours.id}`).toBe(true);
      }
    }
  });

  it.each([...knownRegions, ...unlistedRegions])('%s: every FIPS and dual-stack combination', (region) => {
    expect(partitionOf(region).id).toBe(sdkCore.partition(region).name);
    for (const flags of FLAGS) {
      const params = { region, ...flags };
      expect(ourOutcome(params), JSON.stringify(params)).toEqual(sdkOutcome(params));
    }
  });

  it('the partitions answer as the SDK does: cn on amazonaws.com.cn, GovCloud FIPS, iso suffixes', () => {
    expect(resolveCognitoEndpoint({ region: 'cn-northwest-1' })).toBe('https://cognito-identity.cn-northwest-1.amazonaws.com.cn');
    expect(resolveCognitoEndpoint({ region: 'cn-north-1', useDualstackEndpoint: true })).toBe('https://cognito-identity.cn-north-1.api.amazonwebservices.com.cn');
    expect(resolveCognitoEndpoint({ region: 'us-gov-west-1', useFipsEndpoint: true })).toBe('https://cognito-identity-fips.us-gov-west-1.amazonaws.com');
    expect(resolveCognitoEndpoint({ region: 'us-iso-east-1' })).toBe('https://cognito-identity.us-iso-east-1.c2s.ic.gov');
    // Cognito's own rule: its aws endpoints are dual-stack already, FIPS ones too in the four US regions.
    expect(resolveCognitoEndpoint({ region: 'eu-west-1', useDualstackEndpoint: true })).toBe('https://cognito-identity.eu-west-1.amazonaws.com');
    expect(resolveCognitoEndpoint({ region: 'us-west-2', useFipsEndpoint: true, useDualstackEndpoint: true })).toBe('https://cognito-identity-fips.us-west-2.amazonaws.com');
    expect(resolveCognitoEndpoint({ region: 'eu-west-1', useFipsEndpoint: true, useDualstackEndpoint: true })).toBe('https://cognito-identity-fips.eu-west-1.api.aws');
  });

  it('a custom endpoint: used as it is, and refused with FIPS or dual-stack, as the SDK refuses it', () => {
    for (const flags of FLAGS) {
      for (const region of [undefined, 'us-east-1']) {
        const params = { endpoint: 'http://127.0.0.1:4000/base', ...(region ? { region } : {}), ...flags };
        expect(ourOutcome(params), JSON.stringify(params)).toEqual(sdkOutcome(params));
      }
    }
  });

  it('no region: the error the SDK gives', () => {
    expect(ourOutcome({})).toEqual(sdkOutcome({}));
    expect(ourOutcome({})).toEqual({ error: 'Invalid Configuration: Missing Region' });
  });

  it('a region that is not a hostname label never becomes part of a URL', () => {
    for (const region of ['us-east-1.evil.example', 'us-east-1/', 'us-east-1@evil', '-us-east-1', 'us-east-1-', '', 'a'.repeat(64), 'us east 1']) {
      expect(() => resolveCognitoEndpoint({ region })).toThrow(TypeError);
    }
  });

  it('where a partition does not offer FIPS or dual-stack, the same errors as the SDK (partitions changed in both)', () => {
    let serial = 100;
    const errors = new Set<string>();
    for (const [fips, dualStack] of [[false, true], [true, false], [false, false]] as const) {
      const changed: SdkPartitionsInfo = {
        partitions: partitionsInfo.partitions.map((p) => ({ ...p, outputs: { ...p.outputs, supportsFIPS: fips, supportsDualStack: dualStack } })),
      };
      sdkCore.setPartitionInfo(changed);
      try {
        // Fresh region names: the SDK caches resolved endpoints by their parameters.
        for (const prefix of ['us-east', 'cn-north', 'us-gov-west', 'us-iso-east', 'eusc-de-east', 'zz-none']) {
          serial += 1;
          const region = `${prefix}-${serial}`;
          for (const flags of FLAGS) {
            const params = { region, ...flags };
            const outcome = sdkOutcome(params);
            expect(ourOutcome(params, fromSdk(changed)), JSON.stringify({ params, fips, dualStack })).toEqual(outcome);
            if ('error' in outcome) errors.add(outcome.error);
          }
        }
      } finally {
        sdkCore.useDefaultPartitionInfo();
      }
    }
    // Each of the three refusals of the rule set was met.
    expect(errors.size).toBe(3);
  });
});
