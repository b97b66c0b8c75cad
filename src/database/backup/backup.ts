import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable, type Writable } from 'node:stream';
import * as zlib from 'node:zlib';
import { StringDecoder } from 'node:string_decoder';
import type { Client } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

/**
 * Wuyu's own logical backup (ADR 1004): one gzip file holding, in order,
 *   a header      {type:"header", format, createdAt, migrations[], tables[]}
 *   per table     {type:"table", name}, then {type:"data", bytes} + bytes… (COPY text), then
 *                 {type:"table-end", rows, digest}
 *   sequences     {type:"sequences", values}
 *   per evidence  {type:"file", sha256, bytes} + bytes
 *   a trailer     {type:"end", tables, files}
 * Every frame is one JSON line; "data" and "file" frames are followed by exactly `bytes` bytes.
 * The tables are read in one REPEATABLE READ snapshot; evidence files are those the snapshot's
 * evidence_files rows name (content-addressed and immutable, so reading them later is safe).
 */
export const BACKUP_FORMAT = 'wuyu-backup/1';

/**
 * The statement triggers that write fitness change notes (migrations WriteSideFitnessFreshness and
 * FitnessResultsFollowTheRoster; each is named `<table>_fitness_…notes_<event>`): the notes and the
 * counts are restored as data, so restoring the rows they watch must not note again. Found in the
 * catalog, so a note trigger added later is covered without a list to keep.
 */
async function fitnessNoteTriggers(client: Client): Promise<{ table: string; trigger: string }[]> {
  return (
    await client.query(
      `SELECT c.relname AS table, t.tgname AS trigger FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal AND t.tgname LIKE '%\\_fitness\\_%notes\\_%' ORDER BY 1, 2`,
    )
  ).rows as { table: string; trigger: string }[];
}

/** Tables the migrations fill with reference rows: a restore target may hold exactly those (replaced by the backup's). */
export const SEEDED_TABLES: readonly string[] = ['grades', 'indicators', 'evaluation_rubrics'];

export class BackupError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Frame {
  type: string;
  [key: string]: unknown;
}

/** Order-independent digest of COPY text rows: count and the sum (mod 2^64) of each row's SHA-256 prefix. */
export class RowDigest {
  rows = 0;
  private sum = 0n;
  private carry = '';
  // COPY chunks and archive reads split rows at different byte offsets, possibly inside a
  // multi-byte character (Chinese names): decode across chunk boundaries, never per chunk.
  private readonly decoder = new StringDecoder('utf8');

  update(chunk: Buffer): void {
    const text = this.carry + this.decoder.write(chunk);
    const lines = text.split('\n');
    this.carry = lines.pop()!;
    for (const line of lines) this.add(line);
  }

  private add(line: string): void {
    this.rows += 1;
    this.sum = (this.sum + BigInt(`0x${createHash('sha256').update(line).digest('hex').slice(0, 16)}`)) & 0xffffffffffffffffn;
  }

  digest(): string {
    this.carry += this.decoder.end();
    if (this.carry.length > 0) {
      this.add(this.carry);
      this.carry = '';
    }
    return `${this.rows}:${this.sum.toString(16).padStart(16, '0')}`;
  }
}

/**
 * Loads that must follow another table without a foreign key saying so: term_records is
 * partitioned by term, and a term's partition is created when the term is inserted (ADR 1010);
 * loaded before terms, every row would land in the DEFAULT partition.
 */
const LOAD_AFTER: readonly { child: string; parent: string }[] = [{ child: 'term_records', parent: 'terms' }];

/** Base tables of the public schema but schema_migrations (a partitioned table as one table), parents before children (foreign keys). */
export async function tablesInLoadOrder(client: Client): Promise<string[]> {
  const tables = (await client.query(`SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> 'schema_migrations' ORDER BY c.relname`)).rows.map((row: { name: string }) => row.name);
  const foreignKeys = (await client.query(`SELECT DISTINCT conrelid::regclass::text AS child, confrelid::regclass::text AS parent FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace`)).rows as { child: string; parent: string }[];
  const edges = [...foreignKeys, ...LOAD_AFTER];
  const parents = new Map(tables.map((table) => [table, new Set<string>()]));
  for (const { child, parent } of edges) if (child !== parent && parents.has(child) && parents.has(parent)) parents.get(child)!.add(parent);
  const ordered: string[] = [];
  const placed = new Set<string>();
  while (ordered.length < tables.length) {
    const ready = tables.filter((table) => !placed.has(table) && [...parents.get(table)!].every((parent) => placed.has(parent)));
    if (ready.length === 0) throw new BackupError('FOREIGN_KEY_CYCLE', `the tables ${tables.filter((t) => !placed.has(t)).join(', ')} refer to each other in a cycle`);
    for (const table of ready) {
      placed.add(table);
      ordered.push(table);
    }
  }
  return ordered;
}

