// Every third-party action is pinned to the commit its version tag names upstream, checked against a table read from
// each upstream repository (.github/action-pins.json, with the date it was read). A SHA that is not the tag's commit
// — or not in the repository at all, as a cosign-installer pin once was — fails here, naming file and line.
// .github/workflows/pins.yml re-reads the table from GitHub with git ls-remote.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const table = JSON.parse(readFileSync(path.join(root, '.github/action-pins.json'), 'utf8')) as {
  readOn: string;
  actions: Record<string, Record<string, string>>;
};

interface Use {
  file: string;
  line: number;
  repository: string;
  sha: string;
  version: string | undefined;
}

function thirdPartyUses(): Use[] {
  const uses: Use[] = [];
  for (const dir of ['.github/workflows', 'workflows']) {
    for (const name of readdirSync(path.join(root, dir)).filter((f) => /\.ya?ml$/.test(f))) {
      const file = path.join(dir, name);
      readFileSync(path.join(root, file), 'utf8')
        .split('\n')
        .forEach((text, i) => {
          const m = /^\s*(?:-\s*)?uses:\s*([^\s#@]+)@([^\s#]+)\s*(?:#\s*(\S+))?/.exec(text);
          if (!m || m[1]!.startsWith('.') || m[1]!.startsWith('docker://')) return;
          const repository = m[1]!.split('/').slice(0, 2).join('/');
          if (repository === 'deliverkit/deliverkit') return; // the toolkit itself: pinned by the adopter
          uses.push({ file, line: i + 1, repository, sha: m[2]!, version: m[3] });
        });
    }
  }
  return uses;
}

describe('third-party action pins', () => {
  const uses = thirdPartyUses();

  it('finds the workflows’ third-party actions', () => {
    expect(uses.length).toBeGreaterThan(10);
  });

  it('pin each action to the commit its version tag names upstream', () => {
    const wrong = uses
      .filter((u) => table.actions[u.repository]?.[u.version ?? ''] !== u.sha)
      .map((u) => {
        const known = table.actions[u.repository]?.[u.version ?? ''];
        return `${u.file}:${u.line}: ${u.repository}@${u.sha} # ${u.version ?? '(no version comment)'} — ${
          known
            ? `${u.version} is ${known} upstream`
            : `not in .github/action-pins.json (read ${table.readOn})`
        }`;
      });
    expect(wrong).toEqual([]);
  });

  it('keep no stale entries in the table', () => {
    const used = new Set(uses.map((u) => `${u.repository}@${u.version}`));
    const stale = Object.entries(table.actions).flatMap(([repo, tags]) =>
      Object.keys(tags)
        .filter((tag) => !used.has(`${repo}@${tag}`))
        .map((tag) => `${repo}@${tag}`),
    );
    expect(stale).toEqual([]);
  });
});

// A reusable workflow cannot see its own ref, so it checks the toolkit's actions out at `toolkit-ref`: a starter whose
// `uses: deliverkit/deliverkit/…@X` and `toolkit-ref: Y` differ runs workflow X with actions Y.
describe('toolkit pins in the starters', () => {
  for (const name of readdirSync(path.join(root, 'workflows')).filter((f) => /\.ya?ml$/.test(f))) {
    it(`${name}: every toolkit uses: and toolkit-ref name the same commit`, () => {
      const text = readFileSync(path.join(root, 'workflows', name), 'utf8');
      const uses = [...text.matchAll(/uses:\s*deliverkit\/deliverkit\/[^@\s]+@([^\s#]+)/g)].map((m) => m[1]);
      const refs = [...text.matchAll(/^\s*toolkit-ref:\s*([^\s#]+)/gm)].map((m) => m[1]);
      expect(uses.length, 'calls a toolkit workflow').toBeGreaterThan(0);
      expect(refs.length, 'passes toolkit-ref to each call').toBe(uses.length);
      expect(
        new Set([...uses, ...refs]).size,
        `${name}: uses ${uses.join(', ')} vs toolkit-ref ${refs.join(', ')}`,
      ).toBe(1);
    });
  }
});
