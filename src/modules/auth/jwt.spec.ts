import { signAccessToken, verifyAccessToken } from './jwt';

const secret = 'a-test-secret-that-is-long-enough-0123456789';
const claims = { sub: 'user-1', iat: 1000, exp: 1900, jti: 'j1' };

describe('HS256 access tokens', () => {
  it('verifies its own token before expiry', () => {
    expect(verifyAccessToken(signAccessToken(claims, secret), secret, 1500)).toEqual({ ok: true, claims });
  });
  it('refuses an expired token', () => {
    expect(verifyAccessToken(signAccessToken(claims, secret), secret, 1900)).toEqual({ ok: false, failure: 'EXPIRED' });
  });
  it('refuses a tampered payload, a wrong secret and alg=none', () => {
    const token = signAccessToken(claims, secret);
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url');
    expect(verifyAccessToken(`${h}.${forged}.${s}`, secret, 1500)).toEqual({ ok: false, failure: 'BAD_SIGNATURE' });
    expect(verifyAccessToken(token, `${secret}x`, 1500)).toEqual({ ok: false, failure: 'BAD_SIGNATURE' });
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expect(verifyAccessToken(`${none}.${forged}.`, secret, 1500)).toEqual({ ok: false, failure: 'BAD_SIGNATURE' });
    expect(verifyAccessToken('garbage', secret, 1500)).toEqual({ ok: false, failure: 'MALFORMED' });
  });
});
