import fc from 'fast-check';
import type { MathJsInstance } from 'mathjs';
import {
  ACTIVITY_AGGREGATES,
  ACTIVITY_AGGREGATE_FUNCTIONS,
  checkFormula,
  createSandboxMath,
  evaluateFormula,
  type FormulaContext,
  INDICATOR_AGGREGATES,
  MAX_FORMULA_DEPTH,
  MAX_FORMULA_LENGTH,
  MAX_FORMULA_NODES,
  SANDBOX_CALLABLE,
} from './formula-sandbox';

const INDICATOR: FormulaContext = { kind: 'indicator', hasLevelPoints: true };
const ACTIVITY: FormulaContext = { kind: 'activity', hasLevelPoints: false };

function accepted(text: string, context: FormulaContext = INDICATOR) {
  const result = checkFormula(text, context);
  if (!result.ok) throw new Error(`expected ${text} to be accepted: ${JSON.stringify(result.problems)}`);
  return result.formula;
}

function evaluate(text: string, values: Record<string, number>, context: FormulaContext = INDICATOR) {
  const formula = accepted(text, context);
  return evaluateFormula(formula, new Map(Object.entries(values)));
}

/**
 * A sandbox instance whose every function-valued property records its name when called: what
 * a compiled formula reaches by name (internal calls between mathjs functions are bound at
 * creation and do not pass through the instance).
 */
