import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { APP_CONFIG, type AppConfig } from '../../../src/config/app-config';
import { createRecordWorld } from '../../helpers/record-fixtures';
import { startTestApp, type TestApp } from '../../helpers/test-app';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Can this machine mount a tmpfs (root with CAP_SYS_ADMIN)? Probed once, with a real mount. */
function tryMountTmpfs(dir: string, size: string): boolean {
  fs.mkdirSync(dir, { recursive: true });
  return spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' }).status === 0;
}

/**
 * Issue 10, fault 4: the evidence store cannot take a file. The upload is answered with a clear
 * error and code, and no evidence row refers to a file that is not there.
 */
describe('evidence store faults', () => {
  let t: TestApp;
  let recordId: string;
  let evidenceDir: string;
  const rows = async () => Number((await t.db.dataSource.query('SELECT count(*)::int AS n FROM evidence_files'))[0].n);
  const upload = (label: string, bytes = Buffer.concat([PNG, Buffer.from(label)])) => t.admin.post(`/api/activity-records/${recordId}/evidence`).attach('file', bytes, 'photo.png');

  beforeAll(async () => {
    t = await startTestApp();
    const world = await createRecordWorld(t.db.dataSource);
    const [activity] = await t.db.dataSource.query(
      `INSERT INTO activity_records (school_id, student_id, term_id, dimension, record_type, title, start_date, source, status)
       VALUES ($1, $2, $3, 'moral', '志愿服务', '敬老院志愿服务', '2024-10-01', 'school_import', 'VERIFIED') RETURNING id`,
      [world.schoolA, world.students.s1, world.term1],
    );
    recordId = activity.id;
    evidenceDir = path.join(t.app.get<symbol, AppConfig>(APP_CONFIG).dataDir, 'evidence');
  });
  afterAll(() => t.close());

  it('answers 503 EVIDENCE_STORE_UNAVAILABLE when the store cannot be written (its folder is a file), and records nothing', async () => {
    await upload('first').expect(201);
    const before = await rows();
    const stored = path.dirname(evidenceDir);
    // Replace the store's folder by a plain file: every write fails, even as root (chmod would not stop root).
    fs.rmSync(evidenceDir, { recursive: true, force: true });
    fs.writeFileSync(evidenceDir, 'not a folder');
    try {
      const refused = await upload('second').expect(503);
      expect(refused.body).toMatchObject({ code: 'EVIDENCE_STORE_UNAVAILABLE', details: { reason: expect.stringMatching(/^E[A-Z]+$/) } });
      expect(refused.body.messageZh).toMatch(/未保存/);
      expect(refused.body.requestId).toEqual(expect.any(String));
      expect(await rows()).toBe(before);
    } finally {
      fs.rmSync(evidenceDir, { force: true });
    }
    expect(fs.existsSync(stored)).toBe(true);
    // Once the folder is back, uploads work again.
    await upload('third').expect(201);
    expect(await rows()).toBe(before + 1);
  });

  it('answers 507 EVIDENCE_STORE_FULL when the store has no space left, leaving no partial file and no row', async () => {
    fs.rmSync(evidenceDir, { recursive: true, force: true });
    // A 64 KiB tmpfs, where the machine allows mounting one (root with CAP_SYS_ADMIN, as in CI here).
    const mounted = tryMountTmpfs(evidenceDir, '64k');
    if (!mounted) {
      // Without CAP_SYS_ADMIN no small filesystem can be made; the unwritable case above still ran.
      process.stderr.write('evidence-store-faults: cannot mount a tmpfs here; the full-disk case ran as an unwritable store instead\n');
      fs.writeFileSync(evidenceDir, 'not a folder');
    }
    try {
      const before = await rows();
      const refused = await upload('big', Buffer.concat([PNG, Buffer.alloc(200 * 1024, 7)]));
      expect(refused.status).toBe(mounted ? 507 : 503);
      expect(refused.body.code).toBe(mounted ? 'EVIDENCE_STORE_FULL' : 'EVIDENCE_STORE_UNAVAILABLE');
      expect(await rows()).toBe(before);
      if (mounted) {
        // The half-written temporary file was removed: the store is as empty as before.
        const leftovers = fs.readdirSync(evidenceDir, { recursive: true }).filter((entry) => !fs.statSync(path.join(evidenceDir, String(entry))).isDirectory());
        expect(leftovers).toEqual([]);
        // A small file still fits.
        await upload('small').expect(201);
        expect(await rows()).toBe(before + 1);
      }
    } finally {
      if (mounted) spawnSync('umount', [evidenceDir], { stdio: 'ignore' });
      fs.rmSync(evidenceDir, { recursive: true, force: true });
    }
  });
});
