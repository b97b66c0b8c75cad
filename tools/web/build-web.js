#!/usr/bin/env node
/*
 * Builds the web UI (web/ → dist/web), ADR 0924:
 * - type-checks the browser modules with the project's TypeScript and web/tsconfig.json;
 * - bundles them (web/src/main.ts and its imports) with esbuild into one minified ES module;
 * - bundles ECharts — web/vendor/echarts.js, only the charts and components the pages use
 *   (ADR 0923) — into one minified script;
 * - writes both and the style sheet under dist/web/assets/ with a digest of their content in the
 *   name, so the service can let browsers keep them for a year (a new build has new names), and
 *   writes dist/web/index.html pointing at them (the only file a browser asks for on every load).
 * dist/web/assets/manifest.json maps the logical names (app.js, echarts.js, app.css) to the built
 * files. Run by `npm run build` and by tools/ensure-built.js.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..', '..');
const out = path.join(root, 'dist', 'web');
const assets = path.join(out, 'assets');

execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'web', 'tsconfig.json'), '--noEmit'], { cwd: root, stdio: 'inherit' });

/** Bundles one entry point in memory: its code and its source map. */
function bundle(entry, format) {
  const result = esbuild.buildSync({
    entryPoints: [entry],
    outfile: 'bundle.js',
    write: false,
    bundle: true,
    minify: true,
    sourcemap: 'external',
    format,
    target: 'es2020',
    legalComments: 'eof',
    logLevel: 'warning',
  });
  const code = result.outputFiles.find((f) => f.path.endsWith('.js')).text;
  const map = result.outputFiles.find((f) => f.path.endsWith('.map')).text;
  return { code, map };
}

const digest = (text) => crypto.createHash('sha256').update(text).digest('hex').slice(0, 12);

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(assets, { recursive: true });
const manifest = {};

/** Writes an asset as `<stem>-<digest><ext>` (with its source map, if any) and records it. */
function emit(logical, text, map) {
  const ext = path.extname(logical);
  const content = text.replace(/\/\/# sourceMappingURL=.*\n?$/, '');
  const name = `${path.basename(logical, ext)}-${digest(content)}${ext}`;
  const body = map ? `${content}//# sourceMappingURL=${name}.map\n` : content;
  fs.writeFileSync(path.join(assets, name), body);
  if (map) fs.writeFileSync(path.join(assets, `${name}.map`), map);
  manifest[logical] = `/assets/${name}`;
}

const app = bundle(path.join(root, 'web', 'src', 'main.ts'), 'esm');
emit('app.js', app.code, app.map);
const echarts = bundle(path.join(root, 'web', 'vendor', 'echarts.js'), 'iife');
emit('echarts.js', echarts.code, echarts.map);
emit('app.css', fs.readFileSync(path.join(root, 'web', 'public', 'app.css'), 'utf8'));

let index = fs.readFileSync(path.join(root, 'web', 'public', 'index.html'), 'utf8');
for (const [logical, url] of Object.entries(manifest)) {
  const placeholder = `/${logical}`;
  if (!index.includes(`"${placeholder}"`)) throw new Error(`web/public/index.html does not refer to "${placeholder}"`);
  index = index.replaceAll(`"${placeholder}"`, `"${url}"`);
}
fs.writeFileSync(path.join(out, 'index.html'), index);
fs.writeFileSync(path.join(assets, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
for (const entry of fs.readdirSync(path.join(root, 'web', 'public'))) {
  if (!['index.html', 'app.css'].includes(entry)) fs.cpSync(path.join(root, 'web', 'public', entry), path.join(out, entry), { recursive: true });
}