function instrumentedMath(): { math: MathJsInstance; called: Set<string> } {
  const math = createSandboxMath();
  const called = new Set<string>();
  const target = math as unknown as Record<string, unknown>;
  // mathjs resolves factories lazily: touch every property first so the functions' own
  // dependencies are bound to the originals, then wrap what the instance exposes by name.
  for (const name of Object.keys(target)) void target[name];
  for (const name of Object.keys(target)) {
    const original = target[name];
    if (typeof original !== 'function' || /^[A-Z]/.test(name)) continue; // constructors (node classes, BigNumber …) stay as they are
    const wrapped = function (this: unknown, ...args: unknown[]) {
      called.add(name);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
    Object.assign(wrapped, original);
    target[name] = wrapped;
  }
  return { math, called };
}

/** What "outside the sandbox" a formula could touch: global names and values, prototypes. */
function worldSnapshot() {
  const globals = Object.getOwnPropertyNames(globalThis).sort();
  const values = new Map(globals.map((name) => [name, (globalThis as Record<string, unknown>)[name]]));
  return {
    globals,
    values,
    objectProto: Object.getOwnPropertyNames(Object.prototype).sort(),
    functionProto: Object.getOwnPropertyNames(Function.prototype).sort(),
    arrayProto: Object.getOwnPropertyNames(Array.prototype).sort(),
    stringProto: Object.getOwnPropertyNames(String.prototype).sort(),
  };
}

function expectWorldUnchanged(before: ReturnType<typeof worldSnapshot>) {
  const after = worldSnapshot();
  expect(after.globals).toEqual(before.globals);
  for (const [name, value] of before.values) {
    if (name === 'globalThis' || name === 'global') continue;
    if (!Object.is((globalThis as Record<string, unknown>)[name], value)) throw new Error(`global ${name} was replaced`);
  }
  expect(after.objectProto).toEqual(before.objectProto);
  expect(after.functionProto).toEqual(before.functionProto);
  expect(after.arrayProto).toEqual(before.arrayProto);
  expect(after.stringProto).toEqual(before.stringProto);
}

describe('formula sandbox: what formulas may do', () => {
  it('evaluates arithmetic, min/max/round, comparisons and conditionals over aggregates', () => {
    expect(evaluate('min(sum / 2, 20)', { sum: 50 }).points).toBe(20);
    expect(evaluate('min(sum / 2, 20)', { sum: 13 }).points).toBe(6.5);
    expect(evaluate('round(mean, 1) + max(latest, 3)', { mean: 2.345, latest: 1 }).points).toBeCloseTo(5.3, 12);
    expect(evaluate('count > 2 ? 10 : 0', { count: 3 }).points).toBe(10);
    expect(evaluate('if(count > 2, 10, 0)', { count: 2 }).points).toBe(0);
    expect(evaluate('(count >= 1) * 5', { count: 1 }).points).toBe(5);
    expect(evaluate('abs(lowest - highest) + floor(2.7) + ceil(0.2)', { lowest: 1, highest: 4 }).points).toBe(6);
    expect(evaluate('2 ^ 3 + 7 % 4', {}).points).toBe(11);
    expect(evaluate('count > 0 and markers == 0 or not yes', { count: 1, markers: 0, yes: 1 }).points).toBe(1);
  });

  it('splits the top level into additive terms, each with its points and inputs', () => {
    const formula = accepted('min(sum, 40) / 2 + (count > 0 ? 3 : 0) - 5 * absent');
    expect(formula.terms.map((t) => [t.text, t.sign, t.inputs])).toEqual([
      ['min(sum, 40) / 2', 1, ['sum']],
      ['((count > 0) ? 3 : 0)', 1, ['count']],
      ['5 * absent', -1, ['absent']],
    ]);
    const result = evaluateFormula(formula, new Map([['sum', 30], ['count', 2], ['absent', 1]]));
    expect(result.terms.map((t) => t.points)).toEqual([15, 3, -5]);
    expect(result.points).toBe(13);
  });

  it('reads activity aggregates, aggregate functions with Chinese or English arguments, and rewrites them to symbols', () => {
    const formula = accepted('2 * count + 3 * count_level_at_least("区县级") + if(count_role("organiser") > 0, 5, 0) + sum_hours / 10', ACTIVITY);
    expect(formula.inputs).toEqual(['count', 'count_level_at_least__district', 'count_role__organiser', 'sum_hours']);
    expect(formula.terms[1].text).toBe('3 * count_level_at_least("district")');
    const result = evaluateFormula(formula, new Map([['count', 4], ['count_level_at_least__district', 2], ['count_role__organiser', 1], ['sum_hours', 25]]));
    expect(result.points).toBe(8 + 6 + 5 + 2.5);
  });

  it('counts a non-finite term as 0 and flags it', () => {
    const result = evaluate('sum / count + 1', { sum: 0, count: 0 });
    expect(result.terms).toEqual([{ points: 0, nonFinite: true }, { points: 1, nonFinite: false }]);
    expect(result.points).toBe(1);
  });
});

describe('formula sandbox: what is refused at save time, naming the offending part', () => {
  const refused: [string, FormulaContext, string, string][] = [
    ['import({x: 1}, {override: true})', INDICATOR, 'FUNCTION_NOT_ALLOWED', 'import'],
    ['createUnit("foo")', INDICATOR, 'FUNCTION_NOT_ALLOWED', 'createUnit'],
    ['evaluate("1 + 1")', INDICATOR, 'FUNCTION_NOT_ALLOWED', 'evaluate'],
    ['parse("1").compile().evaluate()', INDICATOR, 'FUNCTION_NOT_ALLOWED', 'parse("1").compile().evaluate()'],
    ['simplify("x")', INDICATOR, 'FUNCTION_NOT_ALLOWED', 'simplify'],
    ['config({number: "BigNumber"})', INDICATOR, 'FUNCTION_NOT_ALLOWED', 'config'],
    ['typed("x", {})', INDICATOR, 'FUNCTION_NOT_ALLOWED', 'typed'],
    ['chain(3)', INDICATOR, 'FUNCTION_NOT_ALLOWED', 'chain'],
    ['ones(100000, 100000)', INDICATOR, 'FUNCTION_NOT_ALLOWED', 'ones'],
    ['sum = 1', INDICATOR, 'NODE_NOT_ALLOWED', 'sum = 1'],
    ['f(x) = x + 1', INDICATOR, 'NODE_NOT_ALLOWED', 'f(x) = x + 1'],
    ['a = 1; a', INDICATOR, 'NODE_NOT_ALLOWED', 'a = 1;\na'],
    ['cos.constructor("return process")()', INDICATOR, 'FORMULA_SYNTAX', ''],
    ['cos.constructor("return process")', INDICATOR, 'FUNCTION_NOT_ALLOWED', 'cos.constructor("return process")'],
    ['sum.constructor', INDICATOR, 'NODE_NOT_ALLOWED', 'sum.constructor'],
    ['sum["__proto__"]', INDICATOR, 'NODE_NOT_ALLOWED', 'sum["__proto__"]'],
    ['[1, 2, 3]', INDICATOR, 'NODE_NOT_ALLOWED', '[1, 2, 3]'],
    ['{a: 1}', INDICATOR, 'NODE_NOT_ALLOWED', '{"a": 1}'],
    ['1:1000000000', INDICATOR, 'NODE_NOT_ALLOWED', '1:1e+9'],
    ['5 cm + 2 inch', INDICATOR, 'SYMBOL_NOT_ALLOWED', 'cm'],
    ['sum to inch', INDICATOR, 'OPERATOR_NOT_ALLOWED', 'sum to inch'],
    ['3!', INDICATOR, 'OPERATOR_NOT_ALLOWED', '3!'],
    ["count'", INDICATOR, 'OPERATOR_NOT_ALLOWED', "count'"],
    ['"text"', INDICATOR, 'CONSTANT_NOT_ALLOWED', '"text"'],
    ['true + 1', INDICATOR, 'CONSTANT_NOT_ALLOWED', 'true'],
    ['null', INDICATOR, 'CONSTANT_NOT_ALLOWED', 'null'],
    ['pi * 2', INDICATOR, 'SYMBOL_NOT_ALLOWED', 'pi'],
    ['process', INDICATOR, 'SYMBOL_NOT_ALLOWED', 'process'],
    ['globalThis', INDICATOR, 'SYMBOL_NOT_ALLOWED', 'globalThis'],
    ['sum_hours', INDICATOR, 'SYMBOL_NOT_ALLOWED', 'sum_hours'],
    ['mean', ACTIVITY, 'SYMBOL_NOT_ALLOWED', 'mean'],
    ['count_level("moon")', ACTIVITY, 'BAD_ARGUMENTS', 'count_level("moon")'],
    ['count_level(count)', ACTIVITY, 'BAD_ARGUMENTS', 'count_level(count)'],
    ['count_level("city")', INDICATOR, 'FUNCTION_NOT_ALLOWED', 'count_level'],
    ['round(1, 2, 3)', INDICATOR, 'BAD_ARGUMENTS', 'round(1, 2, 3)'],
    ['if(count, 1)', INDICATOR, 'BAD_ARGUMENTS', 'if(count, 1)'],
    ['min', INDICATOR, 'SYMBOL_NOT_ALLOWED', 'min'],
    ['', INDICATOR, 'FORMULA_EMPTY', ''],
    ['1 +', INDICATOR, 'FORMULA_SYNTAX', '1 +'],
    [`${'('.repeat(50)}1${')'.repeat(50)}`, INDICATOR, 'FORMULA_TOO_COMPLEX', ''],
    [Array.from({ length: 120 }, () => '1').join('+'), INDICATOR, 'FORMULA_TOO_COMPLEX', ''],
    ['1+'.repeat(300) + '1', INDICATOR, 'FORMULA_TOO_LONG', ''],
  ];

  it.each(refused.map(([text, ...rest]) => [text.length > 60 ? `${text.slice(0, 40)}… (${text.length} characters)` : text, text, ...rest] as const))('refuses %s', (_label, text, context, code, part) => {
    const result = checkFormula(text, context);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0].code).toBe(code);
    if (part !== '') expect(result.problems[0].part).toBe(part);
    expect(result.problems[0].message).toEqual(expect.any(String));
    expect(result.problems[0].messageZh).toMatch(/[\u4e00-\u9fff]/);
  });

  it('refuses level_points without a level table, and non-strings', () => {
    expect(checkFormula('level_points', { kind: 'indicator', hasLevelPoints: false })).toMatchObject({ ok: false, problems: [{ code: 'SYMBOL_NOT_ALLOWED', part: 'level_points' }] });
    expect(checkFormula(42, INDICATOR)).toMatchObject({ ok: false, problems: [{ code: 'FORMULA_EMPTY' }] });
  });

  it('keeps its limits within what a bureau needs', () => {
    expect(MAX_FORMULA_LENGTH).toBeGreaterThanOrEqual(200);
    expect(MAX_FORMULA_NODES).toBeGreaterThanOrEqual(50);
    expect(MAX_FORMULA_DEPTH).toBeGreaterThanOrEqual(10);
  });
});

