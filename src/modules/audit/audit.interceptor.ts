import { type CallHandler, type ExecutionContext, HttpException, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { catchError, from, map, mergeMap, type Observable, throwError } from 'rxjs';
import { DomainError } from '../../common/errors/domain-error';
import type { Actor } from '../auth/actor';
import { AUDITED_READ, PURPOSE_REQUIRED } from '../auth/auth.decorators';
import { AuditService, purposeOf } from './audit.service';

/**
 * Audits, for every signed-in caller: every write (success or failure), and reads of routes
 * marked @AuditedRead by bureau and admissions users. The event is written before the
 * response leaves; if it cannot be written, the request fails (audit is not optional).
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly audit: AuditService,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const actor = request.actor;
    if (!actor) return next.handle();
    const isWrite = !['GET', 'HEAD', 'OPTIONS'].includes(request.method);
    const readTarget = this.reflector.get<string | undefined>(AUDITED_READ, context.getHandler());
    if (!isWrite && !(readTarget && actor.auditsReads)) return next.handle();

    const routePath = (request.route as { path?: string } | undefined)?.path ?? request.path;
    const query = request.originalUrl.includes('?') ? request.originalUrl.slice(request.originalUrl.indexOf('?')) : '';
    const operation = `${request.method} ${routePath}${isWrite ? '' : query}`;
    const paramId = typeof request.params?.id === 'string' ? request.params.id : null;
    const targetType = readTarget ?? (context.getClass().name.replace(/Controller$/, '').toLowerCase() || null);
    const record = (outcome: string, targetId: string | null) =>
      this.audit.record({ actor, action: isWrite ? 'write' : `read.${readTarget}`, operation, targetType, targetId, outcome, request });

    if (!isWrite && this.reflector.get<boolean | undefined>(PURPOSE_REQUIRED, context.getHandler()) && !purposeOf(request)) {
      const refused = new DomainError('PURPOSE_REQUIRED', 400, 'state the purpose of this read in the X-Access-Purpose header or the purpose query parameter', '请在X-Access-Purpose请求头或purpose参数中说明查阅目的', [
        { field: 'purpose', code: 'PURPOSE_REQUIRED', message: 'required for audited reads' },
      ]);
      return from(record('400', paramId)).pipe(mergeMap(() => throwError(() => refused)));
    }

    return next.handle().pipe(
      mergeMap((body: unknown) => {
        const bodyId = body && typeof body === 'object' && typeof (body as { id?: unknown }).id === 'string' ? (body as { id: string }).id : null;
        return from(record('success', paramId ?? bodyId)).pipe(map(() => body));
      }),
      catchError((error: unknown) => {
        const status = error instanceof DomainError ? error.status : error instanceof HttpException ? error.getStatus() : 500;
        return from(record(String(status), paramId)).pipe(mergeMap(() => throwError(() => error)));
      }),
    );
  }
}
