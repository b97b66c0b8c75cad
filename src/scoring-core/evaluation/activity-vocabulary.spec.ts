import { ACTIVITY_LEVELS, ACTIVITY_ROLES, ACTIVITY_STATUSES, DIMENSIONS } from '../../modules/intake/dimensions';
import { ACTIVITY_LEVEL_CODES, ACTIVITY_ROLE_CODES, ACTIVITY_STATUS_CODES, activityLevelRank, canonicalActivityLevel, canonicalActivityRole, EVALUATION_DIMENSIONS } from './activity-vocabulary';

describe('activity vocabulary of the evaluation formulas', () => {
  it('is the intake module vocabulary (kept in the core so the core depends on nothing outside it)', () => {
    expect(ACTIVITY_LEVEL_CODES).toEqual(ACTIVITY_LEVELS);
    expect(ACTIVITY_ROLE_CODES).toEqual(ACTIVITY_ROLES);
    expect(ACTIVITY_STATUS_CODES).toEqual(ACTIVITY_STATUSES);
    expect(EVALUATION_DIMENSIONS).toEqual(DIMENSIONS);
  });

  it('reads Chinese and English names, orders levels', () => {
    expect(canonicalActivityLevel('区县级')).toBe('district');
    expect(canonicalActivityLevel('national')).toBe('national');
    expect(canonicalActivityLevel('constructor')).toBeUndefined();
    expect(canonicalActivityLevel('__proto__')).toBeUndefined();
    expect(canonicalActivityRole('主持策划者')).toBe('organiser');
    expect(canonicalActivityRole('toString')).toBeUndefined();
    expect(activityLevelRank('school')).toBeLessThan(activityLevelRank('city'));
    expect(activityLevelRank(null)).toBe(-1);
  });
});
