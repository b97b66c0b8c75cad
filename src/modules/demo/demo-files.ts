import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { DEMO_ADMISSIONS_BATCH, DEMO_HEADERS, type DemoAccountTargets, type DemoCity, type DemoFile, type DemoRegion, type DemoScale, type DemoSchool, type DemoTerm, generateDemoCity } from './demo-city';

/** The manifest the loader reads: reference data, files in load order, evidence, account targets. */
export interface DemoManifest {
  generator: 'wuyu-demo-city';
  formatVersion: 1;
  seed: number;
  scale: DemoScale;
  regions: DemoRegion[];
  schools: Omit<DemoSchool, 'intakeMean' | 'effectPerYear' | 'fitnessEffect'>[];
  terms: DemoTerm[];
  files: Omit<DemoFile, 'id'>[];
  evidence: { studentNumber: string; termCode: string; title: string; startDate: string; file: string }[];
  accounts: DemoAccountTargets;
  /** The admission batch the applications file names (its closing day is set at load time). */
  admissionsBatch: { code: string; name: string; opensOn: string };
  counts: DemoCity['counts'];
  /** The file with the true school effects (value-added should recover them). */
  truthFile: string;
}

const SYNTHETIC_NOTE = '演示数据：学校、学生与成绩均为虚构 / demo data: every school, student and score is fictional';

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Writes the demo city into `outDir` as the files schools upload: CSV in UTF-8 with BOM (what
 * Excel's "CSV UTF-8" saves) with the template headers, one folder per import kind and one file
 * per term; `manifest.json` for the loader; `true-school-effects.csv`; the evidence
 * placeholders under `evidence/`. Returns the manifest. Same seed and scale → same bytes.
 */
export function writeDemoCity(seed: number, scale: DemoScale, outDir: string): DemoManifest {
  mkdirSync(outDir, { recursive: true });
  const open = new Map<string, { descriptor: number; chunk: string }>();
  const flush = (entry: { descriptor: number; chunk: string }) => {
    if (entry.chunk.length > 0) writeSync(entry.descriptor, entry.chunk);
    entry.chunk = '';
  };
  let city: DemoCity;
  try {
    city = generateDemoCity(seed, scale, (file, cells) => {
      let entry = open.get(file.id);
      if (!entry) {
        const target = path.join(outDir, file.path);
        mkdirSync(path.dirname(target), { recursive: true });
        entry = { descriptor: openSync(target, 'w'), chunk: `\ufeff${DEMO_HEADERS[file.kind].join(',')}\r\n` };
        open.set(file.id, entry);
      }
      entry.chunk += `${cells.map(csvCell).join(',')}\r\n`;
      if (entry.chunk.length >= 1 << 20) flush(entry);
    });
  } finally {
    for (const entry of open.values()) {
      flush(entry);
      closeSync(entry.descriptor);
    }
  }

  const truthFile = 'true-school-effects.csv';
  const truth = [
    '学校标识码,学校名称,学段,区县代码,入学水平(z),学校效应(z/学年),学校效应(百分制分/学年),体质效应(单项分)',
    ...city.schools.map((s) =>
      [s.code, s.name, s.stage, s.regionCode, s.intakeMean.toFixed(3), s.effectPerYear.toFixed(3), (s.effectPerYear * 14).toFixed(2), s.fitnessEffect.toFixed(2)].join(','),
    ),
  ];
  writeFileSync(path.join(outDir, truthFile), `\ufeff${truth.join('\r\n')}\r\n`);

  mkdirSync(path.join(outDir, 'evidence'), { recursive: true });
  for (const item of city.evidence) writeFileSync(path.join(outDir, 'evidence', item.fileName), item.bytes);

  const manifest: DemoManifest = {
    generator: 'wuyu-demo-city',
    formatVersion: 1,
    seed,
    scale,
    regions: city.regions,
    schools: city.schools.map(({ code, name, stage, regionCode }) => ({ code, name, stage, regionCode })),
    terms: city.terms,
    files: city.files.map(({ kind, path: file, termCode, rows }) => ({ kind, path: file, termCode, rows })),
    evidence: city.evidence.map((e) => ({ studentNumber: e.studentNumber, termCode: e.termCode, title: e.title, startDate: e.startDate, file: `evidence/${e.fileName}` })),
    accounts: city.accounts,
    admissionsBatch: { ...DEMO_ADMISSIONS_BATCH },
    counts: city.counts,
    truthFile,
  };
  writeFileSync(path.join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(
    path.join(outDir, 'README.txt'),
    [
      SYNTHETIC_NOTE,
      `seed ${seed}, scale ${scale}: ${city.counts.students} students (${city.counts.studentsInLastTerm} in the last term), ${city.counts.rows} rows`,
      'Import them in the order of manifest.json (rosters first): npm run wuyu -- demo:load --dir <this folder>',
      'or one by one: npm run wuyu -- import <kind> <file>  (regions, schools and terms must exist first).',
      `${truthFile}: the simulated school effects that value-added should recover (docs/demo-city.md).`,
      '',
    ].join('\r\n'),
  );
  return manifest;
}

export function readDemoManifest(dir: string): DemoManifest {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as DemoManifest;
  if (manifest.generator !== 'wuyu-demo-city' || manifest.formatVersion !== 1) throw new Error(`${dir}/manifest.json is not a Wuyu demo city manifest`);
  return manifest;
}
