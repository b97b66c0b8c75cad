import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error';
import { isUniqueViolation } from '../roster/roster.errors';
import type { Actor } from './actor';
import { isRegionInScope, isSchoolInScope, studentInScopeSql } from './data-scope';
import { AuthError } from './auth.errors';
import type { CreateUserDto, RoleGrantDto, UserResponse } from './dto/auth.dto';
import { hashPassword } from './auth.service';
import { RoleAssignment } from './entities/role-assignment.entity';
import { User } from './entities/user.entity';
import { passwordProblems } from './password-policy';
import { ROLE_DEFINITIONS } from './roles';

/**
 * Creates users and grants roles. A granter needs `users.manage`, may grant only roles of
 * rank ≤ their own, and only on targets inside their own manage scope; city_admin is granted
 * only by a city_admin (or by the server operator through the CLI).
 */
@Injectable()
export class UsersService {
  constructor(private readonly dataSource: DataSource) {}

  private targetProblem(grant: RoleGrantDto): string | null {
    const target = ROLE_DEFINITIONS[grant.role].target;
    const given = (['regionId', 'schoolId', 'classId', 'studentId'] as const).filter((key) => grant[key] !== undefined);
    if (target === 'deployment') return given.length === 0 ? null : `role ${grant.role} covers the whole deployment and takes no target`;
    const expected = `${target}Id`;
    if (given.length !== 1 || given[0] !== expected) return `role ${grant.role} takes exactly one ${expected}`;
    return null;
  }

  private async assertMayGrant(granter: Actor, grant: RoleGrantDto, manager: EntityManager): Promise<void> {
    const scope = granter.scopeFor('users.manage');
    const definition = ROLE_DEFINITIONS[grant.role];
    const deny = () => {
      throw new AuthError('ROLE_ABOVE_OWN', [{ field: 'roles', code: 'ROLE_ABOVE_OWN', message: `cannot grant ${grant.role} here`, value: grant.role }]);
    };
    if (definition.rank > granter.rankFor('users.manage')) deny();
    if (grant.role === 'city_admin' && !granter.roles.includes('city_admin')) deny();
    if (scope.all) return;
    if (grant.regionId && !isRegionInScope(scope, grant.regionId)) deny();
    if (grant.schoolId && !isSchoolInScope(scope, grant.schoolId)) deny();
    if (grant.classId) {
      const [row] = await manager.query('SELECT school_id FROM school_classes WHERE id = $1', [grant.classId]);
      if (!row || !isSchoolInScope(scope, row.school_id)) deny();
    }
    if (grant.studentId) {
      const params: unknown[] = [grant.studentId];
      const condition = studentInScopeSql(scope, { studentIdColumn: 's.id', schoolIdColumn: 's.school_id' }, params);
      const rows = await manager.query(`SELECT 1 FROM students s WHERE s.id = $1 AND ${condition}`, params);
      if (rows.length === 0) deny();
    }
  }

  /** `granter` null = the server operator (CLI bootstrap), who may grant anything. */
  async create(dto: CreateUserDto, granter: Actor | null): Promise<UserResponse> {
    const username = dto.username.toLowerCase();
    const weak = passwordProblems(dto.password, username);
    if (weak.length > 0) throw new AuthError('WEAK_PASSWORD', weak.map((p) => ({ field: 'password', code: 'WEAK_PASSWORD', message: p.message, messageZh: p.messageZh })));
    for (const grant of dto.roles) {
      const problem = this.targetProblem(grant);
      if (problem) throw new DomainError('INVALID_ROLE_TARGET', 400, problem, '角色的授权范围不正确', [{ field: 'roles', code: 'INVALID_ROLE_TARGET', message: problem, value: grant.role }]);
    }
    const passwordHash = await hashPassword(dto.password);
    try {
      return await this.dataSource.transaction(async (manager) => {
        for (const grant of dto.roles) if (granter) await this.assertMayGrant(granter, grant, manager);
        const user = await manager.getRepository(User).save(manager.getRepository(User).create({ username, displayName: dto.displayName, passwordHash }));
        const assignments = await manager.getRepository(RoleAssignment).save(
          dto.roles.map((grant) =>
            manager.getRepository(RoleAssignment).create({
              userId: user.id,
              role: grant.role,
              regionId: grant.regionId ?? null,
              schoolId: grant.schoolId ?? null,
              classId: grant.classId ?? null,
              studentId: grant.studentId ?? null,
              grantedBy: granter?.userId ?? null,
            }),
          ),
        );
        return toUserResponse(user, assignments);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AuthError('USERNAME_TAKEN');
      if ((error as { driverError?: { code?: string } }).driverError?.code === '23503') {
        throw new DomainError('UNKNOWN_REFERENCE', 400, 'a role target does not exist', '授权对象不存在', [{ field: 'roles', code: 'UNKNOWN_REFERENCE', message: 'a role target does not exist' }]);
      }
      throw error;
    }
  }

  async me(actor: Actor): Promise<UserResponse> {
    const user = await this.dataSource.getRepository(User).findOneOrFail({ where: { id: actor.userId } });
    const assignments = await this.dataSource.getRepository(RoleAssignment).find({ where: { userId: actor.userId }, order: { createdAt: 'ASC' } });
    return toUserResponse(user, assignments);
  }
}

function toUserResponse(user: User, assignments: RoleAssignment[]): UserResponse {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    roles: assignments.map((a) => ({ id: a.id, role: a.role, regionId: a.regionId, schoolId: a.schoolId, classId: a.classId, studentId: a.studentId })),
  };
}
