/**
 * The scoring-rule formula sandbox (issue 7 point 1; ADR 0800). A rubric's rule is a formula
 * over the record aggregates of one source, e.g. `min(sum / 2, 20)` or
 * `2 * count + 3 * count_level_at_least("district")`. Formulas are data typed in by bureau
 * staff, so they are never trusted:
 *
 *  1. parsed by a mathjs instance made with `create()` from a minimal factory set (arithmetic,
 *     comparisons, logic, min/max/round/abs/floor/ceil) — no `import`, `evaluate`, `createUnit`,
 *     `parse` or matrix functions are reachable by name from a validated formula;
 *  2. the parsed tree is walked against allow-lists: node types (constants, symbols, operators,
 *     parentheses, conditionals, comparisons, function calls), operators, function names with
 *     their arities, and the aggregate symbols of the rule's source. Assignments, function
 *     definitions, blocks, ranges, objects, arrays, property access, indexing, strings (except
 *     the constant argument of an aggregate such as `count_level("city")`), booleans, units and
 *     any unknown name are refused, naming the offending part;
 *  3. only the validated tree is compiled — after rewriting `if(c, a, b)` to `c ? a : b` and
 *     each aggregate call to a plain symbol — and it is evaluated over a scope that holds the
 *     aggregate values only. A string is never evaluated.
 *
 * The top level of a formula is split into its additive terms (`a + b - c` → a, b, −c); each is
 * compiled and evaluated on its own so a result can say which term gave which points
 * (provenance). Cost: validation O(nodes); evaluation O(nodes) per student.
 */
import {
  absDependencies,
  addDependencies,
  andDependencies,
  ceilDependencies,
  create,
  divideDependencies,
  equalDependencies,
  floorDependencies,
  largerDependencies,
  largerEqDependencies,
  maxDependencies,
  minDependencies,
  modDependencies,
  multiplyDependencies,
  notDependencies,
  orDependencies,
  parseDependencies,
  powDependencies,
  roundDependencies,
  smallerDependencies,
  smallerEqDependencies,
  subtractDependencies,
  unaryMinusDependencies,
  unaryPlusDependencies,
  unequalDependencies,
  type MathJsInstance,
  type MathNode,
} from 'mathjs';
import { ACTIVITY_LEVEL_CODES, ACTIVITY_ROLE_CODES, canonicalActivityLevel, canonicalActivityRole } from './activity-vocabulary';

/** The record source a rule reads: term records of catalogue indicators, or 写实记录 (activity records). */
export type FormulaSourceKind = 'indicator' | 'activity' | 'fitness';

export interface FormulaContext {
  readonly kind: FormulaSourceKind;
  /** The rule maps level values to points (`levelPoints`), so `level_points` may be used. */
  readonly hasLevelPoints: boolean;
}

/** One aggregate a formula may read, with what it means (shown to parents in explanations). */
export interface AggregateDefinition {
  readonly description: string;
  readonly descriptionZh: string;
}

/** Symbols of an indicator rule: aggregates of the student's term records of the rule's indicators. */
export const INDICATOR_AGGREGATES: Readonly<Record<string, AggregateDefinition>> = {
  count: { description: 'number of records with a value', descriptionZh: '有数值或等级的记录数' },
  sum: { description: 'sum of the numeric values', descriptionZh: '数值之和' },
  mean: { description: 'mean of the numeric values (0 when there are none)', descriptionZh: '数值的平均数（无数值时为0）' },
  latest: { description: 'the most recent numeric value (0 when there is none)', descriptionZh: '最近一次的数值（无数值时为0）' },
  highest: { description: 'the highest numeric value (0 when there is none)', descriptionZh: '最高数值（无数值时为0）' },
  lowest: { description: 'the lowest numeric value (0 when there is none)', descriptionZh: '最低数值（无数值时为0）' },
  mean_percent: { description: 'mean of value ÷ full marks × 100 over scored records (0 when none)', descriptionZh: '得分率（分数÷满分×100）的平均数（无分数时为0）' },
  markers: { description: 'number of records marked 缺考/免考/缓考', descriptionZh: '标记为缺考、免考或缓考的记录数' },
  absent: { description: 'number of records marked 缺考 (absent)', descriptionZh: '缺考记录数' },
  yes: { description: '1 when the most recent yes/no value is yes, else 0', descriptionZh: '最近一次“是/否”为“是”时为1，否则为0' },
  level_points: { description: "points of the most recent level, from the rule's level table (0 when none)", descriptionZh: '最近一次等级按规则的等级分值表折算的分数（无等级时为0）' },
};

