import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { AuditService } from '../audit/audit.service';
import type { Actor } from './actor';
import { ActorService } from './actor.service';
import { PUBLIC_ROUTE, REQUIRED_PERMISSIONS } from './auth.decorators';
import { AuthError } from './auth.errors';
import { verifyAccessToken } from './jwt';
import type { Permission } from './roles';

/**
 * The global guard: every route needs a valid bearer access token unless marked @Public.
 * Sets request.actor, then checks @RequirePermission. Data scope is not decided here but in
 * the services, through data-scope.ts.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly actors: ActorService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const header = request.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new AuthError('UNAUTHENTICATED');
    const verified = verifyAccessToken(match[1], this.config.authSecret, Math.floor(Date.now() / 1000));
    if (!verified.ok) throw new AuthError(verified.failure === 'EXPIRED' ? 'TOKEN_EXPIRED' : 'INVALID_TOKEN');
    const loaded = await this.actors.load(verified.claims.sub);
    if (!loaded) throw new AuthError('INVALID_TOKEN');
    if (loaded.user.disabled) throw new AuthError('ACCOUNT_DISABLED');
    request.actor = loaded.actor;

    const required = this.reflector.getAllAndOverride<Permission[] | undefined>(REQUIRED_PERMISSIONS, targets) ?? [];
    const missing = required.filter((permission) => !loaded.actor.can(permission));
    if (missing.length > 0) {
      await this.audit.record({
        actor: loaded.actor,
        action: 'denied',
        operation: `${request.method} ${request.route?.path ?? request.path}`,
        targetType: null,
        targetId: typeof request.params?.id === 'string' ? request.params.id : null,
        outcome: '403',
        request,
      });
      throw new AuthError('FORBIDDEN', [{ code: 'MISSING_PERMISSION', message: `needs ${missing.join(', ')}` }]);
    }
    return true;
  }
}
