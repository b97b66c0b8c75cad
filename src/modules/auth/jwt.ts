import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Minimal HS256 JSON Web Tokens (RFC 7519) for access tokens: we sign and verify only our own
 * tokens, so only HS256 is accepted — a token naming any other `alg` (including `none`) fails.
 */
export interface AccessClaims {
  sub: string;
  iat: number;
  exp: number;
  jti: string;
}

export type VerifyFailure = 'MALFORMED' | 'BAD_SIGNATURE' | 'EXPIRED';

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

function sign(input: string, secret: string): string {
  return createHmac('sha256', secret).update(input).digest('base64url');
}

export function signAccessToken(claims: AccessClaims, secret: string): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${HEADER}.${payload}.${sign(`${HEADER}.${payload}`, secret)}`;
}

export function verifyAccessToken(token: string, secret: string, nowSeconds: number): { ok: true; claims: AccessClaims } | { ok: false; failure: VerifyFailure } {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, failure: 'MALFORMED' };
  const [header, payload, signature] = parts;
  let claims: AccessClaims;
  try {
    const parsedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string };
    if (parsedHeader.alg !== 'HS256') return { ok: false, failure: 'BAD_SIGNATURE' };
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as AccessClaims;
  } catch {
    return { ok: false, failure: 'MALFORMED' };
  }
  const expected = Buffer.from(sign(`${header}.${payload}`, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, failure: 'BAD_SIGNATURE' };
  if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') return { ok: false, failure: 'MALFORMED' };
  if (claims.exp <= nowSeconds) return { ok: false, failure: 'EXPIRED' };
  return { ok: true, claims };
}
