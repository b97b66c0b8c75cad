import { CreateRoster1795934765723 } from './1795934765723-CreateRoster';
import { SeedGrades1795934766723 } from './1795934766723-SeedGrades';

/**
 * Every migration in order. Never edit a landed migration: add a new one
 * (`npm run wuyu -- migration:generate <VerbNoun>` writes the SQL the entities need).
 */
export const MIGRATIONS: Function[] = [CreateRoster1795934765723, SeedGrades1795934766723];
