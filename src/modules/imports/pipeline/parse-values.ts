import { isRealDate } from '../../roster/student-number';

/**
 * Value parsers shared by every import kind. Each returns the canonical value or undefined;
 * callers turn undefined into a row problem with the column's name.
 */

/** Excel's day 0 is 1899-12-30 (it counts the non-existent 1900-02-29). */
const EXCEL_EPOCH_UTC = Date.UTC(1899, 11, 30);

/**
 * Dates as people write them: `2024-09-01`, `2024/9/1`, `2024.9.1`, `2024年9月1日`,
 * `20240901`, or an Excel serial number (e.g. 45536 = 2024-09-01). Returns `YYYY-MM-DD`.
 */
export function parseFlexibleDate(raw: string): string | undefined {
  const value = raw.trim();
  let match = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(value) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    if (year < 1900 || year > 2100 || !isRealDate(year, month, day)) return undefined;
    return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  }
  match = /^(\d{4,5})(?:\.0+)?$/.exec(value);
  if (match) {
    const serial = Number(match[1]);
    if (serial < 1 || serial > 73050) return undefined; // up to 2099-12-31
    return new Date(EXCEL_EPOCH_UTC + serial * 86_400_000).toISOString().slice(0, 10);
  }
  return undefined;
}

/**
 * Run times as people write them: `3'55"`, `3′55″`, `3:55`, `3分55秒`, `3'55`, `55秒`,
 * `235` or `235.4` (seconds). Returns seconds.
 */
export function parseRunTime(raw: string): number | undefined {
  const value = raw.trim().replace(/[’‘′´`]/g, "'").replace(/[”“″]/g, '"').replace(/''/g, '"');
  let match = /^(\d{1,2})\s*(?:'|:|分)\s*(\d{1,2}(?:\.\d+)?)\s*(?:"|秒)?$/.exec(value);
  if (match) {
    const seconds = Number(match[2]);
    return seconds < 60 ? Number(match[1]) * 60 + seconds : undefined;
  }
  match = /^(\d+(?:\.\d+)?)\s*(?:"|秒|s)?$/.exec(value);
  return match ? Number(match[1]) : undefined;
}
