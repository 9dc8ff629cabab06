/** The JSON Schema editors check policy files against: shipped beside them, the same as the code's, and what each file points at. */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { policyJsonSchema } from '../../core/policy';
import { loadPolicyFiles, POLICIES_DIR } from './policy-files';

const SCHEMA_FILE = join(POLICIES_DIR, 'policy.schema.json');

describe('policies/policy.schema.json', () => {
  it('is the schema the code checks policy files with (else: npx backstop policy schema > policies/policy.schema.json)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(`${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
  });

  it('is the $schema every shipped policy file names', () => {
    const files = loadPolicyFiles();
    expect(files.length).toBeGreaterThan(1);
    for (const f of files)
      expect(resolve(dirname(f.path), String((JSON.parse(f.text) as { $schema?: string }).$schema)), f.path).toBe(
        SCHEMA_FILE,
      );
  });
});
