import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import ExcelJS from 'exceljs';
import * as path from 'node:path';
import { DEMO_ADMISSIONS_BATCH, DEMO_HEADERS, type DemoAccountTargets, type DemoCity, type DemoFile, type DemoImportKind, type DemoRegion, type DemoScale, type DemoSchool, type DemoTerm, generateDemoCity } from './demo-city';

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

/** Which kinds are written as .xlsx: the applications by default (so every load imports a spreadsheet too), or every file. */
export type DemoXlsxKinds = readonly DemoImportKind[] | 'all';
export const DEFAULT_XLSX_KINDS: readonly DemoImportKind[] = ['applications'];

export interface WriteDemoOptions {
  readonly xlsxKinds?: DemoXlsxKinds;
}

/** 2026-01-01 00:00 in the zip's DOS format (time, date): the time every demo .xlsx entry carries. */
const DOS_TIME = 0;
const DOS_DATE = ((2026 - 1980) << 9) | (1 << 5) | 1;

/**
 * Pins the modification time of every entry of a zip (local headers and central directory) so
 * the same rows give the same bytes: the .xlsx writer stamps entries with the current time, and
 * the import records each file's SHA-256 (the determinism digest compares them).
 */
export function pinZipTimes(zip: Buffer): Buffer {
  const out = Buffer.from(zip);
  let end = out.length - 22;
  while (end >= 0 && out.readUInt32LE(end) !== 0x06054b50) end -= 1;
  if (end < 0) throw new Error('not a zip file: no end of central directory');
  const entries = out.readUInt16LE(end + 10);
  let at = out.readUInt32LE(end + 16);
  for (let i = 0; i < entries; i += 1) {
    if (out.readUInt32LE(at) !== 0x02014b50) throw new Error('zip central directory is damaged');
    out.writeUInt16LE(DOS_TIME, at + 12);
    out.writeUInt16LE(DOS_DATE, at + 14);
    const local = out.readUInt32LE(at + 42);
    if (out.readUInt32LE(local) !== 0x04034b50) throw new Error('zip local header is damaged');
    out.writeUInt16LE(DOS_TIME, local + 10);
    out.writeUInt16LE(DOS_DATE, local + 12);
    at += 46 + out.readUInt16LE(at + 28) + out.readUInt16LE(at + 30) + out.readUInt16LE(at + 32);
  }
  return out;
}

/** One sheet of text cells, the template headers first: what a school saves from Excel. */
async function xlsxFile(kind: DemoImportKind, rows: readonly (readonly string[])[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Wuyu demo city';
  workbook.created = new Date(Date.UTC(2026, 0, 1));
  workbook.modified = workbook.created;
  const sheet = workbook.addWorksheet('Sheet1');
  sheet.addRow([...DEMO_HEADERS[kind]]);
  for (const row of rows) sheet.addRow([...row]);
  return pinZipTimes(Buffer.from(await workbook.xlsx.writeBuffer()));
}

/**
 * Writes the demo city into `outDir` as the files schools upload, with the template headers,
 * one folder per import kind and one file per term: CSV in UTF-8 with BOM (what Excel's "CSV
 * UTF-8" saves), and .xlsx for `xlsxKinds` (the applications by default, every file with
 * 'all'); `manifest.json` for the loader; `true-school-effects.csv`; the evidence placeholders
 * under `evidence/`. Returns the manifest. Same seed, scale and formats → same bytes.
 */
export async function writeDemoCity(seed: number, scale: DemoScale, outDir: string, options: WriteDemoOptions = {}): Promise<DemoManifest> {
  mkdirSync(outDir, { recursive: true });
  const xlsxKinds = options.xlsxKinds ?? DEFAULT_XLSX_KINDS;
  const asXlsx = (kind: DemoImportKind) => xlsxKinds === 'all' || xlsxKinds.includes(kind);
  const pathOf = (file: DemoFile) => (asXlsx(file.kind) ? file.path.replace(/\.csv$/, '.xlsx') : file.path);
  const open = new Map<string, { descriptor: number; chunk: string }>();
  const sheets = new Map<string, { file: DemoFile; rows: string[][] }>();
  const flush = (entry: { descriptor: number; chunk: string }) => {
    if (entry.chunk.length > 0) writeSync(entry.descriptor, entry.chunk);
    entry.chunk = '';
  };
  let city: DemoCity;
  try {
    city = generateDemoCity(seed, scale, (file, cells) => {
      if (asXlsx(file.kind)) {
        let sheet = sheets.get(file.id);
        if (!sheet) sheets.set(file.id, (sheet = { file, rows: [] }));
        sheet.rows.push([...cells]);
        return;
      }
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
  for (const { file, rows } of sheets.values()) {
    const target = path.join(outDir, pathOf(file));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, await xlsxFile(file.kind, rows));
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
    files: city.files.map((file) => ({ kind: file.kind, path: pathOf(file), termCode: file.termCode, rows: file.rows })),
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
