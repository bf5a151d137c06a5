/** What an AWS partition offers, as the SDK's partitions table (`@aws-sdk/core`, util-endpoints) gives it. */
export interface AwsPartition {
  readonly id: string;
  /** Regions of the partition not yet in any table still match it. */
  readonly regionRegex: RegExp;
  /** A pseudo-region in the table that the regex does not match. */
  readonly globalRegion?: string;
  readonly dnsSuffix: string;
  readonly dualStackDnsSuffix: string;
  readonly supportsFIPS: boolean;
  readonly supportsDualStack: boolean;
}

/**
 * The SDK's partitions, in its order: a named region first, then the first regex that matches;
 * a region no partition claims is in `aws`, as in the SDK.
 * test/transport/cognito-endpoint.test.ts checks this table against the SDK's.
 */
export const AWS_PARTITIONS: readonly AwsPartition[] = [
  { id: 'aws', globalRegion: 'aws-global', regionRegex: /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/, dnsSuffix: 'amazonaws.com', dualStackDnsSuffix: 'api.aws', supportsFIPS: true, supportsDualStack: true },
  { id: 'aws-cn', globalRegion: 'aws-cn-global', regionRegex: /^cn-\w+-\d+$/, dnsSuffix: 'amazonaws.com.cn', dualStackDnsSuffix: 'api.amazonwebservices.com.cn', supportsFIPS: true, supportsDualStack: true },
  { id: 'aws-eusc', regionRegex: /^eusc-(de)-\w+-\d+$/, dnsSuffix: 'amazonaws.eu', dualStackDnsSuffix: 'api.amazonwebservices.eu', supportsFIPS: true, supportsDualStack: true },
  { id: 'aws-iso', globalRegion: 'aws-iso-global', regionRegex: /^us-iso-\w+-\d+$/, dnsSuffix: 'c2s.ic.gov', dualStackDnsSuffix: 'api.aws.ic.gov', supportsFIPS: true, supportsDualStack: true },
  { id: 'aws-iso-b', globalRegion: 'aws-iso-b-global', regionRegex: /^us-isob-\w+-\d+$/, dnsSuffix: 'sc2s.sgov.gov', dualStackDnsSuffix: 'api.aws.scloud', supportsFIPS: true, supportsDualStack: true },
  { id: 'aws-iso-e', globalRegion: 'aws-iso-e-global', regionRegex: /^eu-isoe-\w+-\d+$/, dnsSuffix: 'cloud.adc-e.uk', dualStackDnsSuffix: 'api.cloud-aws.adc-e.uk', supportsFIPS: true, supportsDualStack: true },
  { id: 'aws-iso-f', globalRegion: 'aws-iso-f-global', regionRegex: /^us-isof-\w+-\d+$/, dnsSuffix: 'csp.hci.ic.gov', dualStackDnsSuffix: 'api.aws.hci.ic.gov', supportsFIPS: true, supportsDualStack: true },
  { id: 'aws-us-gov', globalRegion: 'aws-us-gov-global', regionRegex: /^us-gov-\w+-\d+$/, dnsSuffix: 'amazonaws.com', dualStackDnsSuffix: 'api.aws', supportsFIPS: true, supportsDualStack: true },
];

// Cognito Identity's rule set: in these regions the FIPS endpoints on amazonaws.com are already
// dual-stack, and in the aws partition the standard endpoints are (no `api.aws` names).
const FIPS_DUAL_STACK_ON_DNS_SUFFIX: ReadonlySet<string> = new Set(['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2']);
// The SDK's host label check (smithy's isValidHostLabel): a region becomes part of a hostname.
const HOST_LABEL = /^(?!.*-$)(?!-)[a-zA-Z0-9-]{1,63}$/;

export interface CognitoEndpointParams {
  region?: string;
  /** A custom endpoint (the local identity pool's, a proxy): used as it is. */
  endpoint?: string;
  useFipsEndpoint?: boolean;
  useDualstackEndpoint?: boolean;
}

/** An endpoint that cannot be resolved; the message is the SDK's, word for word. */
export class CognitoEndpointError extends Error {
  override readonly name = 'EndpointError';
}

/** The partition a region belongs to, as the SDK's `aws.partition` function decides it. */
export function partitionOf(region: string, partitions: readonly AwsPartition[] = AWS_PARTITIONS): AwsPartition {
  const fallback = partitions.find((partition) => partition.id === 'aws');
  if (fallback === undefined) throw new CognitoEndpointError("The partitions table has no 'aws' partition.");
  return (
    partitions.find((partition) => partition.globalRegion === region) ??
    partitions.find((partition) => partition.regionRegex.test(region)) ??
    fallback
  );
}

/**
 * The Cognito Identity endpoint URL (`https://host`, no path) for a region, following the
 * service's endpoint rule set as the AWS SDK does: every partition (aws, aws-cn on
 * `amazonaws.com.cn`, aws-us-gov, aws-iso*, aws-eusc), FIPS and dual-stack variants, a custom
 * endpoint. Throws {@link CognitoEndpointError} where the SDK would, and `TypeError` for a
 * region that is not a hostname label (the SDK's client refuses it too).
 *
 * @example
 * ```ts
 * resolveCognitoEndpoint({ region: 'cn-north-1' }); // 'https://cognito-identity.cn-north-1.amazonaws.com.cn'
 * resolveCognitoEndpoint({ region: 'us-gov-west-1', useFipsEndpoint: true }); // 'https://cognito-identity-fips.us-gov-west-1.amazonaws.com'
 * ```
 */
export function resolveCognitoEndpoint(params: CognitoEndpointParams, partitions: readonly AwsPartition[] = AWS_PARTITIONS): string {
  const fips = params.useFipsEndpoint === true;
  const dualStack = params.useDualstackEndpoint === true;
  if (params.endpoint !== undefined) {
    if (fips) throw new CognitoEndpointError('Invalid Configuration: FIPS and custom endpoint are not supported');
    if (dualStack) throw new CognitoEndpointError('Invalid Configuration: Dualstack and custom endpoint are not supported');
    return params.endpoint;
  }
  const region = params.region;
  if (region === undefined) throw new CognitoEndpointError('Invalid Configuration: Missing Region');
  if (!HOST_LABEL.test(region)) throw new TypeError(`region "${region.slice(0, 64)}" is not a valid hostname label`);
  const partition = partitionOf(region, partitions);
  if (fips && dualStack) {
    if (!partition.supportsFIPS || !partition.supportsDualStack) {
      throw new CognitoEndpointError('FIPS and DualStack are enabled, but this partition does not support one or both');
    }
    const suffix = FIPS_DUAL_STACK_ON_DNS_SUFFIX.has(region) ? 'amazonaws.com' : partition.dualStackDnsSuffix;
    return `https://cognito-identity-fips.${region}.${suffix}`;
  }
  if (fips) {
    if (!partition.supportsFIPS) throw new CognitoEndpointError('FIPS is enabled but this partition does not support FIPS');
    return `https://cognito-identity-fips.${region}.${partition.dnsSuffix}`;
  }
  if (dualStack) {
    if (!partition.supportsDualStack) throw new CognitoEndpointError('DualStack is enabled but this partition does not support DualStack');
    return `https://cognito-identity.${region}.${partition.id === 'aws' ? 'amazonaws.com' : partition.dualStackDnsSuffix}`;
  }
  return `https://cognito-identity.${region}.${partition.dnsSuffix}`;
}
