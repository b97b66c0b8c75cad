import type { Command } from 'commander';
import { DomainError } from '../../common/errors/domain-error';
import { FitnessResultsService } from '../../modules/fitness/fitness-results.service';
import { checkSchoolYear } from '../../modules/fitness/fitness.errors';
import { CliError } from '../cli-error';
import { withDatabase } from './database.command';

interface RecomputeOptions {
  schoolYear: string;
  schoolCode?: string[];
}

/**
 * `wuyu fitness:recompute --school-year 2024-2025 [--school-code <学校标识码>…]`: recomputes the
 * stored fitness year results now (ADR 0501) — after roster corrections, which the freshness
 * check does not see. The command line acts for the whole deployment, like a city administrator.
 */
export function register(program: Command): void {
  program
    .command('fitness:recompute')
    .description('recompute the stored fitness year results of a school year (every school, or the schools given)')
    .requiredOption('--school-year <year>', 'school year, e.g. 2024-2025')
    .option('--school-code <code...>', '学校标识码 of the schools to recompute (default: every school)')
    .action(async (options: RecomputeOptions) => {
      try {
        checkSchoolYear(options.schoolYear);
      } catch (error) {
        throw new CliError('INVALID_SCHOOL_YEAR', (error as Error).message);
      }
      const summary = await withDatabase(async (dataSource) => {
        let schoolIds: string[] | null = null;
        if (options.schoolCode && options.schoolCode.length > 0) {
          const rows = (await dataSource.query('SELECT id, code FROM schools WHERE code = ANY($1::varchar[])', [options.schoolCode])) as { id: string; code: string }[];
          const unknown = options.schoolCode.filter((code) => !rows.some((row) => row.code === code));
          if (unknown.length > 0) throw new CliError('UNKNOWN_SCHOOL', `no school has the code ${unknown.join(', ')}`);
          schoolIds = rows.map((row) => row.id);
        }
        try {
          return await new FitnessResultsService(dataSource).recompute(options.schoolYear, schoolIds);
        } catch (error) {
          if (error instanceof DomainError) throw new CliError(error.code, error.message);
          throw error;
        }
      });
      process.stdout.write(
        `fitness ${summary.schoolYear}: ${summary.results} results at ${summary.schools} schools (scored ${summary.scored}, incomplete ${summary.incomplete}, exempt ${summary.exempt}, deferred ${summary.deferred}); tables ${summary.standardVersion}\n`,
      );
    });
}