/** Symbols of an activity rule: aggregates of the student's counted 写实记录 of the term. */
export const ACTIVITY_AGGREGATES: Readonly<Record<string, AggregateDefinition>> = {
  count: { description: 'number of activity records', descriptionZh: '写实记录条数' },
  sum_hours: { description: 'total hours of the activity records', descriptionZh: '写实记录时长合计（小时）' },
  count_awarded: { description: 'number of activity records with an award rank', descriptionZh: '有获奖等次的写实记录条数' },
};

/** Symbols of a fitness rule: the student's 国家学生体质健康标准 result of the term's school year. */
export const FITNESS_AGGREGATES: Readonly<Record<string, AggregateDefinition>> = {
  total: { description: 'the fitness year total (学年总分) of the school year of the term (0 when there is none)', descriptionZh: '本学期所在学年的体质健康学年总分（无成绩时为0）' },
  scored: { description: '1 when the school year has a fitness year total, else 0 (exempt, deferred, incomplete or not tested)', descriptionZh: '该学年有体质健康学年总分时为1，否则为0（免测、暂缓、缺项或未测）' },
  passed: { description: '1 when the fitness level of the year is 及格 or better, else 0', descriptionZh: '该学年体质健康等级为及格及以上时为1，否则为0' },
  level_points: { description: "points of the year's fitness level (优秀/良好/及格/不及格) from the rule's level table (0 when none)", descriptionZh: '该学年体质健康等级按规则的等级分值表折算的分数（无等级时为0）' },
};

/** The fitness levels a fitness rule's levelPoints may name. */
export const FITNESS_LEVELS: readonly string[] = ['优秀', '良好', '及格', '不及格'];

/** Aggregate functions of activity rules: one constant string argument from a fixed vocabulary. */
export const ACTIVITY_AGGREGATE_FUNCTIONS: Readonly<Record<string, AggregateDefinition & { readonly values: readonly string[]; readonly canonical: (raw: string) => string | undefined }>> = {
  count_level: { description: 'number of activity records at exactly this level', descriptionZh: '该级别的写实记录条数', values: ACTIVITY_LEVEL_CODES, canonical: canonicalActivityLevel },
  count_level_at_least: { description: 'number of activity records at this level or higher', descriptionZh: '该级别及以上的写实记录条数', values: ACTIVITY_LEVEL_CODES, canonical: canonicalActivityLevel },
  count_role: { description: 'number of activity records in this role', descriptionZh: '担任该角色的写实记录条数', values: ACTIVITY_ROLE_CODES, canonical: canonicalActivityRole },
};

/** Functions a formula may call, with their arity [min, max]. `if(c, a, b)` is `c ? a : b`. */
export const FORMULA_FUNCTIONS: Readonly<Record<string, readonly [number, number]>> = {
  min: [1, 20],
  max: [1, 20],
  round: [1, 2],
  abs: [1, 1],
  floor: [1, 1],
  ceil: [1, 1],
  if: [3, 3],
};

/** Operators (mathjs function names): arithmetic, comparisons, logic. */
export const FORMULA_OPERATORS: ReadonlySet<string> = new Set([
  'add', 'subtract', 'multiply', 'divide', 'unaryMinus', 'unaryPlus', 'pow', 'mod',
  'smaller', 'smallerEq', 'larger', 'largerEq', 'equal', 'unequal', 'and', 'or', 'not',
]);