// ───────────── property tests ─────────────

/** A generated expression: its text, whether it uses anything outside the allow-list, and its node count. */
interface Generated {
  readonly text: string;
  readonly dangerous: boolean;
  readonly nodes: number;
}

const SAFE_SYMBOLS = Object.keys(INDICATOR_AGGREGATES);
const DANGEROUS_NAMES = [
  'import', 'createUnit', 'evaluate', 'parse', 'compile', 'simplify', 'derivative', 'config', 'typed', 'reviver', 'chain', 'help', 'unit', 'ones', 'zeros', 'range',
  'constructor', '__proto__', 'prototype', 'process', 'globalThis', 'global', 'require', 'Function', 'eval', 'this', 'toString', 'valueOf', 'hasOwnProperty',
  'pi', 'e', 'Infinity', 'NaN', 'x', 'sum_hours', 'count_level', 'cm', 'inch', 'i', 'Math', 'console',
];

const leafSafe: fc.Arbitrary<Generated> = fc.oneof(
  fc.integer({ min: 0, max: 1000 }).map((n) => ({ text: String(n), dangerous: false, nodes: 1 })),
  fc.integer({ min: 0, max: 9999 }).map((n) => ({ text: (n / 100).toFixed(2), dangerous: false, nodes: 1 })),
  fc.constantFrom(...SAFE_SYMBOLS).map((s) => ({ text: s, dangerous: false, nodes: 1 })),
);
const leafDangerous: fc.Arbitrary<Generated> = fc.oneof(
  fc.constantFrom(...DANGEROUS_NAMES).map((s) => ({ text: s, dangerous: true, nodes: 1 })),
  fc.constantFrom('"abc"', "'x'", 'true', 'false', 'null', 'undefined', '[1, 2]', '{a: 1}', '1:3', '5 cm').map((s) => ({ text: s, dangerous: true, nodes: 1 })),
);

