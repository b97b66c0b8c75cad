import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EvidenceStore } from './evidence-store';

describe('EvidenceStore (content-addressed)', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'wuyu-evidence-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('stores bytes under their SHA-256, once', async () => {
    const store = new EvidenceStore(root);
    const bytes = Buffer.from('%PDF-1.7 certificate');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    expect(await store.put(bytes)).toEqual({ sha256, created: true });
    expect(await store.put(Buffer.from(bytes))).toEqual({ sha256, created: false });
    expect(fs.readFileSync(path.join(root, sha256.slice(0, 2), sha256))).toEqual(bytes);
    expect(fs.readdirSync(path.join(root, sha256.slice(0, 2)))).toEqual([sha256]); // no temporary file left
  });

  it('refuses a path that is not a digest (no traversal)', () => {
    expect(() => new EvidenceStore(root).pathOf('../../etc/passwd')).toThrow(/SHA-256/);
  });
});
