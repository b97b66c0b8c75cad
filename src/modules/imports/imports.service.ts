import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { ImportBatch } from './entities/import-batch.entity';
import { type ImportReport, MAX_REPORTED_ERRORS } from './import-report';
import { ImportRejectedError, UnknownImportKindError } from './imports.errors';
import { rosterImportKind } from './kinds/roster.import-kind';
import { activityImportKind } from '../intake/imports/activity.import-kind';
import { TERM_RECORD_IMPORT_KINDS } from '../intake/imports/term-record-kinds';
import { applicationImportKind } from '../portfolios/imports/application.import-kind';
import { type AnyImportKind, type AnyStagedImportKind, type ImportContext, isStagedKind, type RowProblem } from './pipeline/import-kind';
import { openTable, readTable, sourceSize, TableReadError, type TableSource } from './pipeline/read-table';
import { cellMapper, mapHeaders, validateRows } from './pipeline/validate-table';
import { copyLine } from './pipeline/copy-text';
import { IdentityFilter } from './pipeline/identity-filter';

/** Progress of a running import: the phase, rows read so far and the (estimated, then exact) total. */
export interface ImportProgress {
  readonly phase: 'reading' | 'checking' | 'writing' | 'done';
  readonly rowsProcessed: number;
  readonly rowsTotal: number | null;
}

export interface RunOptions {
  readonly dryRun: boolean;
  readonly context: ImportContext;
  readonly onProgress?: (progress: ImportProgress) => void;
  /** Test hook: called inside the transaction after the merge, before COMMIT (a throw rolls everything back). */
  readonly beforeCommit?: (manager: EntityManager) => Promise<void>;
  /** Test hook: staged lines per chunk when the file is committed in parts (default STAGING_CHUNK_LINES). */
  readonly chunkLines?: number;
  /** Test hook: called after chunk `index` was merged in parts, inside the transaction (holding its locks). */
  readonly afterChunkMerged?: (index: number) => Promise<void>;
}

const FILE_PROBLEMS: Record<string, [string, string]> = {
  EMPTY_FILE: ['the file is empty', '文件为空'],
  ENCODING_UNDETECTED: ['the file is neither UTF-8 nor GBK/GB18030 text; save it as "CSV UTF-8" or as .xlsx', '无法识别文件编码，请另存为“CSV UTF-8”或.xlsx'],
  UNREADABLE_FILE: ['the file is not a CSV or .xlsx spreadsheet that can be read (old .xls files must be saved as .xlsx)', '无法读取该文件，请使用CSV或.xlsx格式（旧版.xls请另存为.xlsx）'],
  MALFORMED_CSV: ['the CSV has an unterminated quoted field', 'CSV中有未闭合的引号'],
  FILE_TOO_LARGE: ['the file is larger than the upload limit (IMPORT_MAX_BYTES)', '文件超过上传大小上限'],
  NO_DATA_ROWS: ['the file has a header but no data rows', '文件只有表头，没有数据'],
  XLSX_TOO_LARGE: ['the .xlsx expands to more than 256 MiB when unpacked (or is a zip bomb); save it as CSV or split it', '该.xlsx解压后超过256 MiB（或为压缩炸弹），请另存为CSV或拆分'],
};

function fileProblem(code: string, extra?: Partial<RowProblem>): RowProblem {
  const [message, messageZh] = FILE_PROBLEMS[code] ?? [code, code];
  return { code, message, messageZh, ...extra };
}

/** Rolls the dry run's transaction back after resolve, so a dry run never writes. */
class DryRunRollback extends Error {}

/** A later chunk reached a school and term another import holds: start over, unchunked (ADR 0420). */
class RestartUnchunked extends Error {}

/**
 * Staged lines per chunk when a file is committed in parts (ADR 0420): small enough that the
 * parser's lead (one chunk) is short and PostgreSQL starts early, large enough that each chunk's
 * few statements cost little beside its rows.
 */