const SAFE_BINARY = ['+', '-', '*', '/', '^', '%', '<', '<=', '>', '>=', '==', '!=', 'and', 'or'];
const DANGEROUS_BINARY = ['=', ':', ';', 'to', 'in', '.*', './', '|', '&', '<<', '>>', 'xor'];
const SAFE_FUNCTIONS: [string, number, number][] = [['min', 1, 3], ['max', 1, 3], ['round', 1, 2], ['abs', 1, 1], ['floor', 1, 1], ['ceil', 1, 1], ['if', 3, 3]];
const DANGEROUS_FUNCTIONS = ['import', 'createUnit', 'evaluate', 'parse', 'simplify', 'config', 'typed', 'chain', 'ones', 'zeros', 'range', 'sqrt', 'log', 'sum', 'count', 'eval', 'Function', 'constructor', 'toString', 'f'];

const expression: fc.Arbitrary<Generated> = fc.letrec<{ expr: Generated }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafSafe,
    leafSafe,
    leafDangerous,
    fc.record({ op: fc.constantFrom(...SAFE_BINARY, ...DANGEROUS_BINARY), left: tie('expr'), right: tie('expr') }).map(({ op, left, right }) => ({
      text: `(${left.text} ${op} ${right.text})`,
      dangerous: left.dangerous || right.dangerous || DANGEROUS_BINARY.includes(op),
      nodes: left.nodes + right.nodes + 2,
    })),
    fc.record({ op: fc.constantFrom('-', '+', 'not ', '!', "'"), arg: tie('expr') }).map(({ op, arg }) =>
      op === '!' || op === "'" ? { text: `(${arg.text})${op}`, dangerous: true, nodes: arg.nodes + 2 } : { text: `(${op}${arg.text})`, dangerous: arg.dangerous, nodes: arg.nodes + 2 },
    ),
    fc.record({ c: tie('expr'), a: tie('expr'), b: tie('expr') }).map(({ c, a, b }) => ({ text: `(${c.text} ? ${a.text} : ${b.text})`, dangerous: c.dangerous || a.dangerous || b.dangerous, nodes: c.nodes + a.nodes + b.nodes + 2 })),
    fc.record({ fn: fc.constantFrom(...SAFE_FUNCTIONS), args: fc.array(tie('expr'), { minLength: 1, maxLength: 3 }) }).map(({ fn: [name, least, most], args }) => ({
      text: `${name}(${args.map((a) => a.text).join(', ')})`,
      dangerous: args.some((a) => a.dangerous) || args.length < least || args.length > most,
      nodes: args.reduce((n, a) => n + a.nodes, 2),
    })),
    fc.record({ fn: fc.constantFrom(...DANGEROUS_FUNCTIONS), args: fc.array(tie('expr'), { maxLength: 2 }) }).map(({ fn, args }) => ({
      text: `${fn}(${args.map((a) => a.text).join(', ')})`,
      dangerous: true,
      nodes: args.reduce((n, a) => n + a.nodes, 2),
    })),
    fc.record({ object: tie('expr'), property: fc.constantFrom('constructor', '__proto__', 'prototype', 'toString', 'call', 'apply', 'bind', 'valueOf', 'length') }).map(({ object, property }) => ({
      text: `(${object.text}).${property}`,
      dangerous: true,
      nodes: object.nodes + 2,
    })),
    fc.record({ object: tie('expr'), index: tie('expr') }).map(({ object, index }) => ({ text: `(${object.text})[${index.text}]`, dangerous: true, nodes: object.nodes + index.nodes + 2 })),
    fc.record({ name: fc.constantFrom('a', 'sum', 'count', 'f(x)', 'import'), value: tie('expr') }).map(({ name, value }) => ({ text: `(${name} = ${value.text})`, dangerous: true, nodes: value.nodes + 2 })),
    fc.array(tie('expr'), { minLength: 1, maxLength: 3 }).map((items) => ({ text: `[${items.map((i) => i.text).join(', ')}]`, dangerous: true, nodes: items.reduce((n, i) => n + i.nodes, 1) })),
  ),
})).expr;