/** The mathjs functions a compiled, validated formula can reach: the operators and FORMULA_FUNCTIONS but `if`. */
export const SANDBOX_CALLABLE: ReadonlySet<string> = new Set([...FORMULA_OPERATORS, ...Object.keys(FORMULA_FUNCTIONS).filter((name) => name !== 'if')]);

const NODE_TYPES = new Set(['ConstantNode', 'SymbolNode', 'OperatorNode', 'ParenthesisNode', 'ConditionalNode', 'FunctionNode', 'RelationalNode']);
const RELATIONAL = new Set(['smaller', 'smallerEq', 'larger', 'largerEq', 'equal', 'unequal']);

export const MAX_FORMULA_LENGTH = 500;
export const MAX_FORMULA_NODES = 200;
export const MAX_FORMULA_DEPTH = 40;

export type FormulaProblemCode = 'FORMULA_EMPTY' | 'FORMULA_TOO_LONG' | 'FORMULA_SYNTAX' | 'FORMULA_TOO_COMPLEX' | 'NODE_NOT_ALLOWED' | 'OPERATOR_NOT_ALLOWED' | 'FUNCTION_NOT_ALLOWED' | 'SYMBOL_NOT_ALLOWED' | 'CONSTANT_NOT_ALLOWED' | 'BAD_ARGUMENTS';

/** Why a formula was refused; `part` is the offending piece of the formula as written. */
export interface FormulaProblem {
  readonly code: FormulaProblemCode;
  readonly part: string;
  readonly message: string;
  readonly messageZh: string;
}

/** One top-level additive term of a formula. */
export interface FormulaTerm {
  /** The term as written (normalised by mathjs), without its sign. */
  readonly text: string;
  readonly sign: 1 | -1;
  /** Aggregate keys the term reads (see `aggregateKey`). */
  readonly inputs: readonly string[];
}

/** A validated formula: its terms and the aggregates it reads. Evaluate with `evaluateFormula`. */
export interface CheckedFormula {
  readonly text: string;
  readonly kind: FormulaSourceKind;
  readonly terms: readonly FormulaTerm[];
  readonly inputs: readonly string[];
  /** Compiled terms, same order as `terms`. Opaque. */
  readonly compiled: readonly { evaluate(scope: Map<string, number>): unknown }[];
}

export type FormulaCheck = { readonly ok: true; readonly formula: CheckedFormula } | { readonly ok: false; readonly problems: readonly FormulaProblem[] };

/**
 * The key of an aggregate: the symbol itself (`sum`), or for an aggregate function its name and
 * canonical argument joined by `__` (`count_level__city`) — the symbol the compiled term reads.
 */
export function aggregateKey(name: string, argument?: string): string {
  return argument === undefined ? name : `${name}__${argument}`;
}

/** What an aggregate key means, in English and Chinese. */
export function describeAggregate(key: string): AggregateDefinition {
  const [name, argument] = key.split('__');
  const fn = ACTIVITY_AGGREGATE_FUNCTIONS[name];
  if (fn && argument !== undefined) return { description: `${fn.description} (${argument})`, descriptionZh: `${fn.descriptionZh}（${argument}）` };
  return INDICATOR_AGGREGATES[name] ?? ACTIVITY_AGGREGATES[name] ?? FITNESS_AGGREGATES[name] ?? { description: key, descriptionZh: key };
}

/** What an aggregate key means in a rule of this kind (`level_points` and `count` mean different things per source). */
export function describeAggregateOf(kind: FormulaSourceKind, key: string): AggregateDefinition {
  if (kind === 'fitness' && Object.hasOwn(FITNESS_AGGREGATES, key)) return FITNESS_AGGREGATES[key];
  return describeAggregate(key);
}

