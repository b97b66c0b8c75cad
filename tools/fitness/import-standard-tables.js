#!/usr/bin/env node
/*
 * Generates src/scoring-core/fitness/standard-2014.data.ts from the reference tables of the
 * 国家学生体质健康标准（2014年修订） in ../shared/reference/fitness-standard-2014 (ADR 0201).
 *
 *   node tools/fitness/import-standard-tables.js [--source DIR] [--check]
 *
 * The product never reads ../shared at run time: this script copies the numbers into a typed
 * data module that is committed with the code. It validates the tables before writing (every
 * table starts at 100 and is strictly monotonic in its direction, weights sum to 100 per group,
 * the weighted items are exactly the scored items, BMI bands tile the line in 0.1 steps, bonus
 * requirements equal the 100-point threshold ± the improvement) and records the SHA-256 of each
 * source file, so a changed source is visible in review. `--check` regenerates in memory and
 * exits 1 when the committed file differs (for CI or after the reference is updated).
 */
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');

const root = path.resolve(__dirname, '..', '..');
const args = process.argv.slice(2);
const sourceIndex = args.indexOf('--source');
const sourceDir = sourceIndex >= 0 ? path.resolve(args[sourceIndex + 1]) : path.resolve(root, '..', 'shared', 'reference', 'fitness-standard-2014');
const checkOnly = args.includes('--check');
const outFile = path.join(root, 'src', 'scoring-core', 'fitness', 'standard-2014.data.ts');

const GRADES = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'J1', 'J2', 'J3', 'S1', 'S2', 'S3', 'U12', 'U34'];
const SEXES = ['M', 'F'];
const SCORE_STEPS = [100, 95, 90, 85, 80, 78, 76, 74, 72, 70, 68, 66, 64, 62, 60, 50, 40, 30, 20, 10];

/** RFC 4180 reader: quoted fields, doubled quotes, CRLF or LF. Returns header + row objects. */
function readCsv(file) {
  const text = fs.readFileSync(path.join(sourceDir, file), 'utf8').replace(/^\uFEFF/, '');
  const records = [];
  let field = '';
  let record = [];
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 1; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { record.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      record.push(field); field = '';
      if (record.length > 1 || record[0] !== '') records.push(record);
      record = [];
    } else field += c;
  }
  if (field !== '' || record.length > 0) { record.push(field); records.push(record); }
  const [header, ...rows] = records;
  return rows.map((cells, index) => {
    if (cells.length !== header.length) fail(`${file} row ${index + 2}: ${cells.length} cells, header has ${header.length}`);
    return Object.fromEntries(header.map((name, column) => [name, cells[column]]));
  });
}

function sha256(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(path.join(sourceDir, file))).digest('hex');
}

function fail(message) {
  process.stderr.write(`import-standard-tables: ${message}\n`);
  process.exit(1);
}

function num(value, where) {
  if (value === '' || value === undefined) return null;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) fail(`${where}: not a number: ${JSON.stringify(value)}`);
  return parsed;
}

if (!fs.existsSync(sourceDir)) fail(`source directory not found: ${sourceDir}`);

const thresholds = readCsv('thresholds.csv');
const bmiBands = readCsv('bmi_bands.csv');
const weights = readCsv('weights.csv');
const bonus = readCsv('bonus.csv');
const grades = readCsv('grades.csv');

// ---- grades.csv: which items each grade × sex is scored on ----
const gradeRows = grades.map((row) => ({
  grade: row.grade_code,
  sex: row.sex,
  stage: row.stage,
  gradeNameZh: row.grade_name_zh,
  weightGroup: row.weight_group,
  scoredItems: row.scored_items.split(' ').filter(Boolean),
  bonusItems: row.bonus_items.split(' ').filter(Boolean),
}));
for (const g of GRADES) for (const s of SEXES) {
  if (gradeRows.filter((r) => r.grade === g && r.sex === s).length !== 1) fail(`grades.csv: expected exactly one row for ${g} ${s}`);
}

