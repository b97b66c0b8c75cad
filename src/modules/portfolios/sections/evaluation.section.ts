import type { CompiledSection, PortfolioSection, PortfolioStudent } from './section';

/** One dimension's result as the evaluation module reports it. */
interface DimensionResult {
  readonly dimension: string;
  readonly score: number;
  readonly level: string;
  readonly computedLevel?: string;
  readonly quotaAdjusted?: boolean;
}

/**
 * What this section needs from the evaluation module (its EvaluationResultsService has this
 * shape): per term the five dimensions of the latest run, and the latest graduation result.
 */
export interface EvaluationResultsSource {
  termResultsForStudent(studentId: string): Promise<readonly { termCode: string; runId: string; rubric: { code: string; version: number }; dimensions: readonly DimensionResult[] }[]>;
  graduationResultForStudent(studentId: string): Promise<{
    runId: string;
    rubric: { code: string; version: number };
    dimensions: readonly (DimensionResult & { terms?: readonly { termCode: string; weight: number; score: number }[] })[];
  } | null>;
}

const levelsOf = (dimensions: readonly DimensionResult[]) => Object.fromEntries(dimensions.map((d) => [d.dimension, d.level]));

/**
 * 综合素质评价结果: term results and the graduation result per dimension (level A–D and the rubric
 * that produced it; the scores and their provenance stay in the evaluation module, where a result
 * is explained to the family — the portfolio, read by admitting schools, carries levels). The levels the admissions list filters on are the graduation levels,
 * or — before a graduation run — the latest term's, and the section says which (`levelsSource`).
 * Without a source (a deployment without the evaluation module) the section says so and the
 * portfolio carries no levels (ADR 0822).
 */
export class EvaluationSection implements PortfolioSection {
  readonly key = 'evaluation';
  readonly titleZh = '综合素质评价结果';

  constructor(private readonly source: EvaluationResultsSource | null) {}

  async compile(student: PortfolioStudent): Promise<CompiledSection> {
    if (!this.source) {
      return {
        content: { available: false, note: 'no evaluation results are produced in this deployment yet', noteZh: '本系统尚未生成综合素质评价结果', terms: [], graduation: null, levelsSource: null },
        dimensionLevels: {},
      };
    }
    const terms = await this.source.termResultsForStudent(student.id);
    const graduation = await this.source.graduationResultForStudent(student.id);
    const latestTerm = terms[terms.length - 1];
    const levelsSource = graduation ? 'graduation' : latestTerm ? 'term' : null;
    const dimensionLevels = graduation ? levelsOf(graduation.dimensions) : latestTerm ? levelsOf(latestTerm.dimensions) : {};
    return {
      content: {
        available: true,
        terms: terms.map((term) => ({
          term: term.termCode,
          runId: term.runId,
          rubric: { code: term.rubric.code, version: term.rubric.version },
          levels: levelsOf(term.dimensions),
          dimensions: term.dimensions.map((d) => ({ dimension: d.dimension, level: d.level, quotaAdjusted: d.quotaAdjusted ?? false })),
        })),
        graduation: graduation
          ? {
              runId: graduation.runId,
              rubric: { code: graduation.rubric.code, version: graduation.rubric.version },
              dimensions: graduation.dimensions.map((d) => ({
                dimension: d.dimension,
                level: d.level,
                quotaAdjusted: d.quotaAdjusted ?? false,
                terms: (d.terms ?? []).map((t) => ({ term: t.termCode, weight: t.weight })),
              })),
            }
          : null,
        levelsSource,
        levelsTerm: levelsSource === 'term' ? latestTerm.termCode : null,
      },
      dimensionLevels,
    };
  }
}
