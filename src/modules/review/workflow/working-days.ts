/**
 * Working days for publicity windows and deadlines (公示期, 申诉期): weekends and configured
 * holidays are skipped, configured make-up working days (调休, a Saturday or Sunday that is
 * worked) count. Dates are calendar dates `YYYY-MM-DD` in China Standard Time (UTC+8, no
 * daylight saving). Pure: the calendar comes in as data (the `holidays` table), no clock.
 *
 * Example (2024 National Day: 10-01…10-07 off, 09-29 and 10-12 worked):
 *   windowOfWorkingDays('2024-09-30', 5, calendar) → { firstDay: '2024-09-30', lastDay: '2024-10-11' }
 * Cost: O(days spanned).
 */
export interface WorkingDayCalendar {
  /** Dates off although they are weekdays (法定节假日). */
  readonly holidays: ReadonlySet<string>;
  /** Weekend dates that are worked (调休上班). */
  readonly makeupWorkdays: ReadonlySet<string>;
}

export const PLAIN_CALENDAR: WorkingDayCalendar = { holidays: new Set(), makeupWorkdays: new Set() };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;
/** China Standard Time is UTC+8 all year. */
export const CHINA_OFFSET_MS = 8 * 3_600_000;

function parse(date: string): number {
  const match = DATE.exec(date);
  if (!match) throw new RangeError(`not a date (YYYY-MM-DD): ${date}`);
  const time = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (format(time) !== date) throw new RangeError(`not a calendar date: ${date}`);
  return time;
}

function format(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

export function addCalendarDays(date: string, days: number): string {
  return format(parse(date) + days * DAY_MS);
}

export function isWorkingDay(date: string, calendar: WorkingDayCalendar): boolean {
  const weekday = new Date(parse(date)).getUTCDay(); // 0 Sunday … 6 Saturday
  if (calendar.makeupWorkdays.has(date)) return true;
  if (calendar.holidays.has(date)) return false;
  return weekday !== 0 && weekday !== 6;
}

/** The first working day on or after `date`. */
export function firstWorkingDayFrom(date: string, calendar: WorkingDayCalendar): string {
  let day = date;
  for (let guard = 0; !isWorkingDay(day, calendar); guard++) {
    if (guard > 366) throw new RangeError(`no working day within a year after ${date}: check the holiday calendar`);
    day = addCalendarDays(day, 1);
  }
  return day;
}

/** A window of `count` working days that starts on `start` (or the next working day). */
export function windowOfWorkingDays(start: string, count: number, calendar: WorkingDayCalendar): { firstDay: string; lastDay: string } {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`a window needs at least one working day, got ${count}`);
  const firstDay = firstWorkingDayFrom(start, calendar);
  return { firstDay, lastDay: count === 1 ? firstDay : nthWorkingDayAfter(firstDay, count - 1, calendar) };
}

/** The n-th working day after `date` (not counting `date` itself): a deadline "within n working days". */
export function nthWorkingDayAfter(date: string, n: number, calendar: WorkingDayCalendar): string {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a whole number ≥ 1, got ${n}`);
  let day = date;
  let counted = 0;
  for (let guard = 0; counted < n; guard++) {
    if (guard > 3660) throw new RangeError(`fewer than ${n} working days within ten years after ${date}: check the holiday calendar`);
    day = addCalendarDays(day, 1);
    if (isWorkingDay(day, calendar)) counted++;
  }
  return day;
}

/** Working days in [from, to], both inclusive (0 when to < from). */
export function countWorkingDays(from: string, to: string, calendar: WorkingDayCalendar): number {
  let count = 0;
  for (let day = from; parse(day) <= parse(to); day = addCalendarDays(day, 1)) if (isWorkingDay(day, calendar)) count++;
  return count;
}

/** The calendar date in China of an instant. */
export function chinaDate(instant: Date): string {
  return format(instant.getTime() + CHINA_OFFSET_MS);
}

/** 00:00 China time on `date`, as an instant. */
export function startOfChinaDay(date: string): Date {
  return new Date(parse(date) - CHINA_OFFSET_MS);
}

/** 24:00 China time on `date` (= 00:00 the next day): when a window whose last day is `date` closes. */
export function endOfChinaDay(date: string): Date {
  return new Date(parse(date) + DAY_MS - CHINA_OFFSET_MS);
}
