import { studentNumber } from '../../helpers/roster-builders';
import { allRoles, type MatrixModule, type World } from './matrix';

const signedIn = (status: number) => allRoles(status, { anonymous: 401 });

function rosterFile(w: World, schoolCode: string, sequence: string) {
  const header = '学籍号,姓名,性别,出生日期,民族,学校标识码,年级,班级,学年学期';
  const row = `${studentNumber('20120305', sequence)},新同学,男,2012-03-05,汉族,${schoolCode},初一,1班,2024-2025-1`;
  return { url: '/api/imports/roster', file: { name: 'roster.csv', content: Buffer.from(`${header}\n${row}\n`, 'utf8') } };
}

export const importsMatrix: MatrixModule = {
  rows: [
    { route: 'GET /api/imports', own: () => ({ url: '/api/imports' }), expected: signedIn(200) },
    { route: 'GET /api/imports/:kind/template', own: () => ({ url: '/api/imports/roster/template?format=csv' }), expected: signedIn(200) },
    {
      route: 'POST /api/imports/:kind',
      // Re-importing the same file is a no-op, so every allowed caller may commit it.
      own: (w) => rosterFile(w, w.ids.S1code, '991'),
      // A file for another school's students: refused whole (422), nothing written.
      other: (w) => rosterFile(w, w.ids.S2code, '993'),
      expected: { ...signedIn(403), city_admin: 201, school_admin: [201, 422], registrar: [201, 422] },
    },
  ],
};
