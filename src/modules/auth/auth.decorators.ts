import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Actor } from './actor';
import type { Permission } from './roles';

export const PUBLIC_ROUTE = 'wuyu:public';
export const REQUIRED_PERMISSIONS = 'wuyu:permissions';
export const AUDITED_READ = 'wuyu:audited-read';
export const PURPOSE_REQUIRED = 'wuyu:purpose-required';

/** The route needs no sign-in (login, refresh, health). Everything else under /api does. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The caller must hold every listed permission through at least one role; else 403. Data scope is applied by the service. */
export const RequirePermission = (...permissions: Permission[]) => SetMetadata(REQUIRED_PERMISSIONS, permissions);

/** Reads of this route return student-level data: audited for bureau and admissions callers (target type given here). */
export const AuditedRead = (targetType: string) => SetMetadata(AUDITED_READ, targetType);

/**
 * With @AuditedRead: a caller whose reads are audited (bureau, admissions) must state why, in
 * the `X-Access-Purpose` header or a `purpose` query parameter; without one the read is refused
 * (400 PURPOSE_REQUIRED, itself audited) and returns nothing. The purpose is stored with the event.
 */
export const RequirePurpose = () => SetMetadata(PURPOSE_REQUIRED, true);

/** The signed-in caller, set by the AuthGuard. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<{ actor?: Actor }>().actor;
  if (!actor) throw new Error('CurrentActor used on a route without an authenticated actor (is the route @Public?)');
  return actor;
});
