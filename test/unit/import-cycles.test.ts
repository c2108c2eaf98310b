import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { packageRoot } from '../../sandbox/index.js';
import { findImportCycles } from '../../scripts/import-cycles.mjs';

describe('imports', () => {
  it('form no cycle in server/, client/, sandbox/ or shared/ (type-only imports included)', () => {
    expect(findImportCycles(['server', 'client', 'sandbox', 'shared'], packageRoot)).toEqual([]);
  });

  it('a cycle closed by a type-only import is reported, with the files on it', () => {
    const root = join(packageRoot, 'test', 'fixtures', 'import-cycle');
    expect(findImportCycles(['.'], root)).toEqual([['a.ts', 'b.ts', 'a.ts']]);
  });
});
