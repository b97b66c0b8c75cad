import { chinaDate, countWorkingDays, endOfChinaDay, isWorkingDay, nthWorkingDayAfter, PLAIN_CALENDAR, startOfChinaDay, type WorkingDayCalendar, windowOfWorkingDays } from './working-days';

/** The State Council's 2024/2025 holiday notices (国办发明电〔2023〕7号, 〔2024〕12号), the parts the tests cross. */
const CALENDAR: WorkingDayCalendar = {
  holidays: new Set([
    '2024-09-16', '2024-09-17', // 中秋 (09-15 is a Sunday)
    '2024-10-01', '2024-10-02', '2024-10-03', '2024-10-04', '2024-10-07', // 国庆 weekdays (10-05/06 are a weekend)
    '2025-01-01', // 元旦
    '2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31', '2025-02-03', '2025-02-04', // 春节 weekdays
  ]),
  makeupWorkdays: new Set(['2024-09-14', '2024-09-29', '2024-10-12', '2025-01-26', '2025-02-08']),
};

describe('working-day calculator', () => {
  it('skips weekends: a Wednesday start with 5 working days ends the next Tuesday', () => {
    expect(windowOfWorkingDays('2024-11-13', 5, PLAIN_CALENDAR)).toEqual({ firstDay: '2024-11-13', lastDay: '2024-11-19' });
  });

  it('starts a window that opens on a weekend on the next working day', () => {
    expect(windowOfWorkingDays('2024-11-16', 5, PLAIN_CALENDAR)).toEqual({ firstDay: '2024-11-18', lastDay: '2024-11-22' });
    expect(windowOfWorkingDays('2024-11-16', 1, PLAIN_CALENDAR)).toEqual({ firstDay: '2024-11-18', lastDay: '2024-11-18' });
  });

  it('crosses the year end over New Year: 2024-12-27 + 5 working days ends 2025-01-03', () => {
    // Fri 12-27, Mon 12-30, Tue 12-31, (Wed 01-01 元旦), Thu 01-02, Fri 01-03
    expect(windowOfWorkingDays('2024-12-27', 5, CALENDAR)).toEqual({ firstDay: '2024-12-27', lastDay: '2025-01-03' });
    // without the holiday configured it would end a day earlier: the calendar is what decides
    expect(windowOfWorkingDays('2024-12-27', 5, PLAIN_CALENDAR).lastDay).toBe('2025-01-02');
    expect(countWorkingDays('2024-12-27', '2025-01-03', CALENDAR)).toBe(5);
  });

  it('crosses National Day with its make-up day: 2024-09-30 + 5 ends 10-11, + 7 counts Saturday 10-12', () => {
    expect(windowOfWorkingDays('2024-09-30', 5, CALENDAR)).toEqual({ firstDay: '2024-09-30', lastDay: '2024-10-11' });
    // 6th working day is the make-up Saturday 10-12, the 7th Monday 10-14
    expect(windowOfWorkingDays('2024-09-30', 7, CALENDAR)).toEqual({ firstDay: '2024-09-30', lastDay: '2024-10-14' });
    expect(isWorkingDay('2024-10-12', CALENDAR)).toBe(true);
    expect(isWorkingDay('2024-10-12', PLAIN_CALENDAR)).toBe(false);
  });

  it('a make-up Sunday (2024-09-29) starts a window that would otherwise start on Monday', () => {
    expect(windowOfWorkingDays('2024-09-29', 2, CALENDAR)).toEqual({ firstDay: '2024-09-29', lastDay: '2024-09-30' });
    expect(windowOfWorkingDays('2024-09-29', 2, PLAIN_CALENDAR)).toEqual({ firstDay: '2024-09-30', lastDay: '2024-10-01' });
  });

  it('handles the longer provincial minimums (10 and 15 working days) across Spring Festival 2025', () => {
    // From Fri 2025-01-24: 01-24, Sun 01-26 (make-up), 01-27, (01-28…02-04 off), 02-05, 02-06, 02-07, Sat 02-08 (make-up), 02-10, 02-11, 02-12
    expect(windowOfWorkingDays('2025-01-24', 10, CALENDAR)).toEqual({ firstDay: '2025-01-24', lastDay: '2025-02-12' });
    expect(windowOfWorkingDays('2025-01-24', 15, CALENDAR).lastDay).toBe('2025-02-19');
  });

  it('counts deadlines after a date without that date: 5 working days after Friday 2024-12-27 is 2025-01-06', () => {
    expect(nthWorkingDayAfter('2024-12-27', 5, CALENDAR)).toBe('2025-01-06');
    expect(nthWorkingDayAfter('2024-12-31', 1, CALENDAR)).toBe('2025-01-02');
  });

  it('crosses a leap day', () => {
    expect(windowOfWorkingDays('2024-02-27', 5, PLAIN_CALENDAR)).toEqual({ firstDay: '2024-02-27', lastDay: '2024-03-04' });
  });

  it('refuses bad input instead of guessing', () => {
    expect(() => windowOfWorkingDays('2024-02-30', 5, PLAIN_CALENDAR)).toThrow(/calendar date/);
    expect(() => windowOfWorkingDays('2024-13-01', 5, PLAIN_CALENDAR)).toThrow(RangeError);
    expect(() => windowOfWorkingDays('2024-12-27', 0, PLAIN_CALENDAR)).toThrow(/at least one/);
    const everyDayOff: WorkingDayCalendar = { holidays: { has: () => true } as unknown as ReadonlySet<string>, makeupWorkdays: new Set() };
    expect(() => windowOfWorkingDays('2024-01-01', 1, everyDayOff)).toThrow(/no working day/);
  });

  it('uses China time for instants: 2024-12-31T16:00Z is already 2025-01-01 in Beijing', () => {
    expect(chinaDate(new Date('2024-12-31T15:59:59Z'))).toBe('2024-12-31');
    expect(chinaDate(new Date('2024-12-31T16:00:00Z'))).toBe('2025-01-01');
    expect(startOfChinaDay('2025-01-01').toISOString()).toBe('2024-12-31T16:00:00.000Z');
    expect(endOfChinaDay('2025-01-03').toISOString()).toBe('2025-01-03T16:00:00.000Z');
  });
});