// ---- thresholds.csv → one table per grade × sex × item, in score-descending order ----
const itemNames = {};
const tableMap = new Map();
for (const [index, row] of thresholds.entries()) {
  const where = `thresholds.csv row ${index + 2}`;
  const key = `${row.grade_code}|${row.sex}|${row.item_code}`;
  itemNames[row.item_code] = row.item_name_zh;
  if (!tableMap.has(key)) tableMap.set(key, { grade: row.grade_code, sex: row.sex, item: row.item_code, direction: row.direction, unit: row.unit, scores: [], thresholds: [] });
  const table = tableMap.get(key);
  if (table.direction !== row.direction) fail(`${where}: direction changes inside ${key}`);
  const score = num(row.score, where);
  if (!SCORE_STEPS.includes(score)) fail(`${where}: ${score} is not a score step of the standard`);
  table.scores.push(score);
  table.thresholds.push(num(row.threshold, where));
}
const tables = [...tableMap.values()];
for (const t of tables) {
  const order = t.scores.map((score, i) => ({ score, threshold: t.thresholds[i] })).sort((a, b) => b.score - a.score);
  t.scores = order.map((o) => o.score);
  t.thresholds = order.map((o) => o.threshold);
  if (t.scores[0] !== 100) fail(`${t.grade} ${t.sex} ${t.item}: table does not start at 100`);
  for (let i = 1; i < t.scores.length; i += 1) {
    if (t.scores[i] === t.scores[i - 1]) fail(`${t.grade} ${t.sex} ${t.item}: duplicate step ${t.scores[i]}`);
    const better = t.direction === 'higher_better' ? t.thresholds[i - 1] > t.thresholds[i] : t.thresholds[i - 1] < t.thresholds[i];
    if (!better) fail(`${t.grade} ${t.sex} ${t.item}: not strictly monotonic at step ${t.scores[i]}`);
  }
}
for (const g of gradeRows) {
  const expected = g.scoredItems.filter((i) => i !== 'bmi').sort();
  const actual = tables.filter((t) => t.grade === g.grade && t.sex === g.sex).map((t) => t.item).sort();
  if (JSON.stringify(expected) !== JSON.stringify(actual)) fail(`${g.grade} ${g.sex}: tables ${actual} ≠ scored items ${expected}`);
}

// ---- bmi_bands.csv: 4 bands per grade × sex, tiling the line in 0.1 steps ----
const BAND_ORDER = ['underweight', 'normal', 'overweight', 'obese'];
const bmiTables = [];
for (const g of GRADES) for (const s of SEXES) {
  const rows = bmiBands.filter((r) => r.grade_code === g && r.sex === s)
    .sort((a, b) => BAND_ORDER.indexOf(a.band_code) - BAND_ORDER.indexOf(b.band_code));
  if (rows.map((r) => r.band_code).join() !== BAND_ORDER.join()) fail(`bmi_bands.csv: ${g} ${s} does not have the four bands`);
  const bands = rows.map((r) => ({ band: r.band_code, min: num(r.bmi_min, `bmi ${g} ${s}`), max: num(r.bmi_max, `bmi ${g} ${s}`), score: num(r.score, `bmi ${g} ${s}`) }));
  if (bands[0].min !== null || bands[3].max !== null) fail(`bmi_bands.csv: ${g} ${s} outer bands must be open`);
  for (let i = 1; i < 4; i += 1) {
    if (Math.round(bands[i].min * 10) - Math.round(bands[i - 1].max * 10) !== 1) fail(`bmi_bands.csv: ${g} ${s} gap between ${bands[i - 1].band} and ${bands[i].band} is not 0.1`);
  }
  bmiTables.push({ grade: g, sex: s, bands });
}

