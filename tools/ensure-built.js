#!/usr/bin/env node
/*
 * Builds dist/ with `nest build` only when a source file is newer than the last build, so
 * `npm run wuyu -- …` works on a fresh clone yet does not pay for a build on every call.
 */
const fs = require('node:fs');
const path = require('node:path');
const { execSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const stamp = path.join(root, 'dist', '.build-stamp');

function newestMtime(dir) {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (/\.(ts|js|json|html|css)$/.test(entry.name)) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

const sources = Math.max(
  ...['src', 'migrations', 'tools/bench', 'tools/web', 'web'].map((d) => newestMtime(path.join(root, d))),
  ...['tsconfig.json', 'tsconfig.build.json', 'package.json'].map((f) => fs.statSync(path.join(root, f)).mtimeMs),
);
const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
if (sources > built) {
  process.stderr.write('building (nest build, web UI)…\n');
  execSync('npx nest build', { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  execSync('node tools/web/build-web.js', { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  fs.writeFileSync(stamp, new Date().toISOString());
}
