/**
 * The portfolio compiler is a list of sections (ADR 0822). Each section reads one source
 * through that module's exported service and returns plain JSON; a source that does not exist
 * yet in a deployment says so in its section rather than failing the whole portfolio.
 * Sections are listed under PORTFOLIO_SECTIONS in portfolios.module.ts, in document order.
 */
export interface PortfolioStudent {
  readonly id: string;
  readonly name: string;
  readonly studentNumber: string;
  readonly sexCode: string;
  readonly birthDate: string;
  readonly school: { readonly id: string; readonly code: string; readonly name: string; readonly stage: string };
  /** Enrolments, oldest term first. */
  readonly classes: readonly { readonly termCode: string; readonly schoolYear: string; readonly gradeCode: string; readonly className: string }[];
}

export interface CompiledSection {
  /** The section as it appears in the document (plain JSON: strings, numbers, booleans, null, arrays, objects). */
  readonly content: Record<string, unknown>;
  /** Graduation level per dimension (A–D), if this section is where the levels come from. */
  readonly dimensionLevels?: Readonly<Record<string, string>>;
}

export interface PortfolioSection {
  /** Key in `document.sections`. */
  readonly key: string;
  readonly titleZh: string;
  compile(student: PortfolioStudent): Promise<CompiledSection>;
}

export const PORTFOLIO_SECTIONS = Symbol('PORTFOLIO_SECTIONS');

/** Reads every page of a paged list (at most 200 a page). */
export async function allPages<T>(read: (page: number) => Promise<{ items: T[]; total: number }>): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; ; page += 1) {
    const result = await read(page);
    items.push(...result.items);
    if (result.items.length === 0 || items.length >= result.total) return items;
  }
}