// ---- weights.csv: percent per item; sum 100; items = scored items ----
const weightTables = [];
for (const group of [...new Set(weights.map((w) => w.grade_group))]) for (const s of SEXES) {
  const rows = weights.filter((w) => w.grade_group === group && w.sex === s);
  const percent = Object.fromEntries(rows.map((r) => [r.item_code, num(r.weight_pct, `weights ${group}`)]));
  const sum = Object.values(percent).reduce((a, b) => a + b, 0);
  if (sum !== 100) fail(`weights.csv: ${group} ${s} sums to ${sum}`);
  const gradeCodes = rows[0].grade_codes.split(' ').filter(Boolean);
  weightTables.push({ group, sex: s, percent });
  for (const g of gradeRows.filter((r) => r.weightGroup === group && r.sex === s)) {
    if (JSON.stringify(Object.keys(percent).sort()) !== JSON.stringify([...g.scoredItems].sort())) fail(`weights.csv: ${group} ${s} items ≠ grades.csv scored items of ${g.grade}`);
  }
  void gradeCodes;
}
for (const g of gradeRows) if (!weightTables.some((w) => w.group === g.weightGroup && w.sex === g.sex)) fail(`no weights for ${g.grade} ${g.sex}`);

// ---- bonus.csv: one table per grade × sex × item; required = threshold_100 ± improvement ----
const bonusMap = new Map();
for (const [index, row] of bonus.entries()) {
  const where = `bonus.csv row ${index + 2}`;
  const key = `${row.grade_code}|${row.sex}|${row.item_code}`;
  if (!bonusMap.has(key)) bonusMap.set(key, { grade: row.grade_code, sex: row.sex, item: row.item_code, direction: row.direction, threshold100: num(row.threshold_100, where), maxBonus: num(row.max_bonus_item, where), points: [], improvements: [], required: [] });
  const b = bonusMap.get(key);
  const improvement = num(row.improvement, where);
  const required = num(row.required_performance, where);
  const expected = b.direction === 'higher_better' ? b.threshold100 + improvement : b.threshold100 - improvement;
  if (required !== expected) fail(`${where}: required ${required} ≠ threshold_100 ± improvement = ${expected}`);
  const table = tableMap.get(key);
  if (!table || table.thresholds[0] !== b.threshold100) fail(`${where}: threshold_100 disagrees with thresholds.csv`);
  b.points.push(num(row.bonus_points, where));
  b.improvements.push(improvement);
  b.required.push(required);
}
const bonusTables = [...bonusMap.values()];
for (const b of bonusTables) {
  const order = b.points.map((p, i) => i).sort((x, y) => b.points[y] - b.points[x]);
  b.points = order.map((i) => b.points[i]);
  b.improvements = order.map((i) => b.improvements[i]);
  b.required = order.map((i) => b.required[i]);
  if (b.points[0] !== b.maxBonus) fail(`bonus ${b.grade} ${b.sex} ${b.item}: top step ${b.points[0]} ≠ max ${b.maxBonus}`);
  for (let i = 1; i < b.points.length; i += 1) if (!(b.improvements[i] < b.improvements[i - 1])) fail(`bonus ${b.grade} ${b.sex} ${b.item}: not strictly monotonic`);
}
for (const g of gradeRows) {
  const actual = bonusTables.filter((b) => b.grade === g.grade && b.sex === g.sex).map((b) => b.item).sort();
  if (JSON.stringify(actual) !== JSON.stringify([...g.bonusItems].sort())) fail(`${g.grade} ${g.sex}: bonus tables ≠ bonus items`);
}

