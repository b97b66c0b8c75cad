import * as fs from 'node:fs';
import * as path from 'node:path';

/** The folder holding Wuyu's package.json, found from this file whether run from src/ or dist/. */
export function findProjectRoot(start = __dirname): string {
  let dir = start;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const name = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name;
      if (name === 'wuyu') return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the wuyu package.json above ${start}`);
    dir = parent;
  }
}
