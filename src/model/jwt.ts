// JWT shapes of idpool's own, so the public types do not lean on jose's (which CommonJS
// consumers of the type declarations cannot load).

/** The claims of a JWT as decoded (not verified): the registered ones typed, any other as `unknown`. */
export interface JwtPayload {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  [claim: string]: unknown;
}

/** The protected header of a JWT as decoded. */
export interface JwtHeader {
  alg?: string;
  kid?: string;
  typ?: string;
  [parameter: string]: unknown;
}
