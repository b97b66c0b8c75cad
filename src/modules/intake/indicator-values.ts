import { parseRunTime } from '../imports/pipeline/parse-values';
import { MARKER_ALIASES, type Marker, type ValueType } from './dimensions';

/** What the value rules need to know about an indicator (loaded from the catalogue). */
export interface IndicatorRule {
  readonly id: string;
  readonly code: string;
  readonly dimension: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly valueType: ValueType;
  readonly unit: string | null;
  readonly minValue: number | null;
  readonly maxValue: number | null;
  readonly fullMarks: number | null;
  readonly levels: readonly string[] | null;
  readonly aliases: readonly string[];
  readonly retired: boolean;
}

/** A checked value: exactly one of number, text or marker. */
export type IndicatorValue = { readonly numeric: string; readonly text?: undefined; readonly marker?: undefined } | { readonly numeric?: undefined; readonly text: string; readonly marker?: undefined } | { readonly numeric?: undefined; readonly text?: undefined; readonly marker: Marker };

export interface ValueProblem {
  readonly code: 'BAD_NUMBER' | 'VALUE_OUT_OF_BOUNDS' | 'UNKNOWN_LEVEL' | 'BAD_BOOLEAN' | 'TOO_LONG' | 'BAD_TIME' | 'NOT_AN_INTEGER';
  readonly message: string;
  readonly messageZh: string;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const BOOLEAN_ALIASES: Readonly<Record<string, 'true' | 'false'>> = {
  是: 'true', 有: 'true', y: 'true', yes: 'true', true: 'true', '1': 'true', '√': 'true',
  否: 'false', 无: 'false', n: 'false', no: 'false', false: 'false', '0': 'false', '×': 'false',
};

const CANONICAL = /^(0|[1-9]\d*)(\.\d*[1-9])?$/;

function formatNumber(value: number, raw?: string): string {
  if (raw !== undefined && CANONICAL.test(raw)) return raw; // already canonical: skip toFixed (hot path)
  // Canonical text so "95", "95.0" and "095" store alike (idempotent re-imports).
  return String(Number(value.toFixed(6)));
}

/**
 * Checks one cell against an indicator's value type and bounds. Markers (缺考/免考/缓考, 免测 …)
 * are accepted for numeric indicators and stored as markers, never as zero. `fullMarks` is the
 * row's 满分 for scores (the indicator's default when the file gives none). Times of runs
 * (unit `s`) may be written 3'55", 3:55, 3分55秒 or in seconds.
 */
export function parseIndicatorValue(indicator: IndicatorRule, raw: string, fullMarks?: number | null): IndicatorValue | ValueProblem {
  const value = raw.trim();
  const numericType = indicator.valueType === 'score' || indicator.valueType === 'count' || indicator.valueType === 'hours' || indicator.valueType === 'measurement';
  if (numericType) {
    const marker = MARKER_ALIASES[value.toLowerCase()];
    if (marker) return { marker };
    let number: number | undefined;
    if (indicator.unit === 's') {
      number = parseRunTime(value);
      if (number === undefined) return { code: 'BAD_TIME', message: `"${value}" is not a time (write 3'55", 3:55, 3分55秒 or seconds)`, messageZh: `“${value}”不是有效的时间（可写3'55"、3:55、3分55秒或秒数）` };
    } else {
      if (!NUMBER.test(value)) return { code: 'BAD_NUMBER', message: `"${value}" is not a number`, messageZh: `“${value}”不是数字` };
      number = Number(value);
    }
    if (indicator.valueType === 'count' && !Number.isInteger(number)) return { code: 'NOT_AN_INTEGER', message: `${indicator.nameEn} is counted in whole numbers`, messageZh: `${indicator.nameZh}应为整数` };
    const min = indicator.minValue ?? (indicator.valueType === 'score' ? 0 : null);
    const max = indicator.valueType === 'score' ? (fullMarks ?? indicator.fullMarks ?? indicator.maxValue) : indicator.maxValue;
    if ((min !== null && number < min) || (max !== null && number > max)) {
      const range = `${min ?? '−∞'}–${max ?? '∞'}${indicator.unit ? ` ${indicator.unit}` : ''}`;
      return { code: 'VALUE_OUT_OF_BOUNDS', message: `${number} is outside ${range} for ${indicator.nameEn}`, messageZh: `${number}超出${indicator.nameZh}的范围${range}` };
    }
    return { numeric: formatNumber(number, value) };
  }
  if (indicator.valueType === 'level') {
    const levels = indicator.levels ?? [];
    const match = levels.find((level) => level.toLowerCase() === value.toLowerCase());
    if (!match) return { code: 'UNKNOWN_LEVEL', message: `${indicator.nameEn} must be one of ${levels.join(', ')}`, messageZh: `${indicator.nameZh}应为${levels.join('、')}之一` };
    return { text: match };
  }
  if (indicator.valueType === 'boolean') {
    const bool = BOOLEAN_ALIASES[value.toLowerCase()];
    if (!bool) return { code: 'BAD_BOOLEAN', message: 'write 是 or 否 (yes/no)', messageZh: '请填写“是”或“否”' };
    return { text: bool };
  }
  if (value.length > 200) return { code: 'TOO_LONG', message: 'longer than 200 characters', messageZh: '超过200个字符' };
  return { text: value };
}

export function isValueProblem(result: IndicatorValue | ValueProblem): result is ValueProblem {
  return 'code' in result;
}

/** Rows of `indicators` → rules. */
export function toIndicatorRule(row: {
  id: string; code: string; dimension: string; name_zh: string; name_en: string; value_type: ValueType; unit: string | null;
  min_value: string | null; max_value: string | null; full_marks: string | null; levels: string[] | null; aliases: string[]; retired_at: Date | null;
}): IndicatorRule {
  const num = (text: string | null) => (text === null ? null : Number(text));
  return {
    id: row.id, code: row.code, dimension: row.dimension, nameZh: row.name_zh, nameEn: row.name_en, valueType: row.value_type, unit: row.unit,
    minValue: num(row.min_value), maxValue: num(row.max_value), fullMarks: num(row.full_marks), levels: row.levels, aliases: row.aliases ?? [], retired: row.retired_at !== null,
  };
}

export const INDICATOR_RULE_COLUMNS = 'id, code, dimension, name_zh, name_en, value_type, unit, min_value, max_value, full_marks, levels, aliases, retired_at';
