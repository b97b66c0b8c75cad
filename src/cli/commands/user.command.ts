import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { DomainError } from '../../common/errors/domain-error';
import type { RoleGrantDto } from '../../modules/auth/dto/auth.dto';
import { ROLE_DEFINITIONS, ROLES, type Role } from '../../modules/auth/roles';
import { UsersService } from '../../modules/auth/users.service';
import { CliError } from '../cli-error';
import { withDatabase } from './database.command';

interface CreateOptions {
  username: string;
  role: string;
  displayName?: string;
  regionCode?: string;
  schoolCode?: string;
  classId?: string;
  studentNumber?: string;
  passwordStdin?: boolean;
}

/** A password that meets the policy: 20 characters from four classes. */
export function generatePassword(): string {
  const body = randomBytes(15).toString('base64url').replace(/[-_]/g, 'x');
  return `${body.slice(0, 6)}-${body.slice(6, 12)}-${body.slice(12)}A7`;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export function register(program: Command): void {
  program
    .command('user:create')
    .description('create a user with one role (the first city administrator, for instance); prints a generated password unless --password-stdin')
    .requiredOption('--username <name>', 'lower-case letters, digits, . - _')
    .requiredOption('--role <role>', ROLES.join(' | '))
    .option('--display-name <name>', 'the name shown in the interface')
    .option('--region-code <code>', 'GB/T 2260 code of the district (district_officer)')
    .option('--school-code <code>', '学校标识码 (school_admin, registrar, admissions_officer)')
    .option('--class-id <uuid>', 'class id (teacher)')
    .option('--student-number <学籍号>', 'the student (student, guardian)')
    .option('--password-stdin', 'read the password from standard input instead of generating one')
    .action(async (options: CreateOptions) => {
      if (!(ROLES as readonly string[]).includes(options.role)) throw new CliError('UNKNOWN_ROLE', `role must be one of ${ROLES.join(', ')}`);
      const role = options.role as Role;
      const password = options.passwordStdin ? await readStdin() : generatePassword();
      await withDatabase(async (dataSource) => {
        const grant: RoleGrantDto = { role };
        const target = ROLE_DEFINITIONS[role].target;
        const lookup = async (sql: string, value: string | undefined, flag: string): Promise<string> => {
          if (!value) throw new CliError('TARGET_REQUIRED', `role ${role} needs ${flag}`);
          const [row] = await dataSource.query(sql, [value]);
          if (!row) throw new CliError('UNKNOWN_TARGET', `nothing matches ${flag} ${value}`);
          return row.id as string;
        };
        if (target === 'region') grant.regionId = await lookup('SELECT id FROM regions WHERE code = $1', options.regionCode, '--region-code');
        if (target === 'school') grant.schoolId = await lookup('SELECT id FROM schools WHERE code = $1', options.schoolCode, '--school-code');
        if (target === 'class') grant.classId = await lookup('SELECT id FROM school_classes WHERE id::text = $1', options.classId, '--class-id');
        if (target === 'student') grant.studentId = await lookup('SELECT id FROM students WHERE student_number = upper($1)', options.studentNumber, '--student-number');
        try {
          const user = await new UsersService(dataSource).create({ username: options.username, displayName: options.displayName ?? options.username, password, roles: [grant] }, null);
          process.stdout.write(`created ${user.username} (${role}, id ${user.id})\n`);
          if (!options.passwordStdin) process.stdout.write(`password: ${password}\n(shown once; sign in with POST /api/auth/login)\n`);
        } catch (error) {
          if (error instanceof DomainError) {
            const details = Array.isArray(error.details) ? error.details.map((d) => `\n  - ${d.message}`).join('') : '';
            throw new CliError(error.code, `${error.message}${details}`);
          }
          throw error;
        }
      });
    });
}
