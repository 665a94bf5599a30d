// Every third-party action is pinned to the commit its version tag names upstream, checked against a table read from
// each upstream repository (.github/action-pins.json, with the date it was read). A SHA that is not the tag's commit
// — or not in the repository at all, as a cosign-installer pin once was — fails here, naming file and line.
// .github/workflows/pins.yml re-reads the table from GitHub with git ls-remote.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
// @ts-expect-error plain ESM script without types
import { pinStarter, STARTER_PLACEHOLDER } from '../../scripts/pin-starters.mjs';
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

// The toolkit runs the code the caller pinned: a starter names the toolkit by one full-SHA placeholder (a release
// writes its commit there, scripts/pin-starters.mjs), and never passes a ref for the actions; each reusable
// workflow checks the toolkit out only at the commit its `toolkit` job read from the run's referenced_workflows.
describe('toolkit pins', () => {
  for (const name of readdirSync(path.join(root, 'workflows')).filter((f) => /\.ya?ml$/.test(f))) {
    it(`${name}: every toolkit uses: names the same full-SHA placeholder, and no toolkit ref is passed`, () => {
      const text = readFileSync(path.join(root, 'workflows', name), 'utf8');
      const uses = [...text.matchAll(/uses:\s*deliverkit\/deliverkit\/[^@\s]+@([^\s#]+)/g)].map((m) => m[1]);
      expect(uses.length, 'calls a toolkit workflow').toBeGreaterThan(0);
      expect(new Set(uses)).toEqual(new Set([STARTER_PLACEHOLDER]));
      expect(text).not.toMatch(/toolkit-ref|toolkit-repository/);
    });
  }
  it('pin-starters writes a release commit over the placeholder, and refuses anything but a full SHA', () => {
    const text = readFileSync(path.join(root, 'workflows/release.yml'), 'utf8');
    const sha = 'a'.repeat(40);
    const pinned = pinStarter(text, sha);
    expect(pinned).not.toContain(STARTER_PLACEHOLDER);
    expect(
      [...pinned.matchAll(/deliverkit\/deliverkit\/[^@\s]+@([0-9a-f]{40})/g)].every((m) => m[1] === sha),
    ).toBe(true);
    expect(() => pinStarter(text, 'v1')).toThrow(/full 40-hex/);
  });
  for (const name of ['build.yml', 'supply-chain.yml', 'publish.yml', 'deploy.yml']) {
    it(`${name}: checks the toolkit out only at the commit its toolkit job resolved`, () => {
      const wf = parse(readFileSync(path.join(root, '.github/workflows', name), 'utf8')) as {
        on: { workflow_call: { inputs: Record<string, unknown> } };
        jobs: Record<
          string,
          { needs?: string | string[]; steps?: { uses?: string; with?: Record<string, string> }[] }
        >;
      };
      expect(Object.keys(wf.on.workflow_call.inputs)).not.toContain('toolkit-ref');
      expect(Object.keys(wf.on.workflow_call.inputs)).not.toContain('toolkit-repository');
      expect(wf.jobs.toolkit, 'has a toolkit job').toBeDefined();
      let checkouts = 0;
      for (const [id, job] of Object.entries(wf.jobs)) {
        for (const step of job.steps ?? []) {
          if (!step.uses?.startsWith('actions/checkout@') || step.with?.path !== '.deliverkit') continue;
          checkouts++;
          expect(step.with?.ref, `${id}: toolkit checkout ref`).toBe('${{ needs.toolkit.outputs.sha }}');
          expect(step.with?.repository, `${id}: toolkit checkout repository`).toBe(
            '${{ needs.toolkit.outputs.repository }}',
          );
          expect([job.needs ?? []].flat(), `${id} needs the toolkit job`).toContain('toolkit');
        }
      }
      expect(checkouts).toBeGreaterThan(0);
    });
  }
});