/** The mathjs instance of the sandbox: parse plus the callable functions, nothing else by name. */
export function createSandboxMath(): MathJsInstance {
  return create(
    {
      parseDependencies,
      addDependencies,
      subtractDependencies,
      multiplyDependencies,
      divideDependencies,
      unaryMinusDependencies,
      unaryPlusDependencies,
      powDependencies,
      modDependencies,
      smallerDependencies,
      smallerEqDependencies,
      largerDependencies,
      largerEqDependencies,
      equalDependencies,
      unequalDependencies,
      andDependencies,
      orDependencies,
      notDependencies,
      minDependencies,
      maxDependencies,
      roundDependencies,
      absDependencies,
      floorDependencies,
      ceilDependencies,
    },
    // Plain IEEE doubles; `predictable` keeps every result a number (never a complex).
    { number: 'number', predictable: true },
  ) as MathJsInstance;
}

let sharedMath: MathJsInstance | undefined;
function sandboxMath(): MathJsInstance {
  sharedMath ??= createSandboxMath();
  return sharedMath;
}

/** Loosely typed view of mathjs nodes: only the fields the walker reads. */
interface AnyNode {
  readonly type: string;
  readonly name?: string;
  readonly op?: string;
  readonly fn?: string | AnyNode;
  readonly value?: unknown;
  readonly args?: readonly AnyNode[];
  readonly content?: AnyNode;
  readonly condition?: AnyNode;
  readonly trueExpr?: AnyNode;
  readonly falseExpr?: AnyNode;
  readonly params?: readonly AnyNode[];
  readonly conditionals?: readonly string[];
  readonly implicit?: boolean;
  toString(): string;
  transform(callback: (node: AnyNode) => AnyNode): AnyNode;
}

