import { IdentityFilter } from './identity-filter';
import { timeOrderedIdPrefix, timeOrderedIdSql } from './time-ordered-ids';

describe('IdentityFilter', () => {
  const line = (student: string, term: string, indicator: string, occasion: string) => [student, '张三', term, indicator, occasion, null];
  const filter = () => new IdentityFilter([0, 2, 3, 4]);

  it('says no duplicate is possible for 50,000 distinct identities, and sees a repeat of any of them', () => {
    const identities = filter();
    const lines: (string | null)[][] = [];
    for (let student = 0; student < 5_000; student += 1) {
      for (let subject = 0; subject < 10; subject += 1) lines.push(line(`G1503022012${String(student).padStart(8, '0')}`, '2024-2025-1', `indicator-${subject}`, 'final|2025-01-15'));
    }
    for (const values of lines) identities.add(values);
    expect(identities.duplicatesPossible).toBe(false);
    identities.add([...lines[23_457]]); // an equal copy, not the same array
    expect(identities.duplicatesPossible).toBe(true);
  });

  it('ignores columns outside the identity and tells values apart by position', () => {
    const identities = filter();
    identities.add(['G1', '张三', 'T', 'I', 'O', '1']);
    identities.add(['G1', '李四', 'T', 'I', 'O', '2']); // same identity, other name and value
    expect(identities.duplicatesPossible).toBe(true);
    const shifted = filter();
    shifted.add(['G1', null, 'TI', 'I', 'O']);
    shifted.add(['G1', null, 'T', 'II', 'O']);
    shifted.add(['G1', null, 'T', 'I', '']);
    shifted.add(['G1', null, 'T', 'I', null]);
    expect(shifted.duplicatesPossible).toBe(false);
  });

  it('gives up (answers "possible") rather than grow past its memory bound', () => {
    const identities = new IdentityFilter([0], 100_000);
    for (let index = 0; index < 100_000; index += 1) identities.add([String(index)]);
    expect(identities.duplicatesPossible).toBe(false);
    identities.add(['100000']); // one more: past the bound
    expect(identities.duplicatesPossible).toBe(true);
  });

  it('refuses identity columns that are not staging columns', () => {
    expect(() => new IdentityFilter([0, -1])).toThrow();
    expect(() => new IdentityFilter([])).toThrow();
  });
});

describe('time-ordered ids', () => {
  const id = (prefix: string, counter: number) => `${prefix}${counter.toString(16).padStart(8, '0')}`;

  it('are UUID version 7 with the RFC variant, ordered by time, then by counter', () => {
    const early = timeOrderedIdPrefix(Date.UTC(2026, 0, 1));
    const late = timeOrderedIdPrefix(Date.UTC(2026, 0, 1, 0, 0, 0, 1));
    for (const prefix of [early, late]) {
      expect(id(prefix, 1)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(id(early, 0xffffffff) < id(late, 1)).toBe(true);
    expect(id(early, 9) < id(early, 10)).toBe(true);
    expect(early.slice(0, 13)).toBe(`${Date.UTC(2026, 0, 1).toString(16).padStart(12, '0').slice(0, 8)}-${Date.UTC(2026, 0, 1).toString(16).padStart(12, '0').slice(8)}`);
  });

  it('draw fresh random bits for every import', () => {
    const now = Date.now();
    const prefixes = new Set(Array.from({ length: 1000 }, () => timeOrderedIdPrefix(now)));
    expect(prefixes.size).toBe(1000);
  });

  it('are built in SQL from the prefix and an 8-digit counter', () => {
    expect(timeOrderedIdSql('$3', 'n')).toBe(`($3::text || lpad(to_hex(n), 8, '0'))::uuid`);
  });
});
