#!/usr/bin/env node
/*
 * Builds the web UI (web/ → dist/web): the browser modules with the project's TypeScript and
 * web/tsconfig.json (plain ES modules, no bundler), then the static files of web/public.
 * ECharts: web/vendor/echarts.js — the charts and components the pages use — bundled and minified
 * with esbuild into dist/web/vendor/echarts.min.js (ADR 0923).
 * Run by `npm run build` and by tools/ensure-built.js.
 */
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '..', '..');
const out = path.join(root, 'dist', 'web');
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'web', 'tsconfig.json')], { cwd: root, stdio: 'inherit' });
fs.mkdirSync(out, { recursive: true });
fs.cpSync(path.join(root, 'web', 'public'), out, { recursive: true });
require('esbuild').buildSync({
  entryPoints: [path.join(root, 'web', 'vendor', 'echarts.js')],
  outfile: path.join(out, 'vendor', 'echarts.min.js'),
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  legalComments: 'eof',
  logLevel: 'warning',
});