const short = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}…` : text);

/**
 * Validates a formula for a source kind. Never throws on user input; returns the problems (each
 * naming the offending part) or the checked formula.
 */
export function checkFormula(text: unknown, context: FormulaContext, options: { readonly math?: MathJsInstance } = {}): FormulaCheck {
  if (typeof text !== 'string' || text.trim() === '') return fail('FORMULA_EMPTY', '', 'the formula is empty', '公式为空');
  if (text.length > MAX_FORMULA_LENGTH) return fail('FORMULA_TOO_LONG', short(text), `the formula is longer than ${MAX_FORMULA_LENGTH} characters`, `公式超过${MAX_FORMULA_LENGTH}个字符`);
  // `options.math` lets tests hand in an instrumented instance made by createSandboxMath().
  const math = options.math ?? sandboxMath();
  let root: AnyNode;
  try {
    root = math.parse(text) as unknown as AnyNode;
  } catch (error) {
    const reason = error instanceof RangeError ? 'it is nested too deeply' : error instanceof Error ? error.message : String(error);
    return fail('FORMULA_SYNTAX', short(text), `the formula cannot be parsed: ${reason}`, `公式无法解析：${reason}`);
  }
  const problems: FormulaProblem[] = [];
  let nodes = 0;
  const walk = (node: AnyNode, depth: number): void => {
    nodes += 1;
    if (problems.length > 0) return;
    if (nodes > MAX_FORMULA_NODES || depth > MAX_FORMULA_DEPTH) {
      problems.push(problem('FORMULA_TOO_COMPLEX', short(text), `the formula has more than ${MAX_FORMULA_NODES} parts or is nested deeper than ${MAX_FORMULA_DEPTH}`, `公式超过${MAX_FORMULA_NODES}个组成部分或嵌套超过${MAX_FORMULA_DEPTH}层`));
      return;
    }
    const part = short(safeToString(node));
    if (!NODE_TYPES.has(node.type)) {
      problems.push(problem('NODE_NOT_ALLOWED', part, `"${part}" is not allowed: ${nodeTypeLabel(node.type)} (only numbers, aggregates, arithmetic, comparisons, min/max/round/abs/floor/ceil and if/?: may be used)`, `不允许“${part}”：${nodeTypeLabelZh(node.type)}（只能使用数字、汇总量、四则运算、比较、min/max/round/abs/floor/ceil 和 if/?:）`));
      return;
    }
    switch (node.type) {
      case 'ConstantNode': {
        if (typeof node.value !== 'number' || !Number.isFinite(node.value)) {
          problems.push(problem('CONSTANT_NOT_ALLOWED', part, `"${part}" is not allowed: only finite numbers may be written as constants`, `不允许“${part}”：常量只能是有限的数字`));
        }
        return;
      }
      case 'SymbolNode': {
        const name = node.name ?? '';
        if (!symbolAllowed(name, context)) problems.push(unknownSymbol(name, context));
        return;
      }
      case 'OperatorNode': {
        const fn = typeof node.fn === 'string' ? node.fn : '';
        if (!FORMULA_OPERATORS.has(fn)) {
          problems.push(problem('OPERATOR_NOT_ALLOWED', part, `operator "${node.op}" in "${part}" is not allowed (allowed: + - * / ^ % and comparisons, and, or, not)`, `不允许“${part}”中的运算符“${node.op}”（可用：+ - * / ^ %、比较运算、and、or、not）`));
          return;
        }
        for (const arg of node.args ?? []) walk(arg, depth + 1);
        return;
      }
      case 'RelationalNode': {
        const bad = (node.conditionals ?? []).find((c) => !RELATIONAL.has(c));
        if (bad) {
          problems.push(problem('OPERATOR_NOT_ALLOWED', part, `comparison "${bad}" in "${part}" is not allowed`, `不允许“${part}”中的比较“${bad}”`));
          return;
        }
        for (const param of node.params ?? []) walk(param, depth + 1);
        return;
      }
      case 'ParenthesisNode':
        walk(node.content!, depth + 1);
        return;
      case 'ConditionalNode':
        walk(node.condition!, depth + 1);
        walk(node.trueExpr!, depth + 1);
        walk(node.falseExpr!, depth + 1);
        return;
      case 'FunctionNode': {
        const fnNode = node.fn as AnyNode;
        if (typeof fnNode !== 'object' || fnNode.type !== 'SymbolNode') {
          problems.push(problem('FUNCTION_NOT_ALLOWED', part, `"${part}" is not allowed: only named functions may be called`, `不允许“${part}”：只能调用有名称的函数`));
          return;
        }
        const name = fnNode.name ?? '';
        const args = node.args ?? [];
        const aggregate = context.kind === 'activity' ? ACTIVITY_AGGREGATE_FUNCTIONS[name] : undefined;
        if (aggregate && Object.hasOwn(ACTIVITY_AGGREGATE_FUNCTIONS, name)) {
          const argument = args.length === 1 && args[0].type === 'ConstantNode' && typeof args[0].value === 'string' ? aggregate.canonical(args[0].value) : undefined;
          if (argument === undefined) {
            problems.push(problem('BAD_ARGUMENTS', part, `${name} takes one quoted value, one of ${aggregate.values.map((v) => `"${v}"`).join(', ')}: "${part}"`, `${name}只接受一个带引号的取值（${aggregate.values.map((v) => `"${v}"`).join('、')}之一）：“${part}”`));
          }
          return;
        }
        if (!Object.hasOwn(FORMULA_FUNCTIONS, name)) {
          const allowed = [...Object.keys(FORMULA_FUNCTIONS), ...(context.kind === 'activity' ? Object.keys(ACTIVITY_AGGREGATE_FUNCTIONS) : [])].join(', ');
          problems.push(problem('FUNCTION_NOT_ALLOWED', short(name), `function "${short(name)}" is not allowed (allowed: ${allowed})`, `不允许使用函数“${short(name)}”（可用：${allowed}）`));
          return;
        }
        const [least, most] = FORMULA_FUNCTIONS[name];
        if (args.length < least || args.length > most) {
          problems.push(problem('BAD_ARGUMENTS', part, `${name} takes ${least === most ? least : `${least}–${most}`} arguments: "${part}"`, `${name}需要${least === most ? least : `${least}–${most}`}个参数：“${part}”`));
          return;
        }
        for (const arg of args) walk(arg, depth + 1);
        return;
      }
    }
  };
  walk(root, 0);
  if (problems.length > 0) return { ok: false, problems };

  // Rewrite: if(c, a, b) → c ? a : b; aggregate calls → their key symbols. Only validated trees get here.
  const rewrite = (node: AnyNode): AnyNode => {
    if (node.type === 'FunctionNode' && typeof node.fn === 'object' && node.fn.type === 'SymbolNode') {
      const name = node.fn.name ?? '';
      if (name === 'if') {
        const [condition, whenTrue, whenFalse] = node.args!.map((arg) => arg.transform(rewrite));
        return new math.ConditionalNode(condition as unknown as MathNode, whenTrue as unknown as MathNode, whenFalse as unknown as MathNode) as unknown as AnyNode;
      }
      const aggregate = context.kind === 'activity' && Object.hasOwn(ACTIVITY_AGGREGATE_FUNCTIONS, name) ? ACTIVITY_AGGREGATE_FUNCTIONS[name] : undefined;
      if (aggregate) return new math.SymbolNode(aggregateKey(name, aggregate.canonical(String(node.args![0].value))!)) as unknown as AnyNode;
    }
    return node;
  };
  const rewritten = root.transform(rewrite);
  const termNodes: { node: AnyNode; sign: 1 | -1 }[] = [];
  const split = (node: AnyNode, sign: 1 | -1) => {
    if (node.type === 'OperatorNode' && node.fn === 'add' && node.args?.length === 2) {
      split(node.args[0], sign);
      split(node.args[1], sign);
    } else if (node.type === 'OperatorNode' && node.fn === 'subtract' && node.args?.length === 2) {
      split(node.args[0], sign);
      split(node.args[1], sign === 1 ? -1 : 1);
    } else termNodes.push({ node, sign });
  };
  split(rewritten, 1);
  const terms: FormulaTerm[] = [];
  const compiled: { evaluate(scope: Map<string, number>): unknown }[] = [];
  const allInputs = new Set<string>();
  for (const { node, sign } of termNodes) {
    const inputs = new Set<string>();
    node.transform((inner) => {
      if (inner.type === 'SymbolNode') inputs.add(inner.name!);
      return inner;
    });
    // A FunctionNode's callee is a SymbolNode too: keep only aggregate symbols.
    const aggregateInputs = [...inputs].filter((name) => isAggregateKey(name, context.kind)).sort();
    aggregateInputs.forEach((key) => allInputs.add(key));
    terms.push({ text: displayText(node), sign, inputs: aggregateInputs });
    compiled.push((node as unknown as MathNode).compile() as { evaluate(scope: Map<string, number>): unknown });
  }
  return { ok: true, formula: { text, kind: context.kind, terms, inputs: [...allInputs].sort(), compiled } };
}

/** The points of one term and of the whole formula for one student's aggregates. */
export interface FormulaEvaluation {
  readonly points: number;
  readonly terms: readonly { readonly points: number; readonly nonFinite: boolean }[];
}

/**
 * Evaluates a checked formula over aggregate values (every key of `formula.inputs` must be
 * present; a missing one is a programming error). Each term's value is a number (a comparison
 * counts 1/0); a non-finite term (division by zero …) counts 0 points and is flagged.
 */
export function evaluateFormula(formula: CheckedFormula, aggregates: ReadonlyMap<string, number>): FormulaEvaluation {
  const scope = new Map<string, number>();
  for (const key of formula.inputs) {
    const value = aggregates.get(key);
    if (value === undefined) throw new Error(`aggregate ${key} was not computed`);
    scope.set(key, value);
  }
  let points = 0;
  const terms = formula.compiled.map((compiled, index) => {
    const raw = compiled.evaluate(new Map(scope));
    const value = typeof raw === 'boolean' ? (raw ? 1 : 0) : typeof raw === 'number' ? raw : Number.NaN;
    const nonFinite = !Number.isFinite(value);
    const termPoints = nonFinite ? 0 : formula.terms[index].sign * value;
    points += termPoints;
    return { points: termPoints, nonFinite };
  });
  return { points, terms };
}

function isAggregateKey(name: string, kind: FormulaSourceKind): boolean {
  if (kind === 'indicator') return Object.hasOwn(INDICATOR_AGGREGATES, name);
  if (kind === 'fitness') return Object.hasOwn(FITNESS_AGGREGATES, name);
  if (Object.hasOwn(ACTIVITY_AGGREGATES, name)) return true;
  const [fn, argument] = name.split('__');
  return argument !== undefined && Object.hasOwn(ACTIVITY_AGGREGATE_FUNCTIONS, fn) && ACTIVITY_AGGREGATE_FUNCTIONS[fn].values.includes(argument);
}

function symbolAllowed(name: string, context: FormulaContext): boolean {
  if (context.kind === 'indicator') {
    if (!Object.hasOwn(INDICATOR_AGGREGATES, name)) return false;
    return name !== 'level_points' || context.hasLevelPoints;
  }
  if (context.kind === 'fitness') {
    if (!Object.hasOwn(FITNESS_AGGREGATES, name)) return false;
    return name !== 'level_points' || context.hasLevelPoints;
  }
  return Object.hasOwn(ACTIVITY_AGGREGATES, name);
}

function unknownSymbol(name: string, context: FormulaContext): FormulaProblem {
  const part = short(name);
  if (context.kind !== 'activity' && name === 'level_points') {
    return problem('SYMBOL_NOT_ALLOWED', part, 'level_points needs the rule\'s levelPoints table (points per level)', 'level_points 需要在规则中给出 levelPoints（各等级的分值）');
  }
  const names = Object.keys(context.kind === 'indicator' ? INDICATOR_AGGREGATES : context.kind === 'fitness' ? FITNESS_AGGREGATES : ACTIVITY_AGGREGATES).filter((n) => n !== 'level_points' || context.hasLevelPoints);
  const what = { indicator: ['an indicator', '指标'], activity: ['an activity', '写实记录'], fitness: ['a fitness', '体质健康'] }[context.kind];
  const functions = context.kind === 'activity' ? ` and ${Object.keys(ACTIVITY_AGGREGATE_FUNCTIONS).map((f) => `${f}("…")`).join(', ')}` : '';
  return problem(
    'SYMBOL_NOT_ALLOWED',
    part,
    `"${part}" is not an aggregate of ${what[0]} rule (allowed: ${names.join(', ')}${functions})`,
    `“${part}”不是${what[1]}规则可用的汇总量（可用：${names.join('、')}${functions ? `，以及${Object.keys(ACTIVITY_AGGREGATE_FUNCTIONS).map((f) => `${f}("…")`).join('、')}` : ''}）`,
  );
}

function displayText(node: AnyNode): string {
  // Show aggregate calls as written: count_level__city → count_level("city").
  return safeToString(node).replace(/\b([a-z_]+)__([a-z_]+)\b/g, (_, fn: string, arg: string) => `${fn}("${arg}")`);
}

function safeToString(node: AnyNode): string {
  try {
    return node.toString();
  } catch {
    return node.type;
  }
}

function nodeTypeLabel(type: string): string {
  const labels: Record<string, string> = {
    AssignmentNode: 'assignment',
    FunctionAssignmentNode: 'function definition',
    BlockNode: 'several statements',
    AccessorNode: 'property access or indexing',
    IndexNode: 'indexing',
    ArrayNode: 'arrays/matrices',
    ObjectNode: 'objects',
    RangeNode: 'ranges',
  };
  return labels[type] ?? type;
}

function nodeTypeLabelZh(type: string): string {
  const labels: Record<string, string> = {
    AssignmentNode: '赋值',
    FunctionAssignmentNode: '定义函数',
    BlockNode: '多条语句',
    AccessorNode: '属性访问或下标',
    IndexNode: '下标',
    ArrayNode: '数组/矩阵',
    ObjectNode: '对象',
    RangeNode: '区间',
  };
  return labels[type] ?? type;
}

function problem(code: FormulaProblemCode, part: string, message: string, messageZh: string): FormulaProblem {
  return { code, part, message, messageZh };
}

function fail(code: FormulaProblemCode, part: string, message: string, messageZh: string): FormulaCheck {
  return { ok: false, problems: [problem(code, part, message, messageZh)] };
}