export const STAGING_CHUNK_LINES = 16_384;

/**
 * The reusable import pipeline: decode → read → map headers → validate rows → resolve against
 * the database → commit, all-or-nothing in one transaction. Imports of the same kind are
 * serialised by a transaction-scoped advisory lock. Re-importing identical content changes
 * nothing (the kinds' merges only write rows that differ) and records no new batch.
 */
@Injectable()
export class ImportsService {
  private readonly kinds = new Map<string, AnyImportKind | AnyStagedImportKind>([
    [rosterImportKind.kind, rosterImportKind],
    ...TERM_RECORD_IMPORT_KINDS.map((kind) => [kind.kind, kind] as const),
    [activityImportKind.kind, activityImportKind],
    [applicationImportKind.kind, applicationImportKind],
  ]);

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  kindNames(): string[] {
    return [...this.kinds.keys()];
  }

  getKind(kind: string): AnyImportKind | AnyStagedImportKind {
    const found = this.kinds.get(kind);
    if (!found) throw new UnknownImportKindError(kind, this.kindNames());
    return found;
  }

  /** Validates (dryRun) or imports a file. A commit of an invalid file throws ImportRejectedError with the report. */
  async run(kindName: string, source: TableSource, fileName: string, options: RunOptions): Promise<ImportReport> {
    const found = this.getKind(kindName);
    if (isStagedKind(found)) return this.runStaged(found, source, fileName, options);
    const kind = found;
    const bytes = Buffer.isBuffer(source) ? source : await fs.promises.readFile(source.path);
    const report: ImportReport = {
      kind: kind.kind,
      fileName,
      fileSha256: createHash('sha256').update(bytes).digest('hex'),
      format: 'unknown',
      encoding: 'unknown',
      rowCount: 0,
      valid: false,
      dryRun: options.dryRun,
      committed: false,
      errorCount: 0,
      errors: [],
    };
    const finish = (problems: RowProblem[]): ImportReport => {
      problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
      report.errorCount = problems.length;
      report.errors = problems.slice(0, MAX_REPORTED_ERRORS);
      report.valid = problems.length === 0;
      if (!report.valid && !options.dryRun) throw new ImportRejectedError(report);
      return report;
    };

    if (bytes.length > this.config.importMaxBytes) {
      return finish([{ code: 'FILE_TOO_LARGE', message: `the file is larger than ${this.config.importMaxBytes} bytes`, messageZh: `文件超过${this.config.importMaxBytes}字节上限` }]);
    }
    const table = await readTable(bytes);
    if (typeof table === 'string') return finish([fileProblem(table)]);
    report.format = table.format;
    report.encoding = table.encoding;
    report.rowCount = table.rows.length;
    const mapped = mapHeaders(table.headers, kind.columns);
    if (Array.isArray(mapped)) return finish(mapped);
    if (table.rows.length === 0) return finish([fileProblem('NO_DATA_ROWS')]);
    const validated = validateRows<unknown>(table, kind, mapped);
    const header = (key: string) => mapped.headerOf.get(key) ?? key;

    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`wuyu-import:${kind.kind}`]);
        const { resolved, problems } = await kind.resolve(validated.rows, manager, header, options.context);
        const allProblems = [...validated.problems, ...problems];
        if (allProblems.length > 0 || options.dryRun) {
          finish(allProblems);
          throw new DryRunRollback();
        }
        const summary = await kind.commit(resolved.map((r) => r.row), manager, options.context);
        if (options.beforeCommit) await options.beforeCommit(manager);
        report.summary = summary;
        if (Object.values(summary).some((count) => count > 0)) {
          const batch = await manager.getRepository(ImportBatch).save(
            manager.getRepository(ImportBatch).create({
              kind: kind.kind,
              fileSha256: report.fileSha256,
              fileName: fileName.slice(0, 255),
              encoding: report.encoding,
              rowCount: report.rowCount,
              summary,
            }),
          );
          report.batchId = batch.id;
        }
      });
    } catch (error) {
      if (error instanceof DryRunRollback) return report;
      throw error;
    }
    report.valid = true;
    report.committed = true;
    return report;
  }
  /**
   * The streaming path for staged kinds (term records): rows go from the file through the kind's
   * row check into a temporary table by COPY; database checks and the merge are set-based
   * statements over that table. One transaction; nothing is held in memory per row except the
   * first MAX_REPORTED_ERRORS problems (ADR 0401).
   */
  private async runStaged(kind: AnyStagedImportKind, source: TableSource, fileName: string, options: RunOptions, classic = false): Promise<ImportReport> {
    const report: ImportReport = {
      kind: kind.kind,
      fileName,
      fileSha256: '',
      format: 'unknown',
      encoding: 'unknown',
      rowCount: 0,
      valid: false,
      dryRun: options.dryRun,
      committed: false,
      errorCount: 0,
      errors: [],
    };
    const problems = new ProblemCollector(MAX_REPORTED_ERRORS);
    const conclude = (): ImportReport => {
      report.errorCount = problems.total;
      report.errors = problems.list();
      report.valid = problems.total === 0;
      if (!report.valid && !options.dryRun) throw new ImportRejectedError(report);
      return report;
    };
    const progress = (phase: ImportProgress['phase'], rowsProcessed: number, rowsTotal: number | null) => options.onProgress?.({ phase, rowsProcessed, rowsTotal });

    const size = await sourceSize(source);
    if (size > this.config.importMaxBytes) {
      report.fileSha256 = Buffer.isBuffer(source) ? createHash('sha256').update(source).digest('hex') : '';
      problems.add({ code: 'FILE_TOO_LARGE', message: `the file is larger than ${this.config.importMaxBytes} bytes`, messageZh: `文件超过${this.config.importMaxBytes}字节上限` });
      return conclude();
    }
    const fingerprint = await fingerprintOf(source);
    report.fileSha256 = fingerprint.sha256;
    const table = await openTable(source);
    if (typeof table === 'string') {
      problems.add(fileProblem(table));
      return conclude();
    }
    report.format = table.format;
    report.encoding = table.encoding;
    const mapped = mapHeaders(table.headers, kind.columns);
    if (Array.isArray(mapped)) {
      for (const problem of mapped) problems.add(problem);
      return conclude();
    }
    const mappedTable = mapped;
    const tableStream = table;
    // Column key → header text, worked out once (the row checks ask for it on every row).
    const headerTexts: Record<string, string> = {};
    for (const column of kind.columns) headerTexts[column.key] = mappedTable.headerOf.get(column.key) ?? column.headers[0];
    const header = (key: string) => headerTexts[key] ?? key;
    const estimatedRows = table.format === 'csv' ? Math.max(0, fingerprint.lineFeeds - 1) : null;
    progress('reading', 0, estimatedRows);

    // Part by part (ADR 0420): a kind that can be merged in parts, on a real commit, is committed chunk
    // by chunk while the rest of the file is still being read, so PostgreSQL's work overlaps Node's.
    const inParts = !options.dryRun && !classic && kind.checkDuplicates !== undefined;
    const chunkLines = inParts ? (options.chunkLines ?? STAGING_CHUNK_LINES) : Number.POSITIVE_INFINITY;

    const queryRunner = this.dataSource.createQueryRunner();
    await queryRunner.connect();
    let committed = false;
    let released = false;
    let inFlight: Promise<void> | null = null;
    try {
      await queryRunner.startTransaction();
      // Hash joins over 100k+ staged rows spill to disk at the default 4 MB.
      await queryRunner.query(`SET LOCAL work_mem = '64MB'`);
      // The staging table is analysed (join columns only) from a sample of 3,000 rows (statistics
      // target 10): enough for the row count and the join columns' spread, a sixth of the default's cost.
      await queryRunner.query('SET LOCAL default_statistics_target = 10');
      // The rows an import looks up (students, enrolments, records) are in memory, where an index probe
      // costs about what a sequential page does: at the default (4) the planner hashes all 100,000+
      // students for a chunk that names 1,600 of them.
      await queryRunner.query('SET LOCAL random_page_cost = 1.1');
      const manager = queryRunner.manager;
      const check = await kind.prepare(manager, header);
      const staging = 'import_staging';
      const columns = kind.stagingColumns.map(([name, type]) => `${name} ${type}`).join(', ');
      // In parts, each chunk is a partition of the staging table: the chunk's checks and merge read
      // that partition alone, the duplicate check reads them all.
      await queryRunner.query(`CREATE TEMP TABLE ${staging} (row_number integer NOT NULL, ${columns})${inParts ? ' PARTITION BY RANGE (row_number)' : ''} ON COMMIT DROP`);

      let rowCount = 0;
      const cellsOf = cellMapper(kind.columns, mappedTable);
      const addProblem = (problem: RowProblem) => problems.add(problem);
      const identities = new IdentityFilter(kind.identityColumns.map((name) => kind.stagingColumns.findIndex(([column]) => column === name)));
      /**
       * COPY text of the checked rows, in pieces of ≤ 128 KiB; a piece that ends a chunk (at least
       * `chunkLines` staged lines, ending at a row's end) carries the chunk's first and last row number.
       */
      async function* copyText(): AsyncGenerator<{ text: string; chunk?: { first: number; last: number } }> {
        let buffer = '';
        let rowNumber = 0;
        let lines = 0;
        let first = 0;
        let last = 0;
        const stage = (values: readonly (string | null)[]) => {
          identities.add(values);
          buffer += copyLine(rowNumber, values);
          if (lines === 0) first = rowNumber;
          last = rowNumber;
          lines += 1;
        };
        // Rows come in batches (one decoded chunk each): the per-row work below is synchronous.
        for await (const batch of tableStream.batches()) {
          for (const row of batch) {
            rowCount += 1;
            rowNumber = row.rowNumber;
            const cells = cellsOf(row, addProblem);
            const rowProblems = check(cells, row.rowNumber, stage);
            if (rowProblems) for (const problem of rowProblems) problems.add(problem);
            if (rowCount % 20_000 === 0) progress('reading', rowCount, estimatedRows);
            if (lines >= chunkLines) {
              yield { text: buffer, chunk: { first, last } };
              buffer = '';
              lines = 0;
            } else if (buffer.length >= 128 * 1024) {
              yield { text: buffer };
              buffer = '';
            }
          }
        }
        if (buffer.length > 0 || lines > 0) yield { text: buffer, chunk: lines > 0 ? { first, last } : undefined };
      }
      const client = (queryRunner as unknown as { databaseConnection: PoolClient }).databaseConnection;
      const copyInto = async (table: string, pieces: AsyncIterable<string | Buffer> | Iterable<string | Buffer>) => {
        // A short queue (4 × 128 KiB) between the parser and COPY bounds memory whatever the file's size.
        await pipeline(Readable.from(pieces, { highWaterMark: 4 }), client.query(copyFrom(`COPY ${table} FROM STDIN`)));
      };

      // What has been written in parts: the batch, the lock keys held, the summary so far.
      const batchId = randomUUID();
      let batchInserted = false;
      const heldKeys = new Set<string>();
      const summary: Record<string, number> = {};
      const unmerged: string[] = [];
      /**
       * Takes the advisory locks (one per school and term) of the rows in `table` before they are
       * merged. The first keys of an import are waited for, in sorted order, holding none: two
       * imports of the same school and term run one after the other. Keys that a later chunk adds are
       * only tried: waiting while holding others could deadlock with an import that holds the new key
       * and waits for ours; when one is taken, this import starts over, unchunked (RestartUnchunked).
       */
      const lockFor = async (table: string) => {
        const wanted = [...new Set(await kind.lockKeys(manager, table))].filter((key) => !heldKeys.has(key)).sort();
        if (wanted.length === 0) return;
        if (heldKeys.size === 0) {
          await queryRunner.query('SELECT count(pg_advisory_xact_lock(hashtext(k))) FROM unnest($1::text[]) AS k', [wanted]);
        } else {
          const [taken] = (await queryRunner.query('SELECT bool_and(pg_try_advisory_xact_lock(hashtext(k))) AS ok FROM unnest($1::text[]) AS k', [wanted])) as { ok: boolean }[];
          if (!taken.ok) throw new RestartUnchunked();
        }
        for (const key of wanted) heldKeys.add(key);
      };
      const mergePart = async (table: string) => {
        await lockFor(table);
        if (!batchInserted) {
          await queryRunner.query(
            `INSERT INTO import_batches (id, kind, file_sha256, file_name, encoding, row_count, summary) VALUES ($1, $2, $3, $4, $5, $6, '{}'::jsonb)`,
            [batchId, kind.kind, report.fileSha256, fileName.slice(0, 255), report.encoding, 0],
          );
          batchInserted = true;
        }
        const counts = await kind.merge(manager, table, { ...options.context, batchId });
        for (const [name, count] of Object.entries(counts)) summary[name] = (summary[name] ?? 0) + count;
      };
      /** One chunk, while the parser reads the next: COPY into its own partition, its checks, and its merge while the file is clean so far. */
      let chunks = 0;
      const writeChunk = async (pieces: Buffer[], range: { first: number; last: number }) => {
        const table = `${staging}_${chunks}`;
        chunks += 1;
        await queryRunner.query(`CREATE TEMP TABLE ${table} PARTITION OF ${staging} FOR VALUES FROM (${range.first}) TO (${range.last + 1})`);
        await copyInto(table, pieces);
        // The chunk's own statistics (a 3,000-row sample of the join columns, a few ms): without them
        // the planner takes the chunk for a few dozen rows and loops over its lines.
        await queryRunner.query(`ANALYZE ${table} (student_number, term_code)`);
        const found = await kind.resolve(manager, table, options.context, header, MAX_REPORTED_ERRORS, { duplicatesPossible: false });
        problems.addSorted(found.problems, found.total);
        // A problem anywhere so far, or two lines that may share an identity: no more merging in parts
        // (the import will be refused, or the duplicate check decides at the end).
        if (problems.total > 0 || identities.duplicatesPossible || unmerged.length > 0) {
          unmerged.push(table);
        } else {
          await mergePart(table);
          if (options.afterChunkMerged) await options.afterChunkMerged(chunks - 1);
        }
      };

      try {
        if (inParts) {
          let pieces: Buffer[] = [];
          for await (const piece of copyText()) {
            // Encoded at once: the text is a tree of small strings (every line, every value) that would
            // otherwise live on, and be promoted by the GC, while the previous chunk is merged.
            if (piece.text.length > 0) pieces.push(Buffer.from(piece.text, 'utf8'));
            if (!piece.chunk) continue;
            if (inFlight) await inFlight;
            const written = writeChunk(pieces, piece.chunk);
            written.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
            inFlight = written;
            pieces = [];
          }
          if (inFlight) await inFlight;
          inFlight = null;
        } else {
          await copyInto(staging, (async function* () {
            for await (const piece of copyText()) if (piece.text.length > 0) yield piece.text;
          })());
        }
      } catch (error) {
        if (inFlight) await (inFlight as Promise<void>).catch(() => undefined);
        inFlight = null;
        if (!(error instanceof TableReadError)) throw error;
        problems.add(fileProblem(error.failure, error.rowNumber ? { row: error.rowNumber } : {}));
      }
      report.rowCount = rowCount;
      if (rowCount === 0 && problems.total === 0) problems.add(fileProblem('NO_DATA_ROWS'));
      progress('checking', rowCount, rowCount);
      if (inParts) {
        // Every chunk has had its row checks; duplicates are looked for over all of them, when possible.
        if (identities.duplicatesPossible && rowCount > 0) {
          const found = await kind.checkDuplicates!(manager, staging, MAX_REPORTED_ERRORS);
          problems.addSorted(found.problems, found.total);
        }
      } else if (problems.total === 0 || rowCount > 0) {
        // Without statistics the planner guesses a few dozen rows and picks nested loops over 100k students;
        // analysing only the join columns costs a fraction of a full ANALYZE.
        await queryRunner.query(`ANALYZE ${staging} (student_number, term_code)`);
        const found = await kind.resolve(manager, staging, options.context, header, MAX_REPORTED_ERRORS, { duplicatesPossible: identities.duplicatesPossible });
        problems.addSorted(found.problems, found.total);
      }
      if (problems.total > 0 || options.dryRun) {
        await queryRunner.rollbackTransaction();
        progress('done', rowCount, rowCount);
        return conclude();
      }

      progress('writing', rowCount, rowCount);
      if (inParts) {
        for (const table of unmerged) await mergePart(table);
      } else {
        await mergePart(staging);
      }
      if (Object.values(summary).some((count) => count > 0)) {
        await queryRunner.query('UPDATE import_batches SET summary = $2::jsonb, row_count = $3 WHERE id = $1', [batchId, JSON.stringify(summary), rowCount]);
        report.batchId = batchId;
      } else if (batchInserted) {
        await queryRunner.query('DELETE FROM import_batches WHERE id = $1', [batchId]); // identical content: no trace
      }
      report.summary = summary;
      if (options.beforeCommit) await options.beforeCommit(manager);
      await queryRunner.commitTransaction();
      committed = true;
      progress('done', rowCount, rowCount);
    } catch (error) {
      if (!(error instanceof RestartUnchunked)) throw error;
      // Another import holds the school and term a later chunk reached: give back everything
      // (rollback releases our locks too) and import the file again, unchunked, after it.
      await queryRunner.rollbackTransaction();
      await queryRunner.release();
      released = true;
      return this.runStaged(kind, source, fileName, options, true);
    } finally {
      if (inFlight) await (inFlight as Promise<void>).catch(() => undefined);
      if (!released) {
        if (queryRunner.isTransactionActive && !committed) await queryRunner.rollbackTransaction().catch(() => undefined);
        await queryRunner.release();
      }
    }
    report.valid = true;
    report.committed = true;
    return report;
  }
}

