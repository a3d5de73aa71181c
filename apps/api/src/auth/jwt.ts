import { Principal, ROLES, Role } from '@app/domain';
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Claims this API reads from a bearer JWT. */
export interface PrincipalClaims {
  readonly sub: string;
  readonly role: Role;
  /** Customer ids, or ["*"] for every customer. */
  readonly customers: readonly string[];
  /** Expiry, seconds since the epoch. */
  readonly exp: number;
  readonly iat?: number;
}

const base64url = (input: Buffer | string) => Buffer.from(input).toString('base64url');

/** Signs claims as an HS256 JWT (for the development key and the mint-token command). */
export function signJwt(claims: PrincipalClaims, secret: string): string {
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify(claims));
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

export class InvalidTokenError extends Error {}

/**
 * Verifies an HS256 JWT and maps it to a principal. Only HS256 is accepted (never "none"), the signature is
 * compared in constant time, and the expiry is required.
 */
export function verifyJwt(token: string, secret: string, nowMs: number): Principal {
  const parts = token.split('.');
  if (parts.length !== 3) throw new InvalidTokenError('not a JWT');
  const [header, payload, signature] = parts;
  let decodedHeader: { alg?: unknown; typ?: unknown };
  let claims: Partial<PrincipalClaims>;
  try {
    decodedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidTokenError('the token is not valid JSON');
  }
  if (decodedHeader.alg !== 'HS256') throw new InvalidTokenError('only HS256 tokens are accepted');
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const presented = Buffer.from(signature, 'base64url');
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
    throw new InvalidTokenError('the signature does not match');
  }
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= nowMs)
    throw new InvalidTokenError('the token has expired');
  if (
    typeof claims.sub !== 'string' ||
    claims.sub.length === 0 ||
    !ROLES.includes(claims.role as Role) ||
    !Array.isArray(claims.customers) ||
    !claims.customers.every((customer) => typeof customer === 'string')
  ) {
    throw new InvalidTokenError('the token must carry sub, role and customers');
  }
  return { id: claims.sub, role: claims.role as Role, customers: claims.customers };
}
