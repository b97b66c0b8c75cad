/**
 * Cell parsers for fitness CSVs as analysts write them: sex as M/F, 男/女 or GB/T 2261.1 codes
 * 1/2; run times in seconds or 分'秒" (3'55", 3′55″, 3’55”, 3:55, 3分55秒); 50 m times also as
 * 8"3 (= 8.3 s, a common sports-day notation); full-width digits. Each parser returns the value
 * or a message saying what was expected.
 */
import { FITNESS_GRADE_CODES, type FitnessGradeCode, type FitnessSex } from '../../scoring-core';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const GRADE_CODES: ReadonlySet<string> = new Set(FITNESS_GRADE_CODES);

/** Full-width digits, point, minus, colon and spaces to ASCII (Chinese input methods produce them). */
export function toHalfWidth(text: string): string {
  return text.replace(/[０-９．－：　]/g, (c) => (c === '　' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0))).trim();
}

/** Placeholders that mean "no result" in school spreadsheets. */
const EMPTY_MARKERS: ReadonlySet<string> = new Set(['', '-', '—', '–', '/', '／', '－']);

export function isEmptyCell(text: string): boolean {
  return text.length === 0 || EMPTY_MARKERS.has(text.trim());
}

export function parseGradeCode(text: string): Parsed<FitnessGradeCode> {
  if (GRADE_CODES.has(text)) return { ok: true, value: text as FitnessGradeCode };
  const code = toHalfWidth(text).toUpperCase();
  if (GRADE_CODES.has(code)) return { ok: true, value: code as FitnessGradeCode };
  return { ok: false, message: `grade_code ${JSON.stringify(text)} is not one of ${FITNESS_GRADE_CODES.join(', ')}` };
}

const MALE: Parsed<FitnessSex> = { ok: true, value: 'M' };
const FEMALE: Parsed<FitnessSex> = { ok: true, value: 'F' };

export function parseSex(text: string): Parsed<FitnessSex> {
  // Fast path for the exact spellings; anything else is normalised first.
  if (text === 'M' || text === '男' || text === '1') return MALE;
  if (text === 'F' || text === '女' || text === '2') return FEMALE;
  switch (toHalfWidth(text).toUpperCase()) {
    case 'M':
    case '男':
    case '1':
    case 'MALE':
      return MALE;
    case 'F':
    case '女':
    case '2':
    case 'FEMALE':
      return FEMALE;
    default:
      return { ok: false, message: `sex ${JSON.stringify(text)} is not M/F, 男/女 or 1/2` };
  }
}

const DECIMAL = /^[-+]?(\d+(\.\d*)?|\.\d+)$/;

/** A plain decimal number (cm, kg, ml, counts). */
export function parseDecimal(text: string): Parsed<number> {
  if (DECIMAL.test(text)) return { ok: true, value: Number(text) };
  const cleaned = toHalfWidth(text);
  if (DECIMAL.test(cleaned)) return { ok: true, value: Number(cleaned) };
  return { ok: false, message: `${JSON.stringify(text)} is not a number` };
}

const PLAIN_SECONDS = /^\d+(\.\d+)?$/;
const SECONDS = /^(\d+(?:\.\d+)?)"?$/;
const MINUTES_SECONDS = /^(\d+)'(\d{1,2}(?:\.\d+)?)(?:")?$/;
const MINUTES_ONLY = /^(\d+)'$/;
const SECONDS_TENTHS = /^(\d+)"(\d)$/;
const HOURS_MINUTES_SECONDS = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/;

/**
 * A run time in total seconds. Accepts 235, 235.5, 3'55", 3'55, 3′55″, 3’55”, 3:55, 3分55秒,
 * 3'55.5", 8"3 (= 8.3 s), 8秒3, 55秒, 4分 and Excel's h:mm:ss rendering 0:03:55. Seconds after
 * minutes must be below 60.
 */
export function parseRunSeconds(text: string): Parsed<number> {
  if (PLAIN_SECONDS.test(text)) return { ok: true, value: Number(text) };
  const cleaned = toHalfWidth(text)
    .replace(/\s+/g, '')
    .replace(/[′’‘`´]/g, "'")
    .replace(/''/g, '"')
    .replace(/[″”“]/g, '"')
    .replace(/"+/g, '"')
    .replace(/分/g, "'")
    .replace(/秒/g, '"')
    .replace(/^(\d+):(\d{1,2}(?:\.\d+)?)$/, "$1'$2");
  let match = SECONDS.exec(cleaned);
  if (match) return { ok: true, value: Number(match[1]) };
  match = MINUTES_SECONDS.exec(cleaned);
  if (match) {
    const seconds = Number(match[2]);
    if (seconds >= 60) return { ok: false, message: `${JSON.stringify(text)}: seconds must be below 60 after the minutes` };
    return { ok: true, value: Number(match[1]) * 60 + seconds };
  }
  match = MINUTES_ONLY.exec(cleaned);
  if (match) return { ok: true, value: Number(match[1]) * 60 };
  match = SECONDS_TENTHS.exec(cleaned);
  if (match) return { ok: true, value: Number(`${match[1]}.${match[2]}`) };
  match = HOURS_MINUTES_SECONDS.exec(cleaned);
  if (match) {
    const minutes = Number(match[2]);
    const seconds = Number(match[3]);
    if (minutes >= 60 || seconds >= 60) return { ok: false, message: `${JSON.stringify(text)} is not a valid h:mm:ss time` };
    return { ok: true, value: Number(match[1]) * 3600 + minutes * 60 + seconds };
  }
  return { ok: false, message: `${JSON.stringify(text)} is not a time: write seconds (235) or minutes and seconds (3'55", 3:55, 3分55秒)` };
}

/** Exemption kind: 免予执行 / 免测 / exempt, or 暂缓 / deferred. */
export function parseExemptionKind(text: string): Parsed<'exempt' | 'deferred'> {
  const cleaned = toHalfWidth(text).toLowerCase();
  if (['exempt', '免予执行', '免测', '免考', '免试'].includes(cleaned)) return { ok: true, value: 'exempt' };
  if (['deferred', '暂缓', '暂缓执行', '缓测'].includes(cleaned)) return { ok: true, value: 'deferred' };
  return { ok: false, message: `exemption ${JSON.stringify(text)} is not 免予执行 (exempt) or 暂缓 (deferred)` };
}

/** 测试类型: 正常 / normal (also an empty cell) or 补测 / retest. */
export function parseTestType(text: string): Parsed<'normal' | 'retest'> {
  const cleaned = toHalfWidth(text).trim().toLowerCase();
  if (['', '正常', '正常测试', 'normal'].includes(cleaned)) return { ok: true, value: 'normal' };
  if (['补测', 'retest', 'makeup', 'make-up'].includes(cleaned)) return { ok: true, value: 'retest' };
  return { ok: false, message: `test type ${JSON.stringify(text)} is not 正常 (normal) or 补测 (retest)` };
}