async function appliedMigrations(client: Client): Promise<string[]> {
  return (await client.query('SELECT name FROM schema_migrations ORDER BY id')).rows.map((row: { name: string }) => row.name);
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

export interface BackupSummary {
  readonly tables: Record<string, string>;
  readonly files: number;
  readonly bytes: number;
}

/** Writes a backup of the database (and the evidence files it names) to `file`. */
export async function writeBackup(client: Client, evidenceRoot: string, file: string): Promise<BackupSummary> {
  const gzip = zlib.createGzip({ level: 6 });
  const out = fs.createWriteStream(file, { flags: 'wx', mode: 0o600 });
  const done = pipeline(gzip, out);
  const write = (chunk: Buffer | string) => (gzip.write(chunk) ? Promise.resolve() : new Promise<void>((resolve) => gzip.once('drain', () => resolve())));
  const frame = (value: Frame) => write(`${JSON.stringify(value)}\n`);
  const tables: Record<string, string> = {};
  let files = 0;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const order = await tablesInLoadOrder(client);
    await frame({ type: 'header', format: BACKUP_FORMAT, createdAt: new Date().toISOString(), migrations: await appliedMigrations(client), tables: order });
    for (const table of order) {
      await frame({ type: 'table', name: table });
      const digest = new RowDigest();
      // COPY … TO cannot read a partitioned table itself; the SELECT form reads all its partitions.
      const stream = client.query(copyTo(`COPY (SELECT * FROM ${quoteIdent(table)}) TO STDOUT`));
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        digest.update(chunk);
        await frame({ type: 'data', bytes: chunk.length });
        await write(chunk);
      }
      tables[table] = digest.digest();
      await frame({ type: 'table-end', rows: digest.rows, digest: tables[table] });
    }
    const sequences = (await client.query(`SELECT c.relname AS name FROM pg_class c WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace AND c.relname <> 'schema_migrations_id_seq' ORDER BY 1`)).rows as { name: string }[];
    const values: Record<string, { value: string; called: boolean }> = {};
    for (const { name } of sequences) {
      const [row] = (await client.query(`SELECT last_value::text AS value, is_called AS called FROM ${quoteIdent(name)}`)).rows as { value: string; called: boolean }[];
      values[name] = row;
    }
    await frame({ type: 'sequences', values });
    const shas = order.includes('evidence_files') ? ((await client.query('SELECT DISTINCT sha256 FROM evidence_files ORDER BY sha256')).rows as { sha256: string }[]).map((row) => row.sha256) : [];
    await client.query('COMMIT');
    for (const sha256 of shas) {
      const source = path.join(evidenceRoot, sha256.slice(0, 2), sha256);
      let stat: fs.Stats;
      try {
        stat = await fs.promises.stat(source);
      } catch {
        throw new BackupError('EVIDENCE_MISSING', `evidence file ${sha256} is named in the database but missing from ${evidenceRoot}`);
      }
      await frame({ type: 'file', sha256, bytes: stat.size });
      const hash = createHash('sha256');
      for await (const chunk of fs.createReadStream(source) as AsyncIterable<Buffer>) {
        hash.update(chunk);
        await write(chunk);
      }
      if (hash.digest('hex') !== sha256) throw new BackupError('EVIDENCE_CORRUPT', `evidence file ${source} does not match its SHA-256`);
      files += 1;
    }
    await frame({ type: 'end', tables, files });
    gzip.end();
    await done;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    gzip.destroy();
    await done.catch(() => undefined);
    await fs.promises.rm(file, { force: true });
    throw error;
  }
  return { tables, files, bytes: (await fs.promises.stat(file)).size };
}