/** Random text over tokens of the formula language and of attacks, including broken syntax. */
const tokenSoup = fc
  .array(
    fc.constantFrom(
      ...SAFE_SYMBOLS, ...DANGEROUS_NAMES, ...DANGEROUS_FUNCTIONS, 'min', 'max', 'round', 'if', 'count_level', 'count_role',
      '(', ')', '[', ']', '{', '}', ',', '.', ';', ':', '=', '?', '+', '-', '*', '/', '^', '%', '!', "'", '"', '<', '>', '==', 'and', 'or', 'not', 'to',
      '0', '1', '2.5', '1e308', '1e-3', '0x1F', '"city"', '"constructor"', '"__proto__"', ' ', '\n', '#', '@', '$', '\\', '`',
    ),
    { maxLength: 25 },
  )
  .map((tokens) => tokens.join(' '));

describe('formula sandbox: property tests', () => {
  const aggregatesFor = fc.dictionary(fc.constantFrom(...SAFE_SYMBOLS), fc.oneof(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), fc.integer({ min: 0, max: 50 })));

  // One instrumented instance for all runs (creating a mathjs instance is the slow part).
  const { math, called } = instrumentedMath();
  const ownKeys = Object.keys(math).sort();

  function checkAndRun(text: string, values: Record<string, number>) {
    const before = worldSnapshot();
    const result = checkFormula(text, INDICATOR, { math });
    if (result.ok) {
      for (const input of result.formula.inputs) expect(SAFE_SYMBOLS).toContain(input);
      const aggregates = new Map(result.formula.inputs.map((key) => [key, values[key] ?? 0]));
      called.clear(); // parsing wires up events (math.on); what matters is what the formula calls
      const evaluation = evaluateFormula(result.formula, aggregates);
      expect(typeof evaluation.points).toBe('number');
      expect(Number.isFinite(evaluation.points)).toBe(true);
      for (const name of called) if (!SANDBOX_CALLABLE.has(name)) throw new Error(`${text} called ${name}, which is not on the allow-list`);
    } else {
      expect(result.problems.length).toBeGreaterThan(0);
      for (const p of result.problems) {
        expect(p.message.length).toBeGreaterThan(0);
        expect(p.messageZh.length).toBeGreaterThan(0);
      }
    }
    expect(Object.keys(math).sort()).toEqual(ownKeys); // nothing imported into the instance
    expectWorldUnchanged(before);
    return result;
  }

  it('generated expressions: dangerous ones are refused, safe ones evaluate, and nothing outside the allow-list runs', () => {
    fc.assert(
      fc.property(expression, aggregatesFor, (generated, values) => {
        const result = checkAndRun(generated.text, values);
        if (generated.dangerous) {
          if (result.ok) throw new Error(`dangerous expression accepted: ${generated.text}`);
        } else if (generated.nodes <= MAX_FORMULA_NODES && generated.text.length <= MAX_FORMULA_LENGTH) {
          if (!result.ok) throw new Error(`safe expression refused: ${generated.text}: ${JSON.stringify(result.problems)}`);
        }
      }),
      { numRuns: 600, seed: 20261129 },
    );
  });

  it('random token soup never throws, and whatever it accepts evaluates inside the sandbox', () => {
    fc.assert(
      fc.property(tokenSoup, aggregatesFor, (text, values) => {
        checkAndRun(text, values);
      }),
      { numRuns: 1000, seed: 7 },
    );
  });

  it('arbitrary strings never throw', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        checkAndRun(text, {});
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it('activity formulas: aggregate functions accept only their vocabulary', () => {
    const activityKeys = [...Object.keys(ACTIVITY_AGGREGATES)];
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(ACTIVITY_AGGREGATE_FUNCTIONS)), fc.oneof(fc.constantFrom('school', 'district', 'city', 'province', 'national', 'organiser', 'participant', 'main_participant', '市级', '主持策划者'), fc.string({ maxLength: 12 })), (fn, argument) => {
        const text = `${fn}(${JSON.stringify(argument)}) + count`;
        const result = checkFormula(text, ACTIVITY);
        const valid = ACTIVITY_AGGREGATE_FUNCTIONS[fn].canonical(argument) !== undefined;
        expect(result.ok).toBe(valid);
        if (result.ok) {
          const values = new Map(result.formula.inputs.map((key) => [key, 2]));
          expect(evaluateFormula(result.formula, values).points).toBe(4);
          for (const key of result.formula.inputs) expect(activityKeys.includes(key) || key.startsWith(`${fn}__`)).toBe(true);
        }
      }),
      { numRuns: 500, seed: 3 },
    );
  });
});
