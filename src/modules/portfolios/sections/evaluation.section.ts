import type { CompiledSection, PortfolioSection } from './section';

/**
 * 综合素质评价结果: term results and the graduation result per dimension (levels A–D), from the
 * evaluation module. Until that module provides results in this deployment the section says
 * so and the portfolio carries no levels (ADR 0822).
 */
export class EvaluationSection implements PortfolioSection {
  readonly key = 'evaluation';
  readonly titleZh = '综合素质评价结果';

  async compile(): Promise<CompiledSection> {
    return {
      content: { available: false, note: 'no evaluation results are produced in this deployment yet', noteZh: '本系统尚未生成综合素质评价结果', terms: [], graduation: null },
      dimensionLevels: {},
    };
  }
}