/** Reads frames (a JSON line, then any bytes it announces) from the decompressed backup. */
class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly chunks: AsyncIterator<Buffer>;
  private ended = false;

  constructor(input: Readable) {
    this.chunks = (input as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  private async fill(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.chunks.next();
    if (next.done) {
      this.ended = true;
      return false;
    }
    this.buffer = this.buffer.length === 0 ? next.value : Buffer.concat([this.buffer, next.value]);
    return true;
  }

  async frame(): Promise<Frame> {
    for (;;) {
      const newline = this.buffer.indexOf(10);
      if (newline !== -1) {
        const line = this.buffer.subarray(0, newline).toString('utf8');
        this.buffer = this.buffer.subarray(newline + 1);
        try {
          const value = JSON.parse(line) as Frame;
          if (value && typeof value.type === 'string') return value;
        } catch {
          // fall through
        }
        throw new BackupError('NOT_A_BACKUP', 'the file is not a Wuyu backup or is damaged');
      }
      if (this.buffer.length > 1_000_000 || !(await this.fill())) throw new BackupError('NOT_A_BACKUP', 'the file is not a Wuyu backup or is truncated');
    }
  }

  /** Yields exactly `bytes` bytes in chunks. */
  async *bytes(bytes: number): AsyncGenerator<Buffer> {
    let left = bytes;
    while (left > 0) {
      if (this.buffer.length === 0 && !(await this.fill())) throw new BackupError('NOT_A_BACKUP', 'the backup ends in the middle of its data (truncated)');
      const take = Math.min(left, this.buffer.length);
      yield this.buffer.subarray(0, take);
      this.buffer = this.buffer.subarray(take);
      left -= take;
    }
  }
}

function expectFrame(frame: Frame, type: string): Frame {
  if (frame.type !== type) throw new BackupError('NOT_A_BACKUP', `the backup is damaged: expected ${type}, found ${frame.type}`);
  return frame;
}

/**
 * Restores a backup into a migrated, empty database and its evidence store, all or nothing:
 * one transaction for every table (digests checked before COMMIT); evidence files written
 * before COMMIT and removed again if anything fails.
 */
export async function restoreBackup(client: Client, evidenceRoot: string, file: string): Promise<BackupSummary> {
  const raw = fs.createReadStream(file);
  const gunzip = zlib.createGunzip();
  raw.on('error', (error) => gunzip.destroy(error));
  raw.pipe(gunzip);
  const reader = new FrameReader(gunzip);
  const createdFiles: string[] = [];
  let began = false;
  try {
    let header: Frame;
    try {
      header = await reader.frame();
    } catch (error) {
      if (error instanceof BackupError) throw error;
      throw new BackupError('NOT_A_BACKUP', `the file is not a Wuyu backup (${(error as Error).message})`);
    }
    if (header.type !== 'header' || header.format !== BACKUP_FORMAT) throw new BackupError('NOT_A_BACKUP', `the file is not a ${BACKUP_FORMAT} backup`);
    const target = await appliedMigrations(client);
    const theirs = header.migrations as string[];
    if (JSON.stringify(target) !== JSON.stringify(theirs)) {
      const missing = theirs.filter((name) => !target.includes(name));
      const extra = target.filter((name) => !theirs.includes(name));
      throw new BackupError(
        'SCHEMA_VERSION_MISMATCH',
        `the backup was taken at another schema version (backup: ${theirs.length} migrations, this Wuyu: ${target.length}${missing.length ? `; unknown here: ${missing.join(', ')}` : ''}${extra.length ? `; not in the backup: ${extra.join(', ')}` : ''}); restore it with the Wuyu version that made it`,
      );
    }
    const order = await tablesInLoadOrder(client);
    const nonEmpty: string[] = [];
    for (const table of order) {
      if (SEEDED_TABLES.includes(table)) continue;
      const { rows } = await client.query(`SELECT EXISTS (SELECT 1 FROM ${quoteIdent(table)}) AS found`);
      if (rows[0].found) nonEmpty.push(table);
    }
    if (nonEmpty.length > 0) throw new BackupError('TARGET_NOT_EMPTY', `the target database already holds data (${nonEmpty.join(', ')}); restore only into a new, empty database`);

    await client.query('BEGIN');
    began = true;
    // The fitness change notes are data of the backup like any table's (ADR 0922): the triggers
    // that write them would otherwise note every restored enrolment and record again.
    const noteTriggers = await fitnessNoteTriggers(client);
    for (const { table, trigger } of noteTriggers) await client.query(`ALTER TABLE ${quoteIdent(table)} DISABLE TRIGGER ${quoteIdent(trigger)}`);
    // The seeded reference rows are replaced by the backup's (which include any added since).
    for (const table of [...SEEDED_TABLES].reverse()) if (order.includes(table)) await client.query(`DELETE FROM ${quoteIdent(table)}`);
    const digests: Record<string, string> = {};
    for (;;) {
      const frame = await reader.frame();
      if (frame.type === 'table') {
        const table = String(frame.name);
        if (!order.includes(table)) throw new BackupError('NOT_A_BACKUP', `the backup has a table ${table} this schema does not`);
        const digest = new RowDigest();
        const sink = client.query(copyFrom(`COPY ${quoteIdent(table)} FROM STDIN`));
        async function* rows(): AsyncGenerator<Buffer> {
          for (;;) {
            const next = await reader.frame();
            if (next.type === 'table-end') {
              const got = digest.digest();
              if (got !== next.digest) throw new BackupError('BACKUP_CORRUPT', `table ${table}: the data does not match its digest`);
              digests[table] = got;
              return;
            }
            for await (const chunk of reader.bytes(Number(expectFrame(next, 'data').bytes))) {
              const copy = Buffer.from(chunk);
              digest.update(copy);
              yield copy;
            }
          }
        }
        await pipeline(Readable.from(rows()), sink);
      } else if (frame.type === 'sequences') {
        for (const [name, { value, called }] of Object.entries(frame.values as Record<string, { value: string; called: boolean }>)) {
          await client.query('SELECT setval($1::regclass, $2::bigint, $3)', [quoteIdent(name), value, called]);
        }
      } else if (frame.type === 'file') {
        const sha256 = String(frame.sha256);
        if (!/^[0-9a-f]{64}$/.test(sha256)) throw new BackupError('NOT_A_BACKUP', 'the backup names an evidence file with a bad digest');
        const target = path.join(evidenceRoot, sha256.slice(0, 2), sha256);
        const exists = fs.existsSync(target);
        const temporary = `${target}.restore.tmp`;
        await fs.promises.mkdir(path.dirname(target), { recursive: true });
        const hash = createHash('sha256');
        const out = fs.createWriteStream(temporary);
        for await (const chunk of reader.bytes(Number(frame.bytes))) {
          hash.update(chunk);
          if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
        }
        await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
        if (hash.digest('hex') !== sha256) {
          await fs.promises.rm(temporary, { force: true });
          throw new BackupError('BACKUP_CORRUPT', `evidence file ${sha256} does not match its digest`);
        }
        if (exists) await fs.promises.rm(temporary, { force: true });
        else {
          await fs.promises.rename(temporary, target);
          createdFiles.push(target);
        }
      } else if (frame.type === 'end') {
        const expected = frame.tables as Record<string, string>;
        for (const table of header.tables as string[]) {
          if (digests[table] !== expected[table]) throw new BackupError('BACKUP_CORRUPT', `table ${table} is missing or differs from the backup's summary`);
        }
        if (createdFiles.length > Number(frame.files)) throw new BackupError('BACKUP_CORRUPT', 'the backup holds more evidence files than its summary says');
        for (const { table, trigger } of noteTriggers) await client.query(`ALTER TABLE ${quoteIdent(table)} ENABLE TRIGGER ${quoteIdent(trigger)}`);
        await client.query('COMMIT');
        began = false;
        return { tables: digests, files: Number(frame.files), bytes: (await fs.promises.stat(file)).size };
      } else {
        throw new BackupError('NOT_A_BACKUP', `the backup is damaged: unexpected ${frame.type}`);
      }
    }
  } catch (error) {
    if (began) await client.query('ROLLBACK').catch(() => undefined);
    for (const created of createdFiles) await fs.promises.rm(created, { force: true }).catch(() => undefined);
    if (!(error instanceof BackupError) && (error as { code?: string }).code === 'Z_DATA_ERROR') throw new BackupError('NOT_A_BACKUP', 'the file is not a Wuyu backup (not gzip data)');
    throw error;
  } finally {
    raw.destroy();
  }
}
