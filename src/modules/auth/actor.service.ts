import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor, type ResolvedAssignment } from './actor';
import { RoleAssignment } from './entities/role-assignment.entity';
import { User } from './entities/user.entity';

/** Loads a user's assignments and resolves what each reaches (region subtrees → their schools). */
@Injectable()
export class ActorService {
  constructor(private readonly dataSource: DataSource) {}

  async load(userId: string): Promise<{ user: User; actor: Actor } | null> {
    const user = await this.dataSource.getRepository(User).findOne({ where: { id: userId } });
    if (!user) return null;
    const assignments = await this.dataSource.getRepository(RoleAssignment).find({ where: { userId }, order: { createdAt: 'ASC' } });
    const resolved: ResolvedAssignment[] = [];
    for (const assignment of assignments) {
      const base = {
        id: assignment.id,
        role: assignment.role,
        regionId: assignment.regionId,
        schoolId: assignment.schoolId,
        classId: assignment.classId,
        studentId: assignment.studentId,
      };
      if (!assignment.regionId) {
        // a city administrator's assignment has no target: the whole deployment
        resolved.push({ ...base, regionIds: [], schoolIds: [], everything: assignment.role === 'city_admin' });
        continue;
      }
      const rows: { region_id: string; is_root: boolean }[] = await this.dataSource.query(
        `WITH RECURSIVE subtree AS (
           SELECT id, parent_id FROM regions WHERE id = $1
           UNION ALL SELECT r.id, r.parent_id FROM regions r JOIN subtree s ON r.parent_id = s.id)
         SELECT subtree.id AS region_id, (SELECT parent_id IS NULL FROM regions WHERE id = $1) AS is_root FROM subtree`,
        [assignment.regionId],
      );
      const regionIds = rows.map((r) => r.region_id);
      const schools: { id: string }[] = await this.dataSource.query('SELECT id FROM schools WHERE region_id = ANY($1::uuid[])', [regionIds]);
      resolved.push({ ...base, regionIds, schoolIds: schools.map((s) => s.id), everything: rows[0]?.is_root ?? false });
    }
    return { user, actor: new Actor(user.id, user.username, resolved) };
  }
}
