import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// check-dist is the guard that the committed bundles are what the sources build. Prove it fails on
// a stale copy: one action's dist with an edited bundle and a missing file.
const root = path.resolve(__dirname, '../..');
const actions = readdirSync(path.join(root, 'actions')).filter((d) =>
  existsSync(path.join(root, 'actions', d, 'src', 'index.ts')),
);
const work = mkdtempSync(path.join(tmpdir(), 'check-dist-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('check-dist', () => {
  it('has at least one action to check', () => {
    expect(actions.length).toBeGreaterThan(0);
  });

  describe('when the committed bundle is stale', () => {
    it('fails and names each file that differs or is missing', () => {
      const name = actions[0]!;
      const stale = path.join(work, 'dist');
      cpSync(path.join(root, 'dist', name), path.join(stale, name), { recursive: true });
      appendFileSync(path.join(stale, name, 'index.js'), '\n// edited by hand\n');
      rmSync(path.join(stale, name, 'package.json'));
      const res = spawnSync(
        process.execPath,
        [path.join(root, 'scripts', 'check-dist.mjs'), '--dist', stale, name],
        {
          encoding: 'utf8',
        },
      );
      expect(res.status).toBe(1);
      expect(res.stderr).toContain('dist/ is stale');
      expect(res.stderr).toContain(`${name}/differs: index.js`);
      expect(res.stderr).toContain(`${name}/missing in dist: package.json`);
    });
  });
});