/**
 * Keeps the first `limit` problems in row order and counts all of them. Row checks arrive in
 * row order; database checks arrive sorted; the list is merged at the end.
 */
class ProblemCollector {
  private readonly streamed: RowProblem[] = [];
  private readonly sorted: RowProblem[] = [];
  private count = 0;

  constructor(private readonly limit: number) {}

  get total(): number {
    return this.count;
  }

  add(problem: RowProblem): void {
    this.count += 1;
    if (this.streamed.length < this.limit) this.streamed.push(problem);
  }

  addSorted(problems: readonly RowProblem[], total: number): void {
    this.count += total;
    this.sorted.push(...problems.slice(0, this.limit));
  }

  list(): RowProblem[] {
    return [...this.streamed, ...this.sorted].sort((a, b) => (a.row ?? 0) - (b.row ?? 0)).slice(0, this.limit);
  }
}

/** SHA-256 of the source and its count of line feeds (an estimate of the rows, for progress), in one pass. */
async function fingerprintOf(source: TableSource): Promise<{ sha256: string; lineFeeds: number }> {
  const hash = createHash('sha256');
  let lineFeeds = 0;
  const count = (chunk: Buffer) => {
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lineFeeds += 1;
  };
  if (Buffer.isBuffer(source)) {
    hash.update(source);
    count(source);
  } else {
    for await (const chunk of fs.createReadStream(source.path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      count(chunk);
    }
  }
  return { sha256: hash.digest('hex'), lineFeeds };
}
