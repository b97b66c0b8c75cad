import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DomainError } from '../../../common/errors/domain-error';

/**
 * The store's disk refused a write: full (507 EVIDENCE_STORE_FULL) or not writable
 * (503 EVIDENCE_STORE_UNAVAILABLE). Nothing was recorded in the database (ADR 1003).
 */
export class EvidenceStoreError extends DomainError {
  constructor(reason: string) {
    const full = reason === 'ENOSPC' || reason === 'EDQUOT';
    super(
      full ? 'EVIDENCE_STORE_FULL' : 'EVIDENCE_STORE_UNAVAILABLE',
      full ? 507 : 503,
      full ? 'the evidence store has no space left; nothing was saved; tell the operator' : 'the evidence store cannot be written to right now; nothing was saved; tell the operator',
      full ? '佐证材料存储空间已满，未保存任何内容，请联系管理员' : '佐证材料存储暂时无法写入，未保存任何内容，请联系管理员',
      { reason },
    );
  }
}

/**
 * Content-addressed file store (ADR 0402): a file lives at `<root>/<sha256[0..2]>/<sha256>`,
 * written once through a temporary file and an atomic rename, so the same bytes uploaded for
 * many records are stored once and a stored file never changes. Metadata is in PostgreSQL.
 */
export class EvidenceStore {
  constructor(readonly root: string) {}

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a SHA-256 hex digest');
    return path.join(this.root, sha256.slice(0, 2), sha256);
  }

  /** Stores the bytes (unless already there); returns their SHA-256 and whether they were new. */
  async put(bytes: Buffer): Promise<{ sha256: string; created: boolean }> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const target = this.pathOf(sha256);
    if (fs.existsSync(target)) return { sha256, created: false };
    const temporary = `${target}.${randomUUID()}.tmp`;
    try {
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      await fs.promises.writeFile(temporary, bytes, { flag: 'wx' });
      await fs.promises.rename(temporary, target); // atomic: readers see the whole file or none
    } catch (error) {
      await fs.promises.rm(temporary, { force: true }).catch(() => undefined); // a partly written file on a full disk
      const code = (error as NodeJS.ErrnoException).code;
      if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) throw new EvidenceStoreError(code);
      throw error;
    }
    return { sha256, created: true };
  }

  read(sha256: string): fs.ReadStream {
    return fs.createReadStream(this.pathOf(sha256));
  }
}
