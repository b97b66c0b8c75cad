import { violationsIn, checkTree } from './check-core-imports';
import * as path from 'node:path';

describe('scoring-core boundary check', () => {
  it('flags framework, database and I/O imports', () => {
    expect(violationsIn("import { Injectable } from '@nestjs/common';")).toEqual(["imports '@nestjs/common'"]);
    expect(violationsIn("import { Repository } from 'typeorm';")).toHaveLength(1);
    expect(violationsIn("import * as fs from 'node:fs';")).toHaveLength(1);
    expect(violationsIn("const pg = require('pg');")).toHaveLength(1);
  });

  it('flags the clock and unseeded randomness but not comments', () => {
    expect(violationsIn('const t = Date.now();')).toHaveLength(1);
    expect(violationsIn('const r = Math.random();')).toHaveLength(1);
    expect(violationsIn('// never call Math.random() here')).toHaveLength(0);
  });

  it('accepts relative imports inside the core', () => {
    expect(violationsIn("import { qr } from './householder-qr';")).toEqual([]);
  });

  it('finds no violation in the real scoring core', () => {
    expect(checkTree(path.resolve(__dirname, '..', 'src', 'scoring-core'))).toEqual([]);
  });
});
