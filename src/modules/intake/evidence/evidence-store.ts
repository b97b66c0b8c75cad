import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

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
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.${randomUUID()}.tmp`;
    await fs.promises.writeFile(temporary, bytes, { flag: 'wx' });
    await fs.promises.rename(temporary, target); // atomic: readers see the whole file or none
    return { sha256, created: true };
  }

  read(sha256: string): fs.ReadStream {
    return fs.createReadStream(this.pathOf(sha256));
  }
}