// ---- emit ----
const FILES = ['thresholds.csv', 'bmi_bands.csv', 'weights.csv', 'bonus.csv', 'grades.csv', 'README.md'];
const rowCounts = { 'thresholds.csv': thresholds.length, 'bmi_bands.csv': bmiBands.length, 'weights.csv': weights.length, 'bonus.csv': bonus.length, 'grades.csv': grades.length };
const j = (v) => JSON.stringify(v).replace(/"/g, "'");
const lines = [];
lines.push(
  '/*',
  ' * GENERATED by tools/fitness/import-standard-tables.js — do not edit by hand; re-run the script.',
  ' *',
  ' * 国家学生体质健康标准（2014年修订）, issued with 教体艺〔2014〕5号. Numbers copied from the',
  ' * reference tables in shared/reference/fitness-standard-2014 (their README, §7, lists the public',
  ' * sources — compass = Bitzac/Project-Uno d1ad3f45, polaris = Polaris-cn/physical-test-calculator',
  ' * f5fe7827 — and the cross-check of every cell against the standard\'s own Word text). See',
  ' * docs/adr/0201-fitness-standard-tables.md. Runs are in total seconds, lengths in cm, BMI in kg/m².',
  ' */',
  '',
  "import type { FitnessStandardData } from './fitness-standard-types';",
  '',
  'export const FITNESS_STANDARD_2014: FitnessStandardData = {',
  "  id: 'gb-student-fitness-2014',",
  "  title: '国家学生体质健康标准（2014年修订）',",
  "  issuedBy: '教育部 教体艺〔2014〕5号',",
  '  provenance: {',
  "    sourceDirectory: 'shared/reference/fitness-standard-2014',",
  `    sources: ${j(['compass: github.com/Bitzac/Project-Uno compass/src/refdata.js @ d1ad3f45157e85d59b5e2b65aa9b3ec67ce0758b (P1–S3)', 'polaris: github.com/Polaris-cn/physical-test-calculator src/standard/*.json @ f5fe7827bf5db4e5af81b8c8bdee2c587352a95a (U12, U34, bonus), MIT', 'checked cell by cell against the text of the standard (bytesflies/strpt Doc/国家学生体质健康标准(2)(1).doc @ af72a390): no disagreement'])},`,
  '    sha256: {',
  ...FILES.map((f) => `      '${f}': '${sha256(f)}',`),
  '    },',
  `    rowCounts: ${j(rowCounts)},`,
  '  },',
  `  itemNamesZh: ${j(itemNames)},`,
  '  grades: [',
  ...gradeRows.map((g) => `    { grade: '${g.grade}', sex: '${g.sex}', stage: '${g.stage}', gradeNameZh: '${g.gradeNameZh}', weightGroup: '${g.weightGroup}', scoredItems: ${j(g.scoredItems)}, bonusItems: ${j(g.bonusItems)} },`),
  '  ],',
  '  weights: [',
  ...weightTables.map((w) => `    { group: '${w.group}', sex: '${w.sex}', percent: ${j(w.percent).replace(/'(\w+)':/g, '$1: ')} },`),
  '  ],',
  '  // One table per grade × sex × item, steps in score-descending order (100 first). threshold = the',
  '  // minimum result for higher_better items, the slowest time for lower_better ones (README §4).',
  '  itemTables: [',
  ...tables.map((t) => `    { grade: '${t.grade}', sex: '${t.sex}', item: '${t.item}', direction: '${t.direction}', scores: ${j(t.scores)}, thresholds: ${j(t.thresholds)} },`),
  '  ],',
  '  // Inclusive one-decimal bounds; null = open (README §3).',
  '  bmiTables: [',
  ...bmiTables.map((b) => `    { grade: '${b.grade}', sex: '${b.sex}', bands: [${b.bands.map((x) => `{ band: '${x.band}', min: ${x.min}, max: ${x.max}, score: ${x.score} }`).join(', ')}] },`),
  '  ],',
  '  // required = threshold100 + improvement (counts) or − improvement (times); points descending (README §6).',
  '  bonusTables: [',
  ...bonusTables.map((b) => `    { grade: '${b.grade}', sex: '${b.sex}', item: '${b.item}', direction: '${b.direction}', threshold100: ${b.threshold100}, points: ${j(b.points)}, improvements: ${j(b.improvements)}, required: ${j(b.required)} },`),
  '  ],',
  '};',
  '',
);
const output = lines.join('\n');
if (checkOnly) {
  const current = fs.existsSync(outFile) ? fs.readFileSync(outFile, 'utf8') : '';
  if (current !== output) fail(`${path.relative(root, outFile)} is out of date: re-run without --check`);
  process.stdout.write(`${path.relative(root, outFile)} matches ${sourceDir}\n`);
} else {
  fs.writeFileSync(outFile, output);
  process.stdout.write(`wrote ${path.relative(root, outFile)}: ${tables.length} item tables, ${bmiTables.length} BMI tables, ${weightTables.length} weight tables, ${bonusTables.length} bonus tables\n`);
}
