import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import type { Request } from 'express';
import { DataSource, IsNull } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { AuditService } from '../audit/audit.service';
import { ActorService } from './actor.service';
import { AuthError } from './auth.errors';
import { RefreshToken } from './entities/refresh-token.entity';
import { User } from './entities/user.entity';
import { signAccessToken } from './jwt';
import { LoginRateLimiter } from './login-rate-limiter';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MINUTES = 15;
export const REFRESH_TOKEN_DAYS = 30;
/** argon2id (OWASP 2023 minimum: m=19 MiB, t=2, p=1). */
const ARGON2_OPTIONS = { algorithm: 2 as const, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshExpiresAt: string;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export function hashPassword(password: string): Promise<string> {
  return argonHash(password, ARGON2_OPTIONS);
}

/**
 * Sign-in, token rotation and sign-out. Access tokens: HS256, short-lived. Refresh tokens:
 * `<id>.<secret>`, stored as SHA-256 of the secret, single use, rotated within a family;
 * a reused one revokes its family. Five failed passwords lock the account for 15 minutes.
 */
@Injectable()
export class AuthService {
  private readonly limiter: LoginRateLimiter;
  private readonly dummyHash: Promise<string>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly actors: ActorService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.limiter = new LoginRateLimiter(config.loginAttemptsPerMinute);
    // verified against unknown usernames so a missing account costs the same time as a wrong password
    this.dummyHash = hashPassword(randomBytes(16).toString('hex'));
  }

  async login(username: string, password: string, request: Request): Promise<TokenPair> {
    if (!this.limiter.allow(request.ip ?? 'unknown')) throw new AuthError('TOO_MANY_REQUESTS');
    const users = this.dataSource.getRepository(User);
    const user = await users.findOne({ where: { username: username.trim().toLowerCase() } });
    const fail = async (outcome: string, code: 'INVALID_CREDENTIALS' | 'ACCOUNT_LOCKED' | 'ACCOUNT_DISABLED') => {
      await this.audit.record({ actor: null, username, action: 'auth.login', targetType: 'user', targetId: user?.id ?? null, outcome, request });
      throw new AuthError(code);
    };
    if (!user) {
      await argonVerify(await this.dummyHash, password).catch(() => false);
      return fail('failure', 'INVALID_CREDENTIALS');
    }
    if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) return fail('locked', 'ACCOUNT_LOCKED');
    const valid = await argonVerify(user.passwordHash, password).catch(() => false);
    if (!valid) {
      const failures = user.failedLoginCount + 1;
      const lock = failures >= MAX_FAILED_LOGINS;
      await users.update(
        { id: user.id },
        { failedLoginCount: lock ? 0 : failures, lockedUntil: lock ? new Date(Date.now() + LOCKOUT_MINUTES * 60_000) : user.lockedUntil },
      );
      return fail(lock ? 'failure-locked' : 'failure', 'INVALID_CREDENTIALS');
    }
    if (user.disabled) return fail('disabled', 'ACCOUNT_DISABLED');
    await users.update({ id: user.id }, { failedLoginCount: 0, lockedUntil: null });
    const tokens = await this.issue(user.id, randomUUID());
    const loaded = await this.actors.load(user.id);
    await this.audit.record({ actor: loaded?.actor ?? null, username: user.username, action: 'auth.login', targetType: 'user', targetId: user.id, outcome: 'success', request });
    return tokens;
  }

  async refresh(presented: string, request: Request): Promise<TokenPair> {
    const outcome = await this.dataSource.transaction(async (manager): Promise<TokenPair | 'reused'> => {
      const [id, secret] = presented.split('.');
      if (!id || !secret || !/^[0-9a-f-]{36}$/.test(id)) throw new AuthError('INVALID_REFRESH_TOKEN');
      const tokens = manager.getRepository(RefreshToken);
      const stored = await tokens.createQueryBuilder('token').setLock('pessimistic_write').where('token.id = :id', { id }).getOne();
      if (!stored) throw new AuthError('INVALID_REFRESH_TOKEN');
      const expected = Buffer.from(stored.tokenHash);
      const given = Buffer.from(sha256(secret));
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new AuthError('INVALID_REFRESH_TOKEN');
      if (stored.usedAt || stored.revokedAt) {
        await tokens.update({ familyId: stored.familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
        await this.audit.record({ actor: null, username: null, action: 'auth.refresh', targetType: 'user', targetId: stored.userId, outcome: 'reused', request });
        return 'reused'; // the transaction commits the revocation; the caller is refused below
      }
      if (stored.expiresAt.getTime() <= Date.now()) throw new AuthError('INVALID_REFRESH_TOKEN');
      const user = await manager.getRepository(User).findOne({ where: { id: stored.userId } });
      if (!user || user.disabled) throw new AuthError('INVALID_REFRESH_TOKEN');
      await tokens.update({ id: stored.id }, { usedAt: new Date() });
      return this.issue(stored.userId, stored.familyId, manager.getRepository(RefreshToken));
    });
    if (outcome === 'reused') throw new AuthError('REFRESH_TOKEN_REUSED');
    return outcome;
  }

  /** Revokes the refresh token's whole family (this sign-in on every device it was rotated to). */
  async logout(presented: string, request: Request): Promise<void> {
    const [id, secret] = presented.split('.');
    if (!id || !secret || !/^[0-9a-f-]{36}$/.test(id)) throw new AuthError('INVALID_REFRESH_TOKEN');
    const tokens = this.dataSource.getRepository(RefreshToken);
    const stored = await tokens.findOne({ where: { id } });
    if (!stored || stored.tokenHash !== sha256(secret)) throw new AuthError('INVALID_REFRESH_TOKEN');
    await tokens.update({ familyId: stored.familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
    const loaded = await this.actors.load(stored.userId);
    await this.audit.record({ actor: loaded?.actor ?? null, action: 'auth.logout', targetType: 'user', targetId: stored.userId, outcome: 'success', request });
  }

  private async issue(userId: string, familyId: string, repository = this.dataSource.getRepository(RefreshToken)): Promise<TokenPair> {
    const now = Math.floor(Date.now() / 1000);
    const accessToken = signAccessToken({ sub: userId, iat: now, exp: now + this.config.accessTokenTtlSeconds, jti: randomUUID() }, this.config.authSecret);
    const secret = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + REFRESH_TOKEN_DAYS * 86_400_000);
    const stored = await repository.save(repository.create({ userId, familyId, tokenHash: sha256(secret), expiresAt, usedAt: null, revokedAt: null }));
    return { accessToken, refreshToken: `${stored.id}.${secret}`, tokenType: 'Bearer', expiresIn: this.config.accessTokenTtlSeconds, refreshExpiresAt: expiresAt.toISOString() };
  }
}
