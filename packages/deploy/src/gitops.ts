import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isMap, isScalar, isSeq, parseDocument, type Scalar, type YAMLMap } from 'yaml';
import { CommandInvocationError, Git, InputError, roughNesting, type Logger } from '@deliverkit/action-kit';
import { DeployError } from './errors';
import { MANIFEST_NESTING_LIMIT, type ImageOverride } from './manifests';

interface Edit {
  start: number;
  end: number;
  text: string;
}

function column(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl;
}

/**
 * Sets `images[].digest` (and `newName` when the override changes it) in a kustomization.yaml by
 * editing only the bytes of those values: comments, ordering, quoting and every other field stay as
 * they are. An image without an entry gets one appended to `images`. `input` is the caller's name for the path input.
 */
export function setKustomizationDigests(
  text: string,
  images: ImageOverride[],
  input: string,
  file = 'kustomization.yaml',
): { text: string; changed: boolean } {
  // The GitOps repository is someone else's text: bound its nesting before the parser (see parseManifests).
  if (roughNesting(text) > MANIFEST_NESTING_LIMIT)
    throw new InputError(
      input,
      `${file} nests deeper than ${MANIFEST_NESTING_LIMIT} levels (indentation and brackets): not a Kustomization`,
      'INPUT_TOO_LARGE',
    );
  const doc = parseDocument(text, { keepSourceTokens: true });
  if (doc.errors.length)
    throw new InputError(input, `${file} is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  if (doc.contents !== null && !isMap(doc.contents))
    throw new InputError(input, `${file} is not a Kustomization (a YAML mapping)`);
  const edits: Edit[] = [];
  const appended: string[] = [];
  const seq = doc.get('images', true);
  if (seq !== undefined && !isSeq(seq)) throw new InputError(input, `${file}: images must be a list`);
  if (seq?.flow)
    throw new InputError(
      input,
      `${file}: a flow-style images list ([...]) is not supported; write it as a block list`,
    );
  for (const img of images) {
    const item = seq?.items.find((i) => isMap(i) && (i as YAMLMap).get('name') === img.name) as
      YAMLMap | undefined;
    if (!item) {
      appended.push(
        `- name: ${img.name}\n${img.newName ? `  newName: ${img.newName}\n` : ''}  digest: ${img.digest}\n`,
      );
      continue;
    }
    const setField = (key: string, value: string) => {
      const node = item.get(key, true) as Scalar | undefined;
      if (node && isScalar(node) && node.range) {
        if (node.value !== value) edits.push({ start: node.range[0], end: node.range[1], text: value });
        return;
      }
      // No such key yet: add it on its own line under `name:`, at the same indentation.
      const namePair = item.items.find((p) => isScalar(p.key) && (p.key as Scalar).value === 'name');
      const key0 = namePair && isScalar(namePair.key) ? (namePair.key as Scalar).range?.[0] : undefined;
      if (key0 === undefined)
        throw new InputError(input, `${file}: images entry ${img.name} cannot be edited`);
      const at = lineEnd(text, key0);
      edits.push({ start: at, end: at, text: `\n${' '.repeat(column(text, key0))}${key}: ${value}` });
    };
    if (img.newName && item.get('newName') !== img.newName) setField('newName', img.newName);
    setField('digest', img.digest);
  }
  if (appended.length) {
    if (seq && seq.items.length) {
      const first = seq.items[0] as YAMLMap;
      const pad = ' '.repeat(Math.max(0, column(text, first.range![0]) - 2));
      const lines = appended
        .join('')
        .replace(/\n$/, '')
        .split('\n')
        .map((l) => pad + l)
        .join('\n');
      const last = seq.items[seq.items.length - 1] as YAMLMap;
      const at = lineEnd(text, Math.max(0, last.range![1] - 1));
      edits.push({ start: at, end: at, text: `\n${lines}` });
    } else if (seq) {
      throw new InputError(input, `${file}: images is empty in a form that cannot be edited in place`);
    } else {
      const at = text.length;
      edits.push({
        start: at,
        end: at,
        text: `${text.endsWith('\n') || !text ? '' : '\n'}images:\n${appended.join('')}`,
      });
    }
  }
  // Apply from the end so earlier offsets stay valid; at equal offsets the later edit goes first, so it ends up last.
  let out = text;
  const ordered = edits.map((e, i) => ({ ...e, i })).sort((a, b) => b.start - a.start || b.i - a.i);
  for (const e of ordered) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return { text: out, changed: out !== text };
}

/** `owner/name` is a repository on this GitHub server (slug returned for the PR); else a git URL or path. */
export function resolveGitopsRepository(repo: string, serverUrl: string): { url: string; slug?: string } {
  return /^[\w.-]+\/[\w.-]+$/.test(repo) ? { url: `${serverUrl}/${repo}.git`, slug: repo } : { url: repo };
}

export interface GitopsOptions {
  /** A git URL or a local path (a bare repository in tests). */
  repo: string;
  baseBranch: string;
  /** The overlay directory (holding kustomization.yaml) or the kustomization file, relative to the repo root. */
  path: string;
  /** The caller's name for `path` (its action input), named by the errors about it. */
  pathInput: string;
  images: ImageOverride[];
  /** `pull-request`: push a new branch and open a PR; `push`: push the commit to `branch` (default: the base branch). */
  mode: 'pull-request' | 'push';
  branch?: string;
  /** HTTPS token, handed to git through the environment (never argv). */
  token?: string;
  author?: { name: string; email: string };
  /** Opens (or finds) the pull request; the action wires it to @actions/github. */
  openPullRequest?: (pr: { head: string; base: string; title: string; body: string }) => Promise<string>;
  git?: string;
  logger?: Logger;
  /** Compute the change and its diff; commit, push and open nothing. */
  dryRun?: boolean;
}

export interface GitopsResult {
  changed: boolean;
  commit?: string;
  branch?: string;
  pullRequestUrl?: string;
  file: string;
  /** `git diff` of the commit, for the summary. */
  diff: string;
}

async function checkout(options: GitopsOptions): Promise<{ git: Git; file: string; rel: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'deliverkit-gitops-'));
  const git = new Git(dir, options);
  try {
    await git.clone(options.repo, options.baseBranch, tmpdir());
  } catch (e) {
    throw new DeployError('GITOPS_FAILED', `Could not clone ${options.repo} (branch ${options.baseBranch})`, {
      cause: e,
    });
  }
  const norm = path.posix.normalize(options.path.replace(/\\/g, '/'));
  if (norm.startsWith('..') || path.posix.isAbsolute(norm))
    throw new InputError(
      options.pathInput,
      `Input "${options.pathInput}" must be a path inside the repository: got ${JSON.stringify(options.path)}`,
    );
  let rel = norm;
  const asDir = await stat(path.join(dir, rel))
    .then((s) => s.isDirectory())
    .catch(() => false);
  if (asDir) {
    const candidates = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
    let found: string | undefined;
    for (const c of candidates) {
      if (await stat(path.join(dir, rel, c)).catch(() => undefined)) {
        found = path.posix.join(rel, c);
        break;
      }
    }
    if (!found)
      throw new InputError(
        options.pathInput,
        `Input "${options.pathInput}": ${rel} holds no kustomization.yaml`,
      );
    rel = found;
  } else if (!(await stat(path.join(dir, rel)).catch(() => undefined))) {
    throw new InputError(
      options.pathInput,
      `Input "${options.pathInput}": ${rel} does not exist on ${options.baseBranch}`,
    );
  }
  return { git, file: path.join(dir, rel), rel };
}

async function publish(
  options: GitopsOptions,
  git: Git,
  title: string,
  body: string,
  defaultBranch: string,
): Promise<{ branch: string; pullRequestUrl?: string }> {
  const branch = options.branch ?? (options.mode === 'push' ? options.baseBranch : defaultBranch);
  try {
    await git.push(branch, { force: options.mode === 'pull-request' });
  } catch (e) {
    throw new DeployError('GITOPS_FAILED', `Could not push to ${branch} of ${options.repo}`, { cause: e });
  }
  if (options.mode === 'push') return { branch };
  if (!options.openPullRequest) return { branch };
  const pullRequestUrl = await options.openPullRequest({
    head: branch,
    base: options.baseBranch,
    title,
    body,
  });
  return { branch, pullRequestUrl };
}

/**
 * GitOps mode: commits the digests into the overlay's kustomization.yaml on a branch and opens a PR
 * (or pushes when asked). No commit when the file already pins those digests.
 */
export function gitopsDeploy(options: GitopsOptions): Promise<GitopsResult> {
  return asDeployError(() => commitDigests(options));
}

/** git's own failures leave the package as DeployError GITOPS_FAILED: same message, the command failure its cause. */
async function asDeployError<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (e instanceof CommandInvocationError) throw new DeployError('GITOPS_FAILED', e.message, { cause: e });
    throw e;
  }
}

async function commitDigests(options: GitopsOptions): Promise<GitopsResult> {
  const { git, file, rel } = await checkout(options);
  try {
    const before = await readFile(file, 'utf8');
    const { text, changed } = setKustomizationDigests(before, options.images, options.pathInput, rel);
    if (!changed) return { changed: false, file: rel, diff: '' };
    await writeFile(file, text);
    if (options.dryRun) {
      // The plan: what the commit would change, from the clone; nothing leaves it.
      const diff = await git.diff(rel);
      return { changed: true, file: rel, diff };
    }
    const short = options.images.map((i) => `${i.name.split('/').pop()}@${i.digest.slice(7, 19)}`).join(', ');
    const title = `deploy: ${short} to ${path.posix.dirname(rel)}`;
    const trailer = options.images
      .map((i) => `Deliverkit-Image: ${i.newName ?? i.name}@${i.digest}`)
      .join('\n');
    await git.add(rel);
    const commit = await git.commit(`${title}\n\n${trailer}`);
    const diff = await git.showHead();
    const branchName = `deliverkit/${path.posix.dirname(rel).replace(/[^A-Za-z0-9._-]+/g, '-')}-${options.images[0]!.digest.slice(7, 19)}`;
    const pub = await publish(options, git, title, `Pins ${short} in \`${rel}\`.\n\n${trailer}`, branchName);
    return { changed: true, commit, file: rel, diff, ...pub };
  } finally {
    await rm(git.dir, { recursive: true, force: true });
  }
}

/** GitOps rollback: a revert commit of the last deliverkit commit that touched the kustomization. */
export function gitopsRollback(options: Omit<GitopsOptions, 'images'>): Promise<GitopsResult> {
  return asDeployError(() => revertLast(options));
}

async function revertLast(options: Omit<GitopsOptions, 'images'>): Promise<GitopsResult> {
  const full = { ...options, images: [] };
  const { git, rel } = await checkout(full);
  try {
    const last = await git.lastCommit(rel, '^Deliverkit-Image: ');
    if (!last)
      throw new DeployError(
        'NOTHING_TO_ROLL_BACK',
        `No deliverkit commit touches ${rel} on ${options.baseBranch}: nothing to revert`,
      );
    const commit = await git.revert(last);
    const diff = await git.showHead();
    const pub = await publish(
      full,
      git,
      `rollback: revert ${last.slice(0, 12)} in ${path.posix.dirname(rel)}`,
      `Reverts ${last}.`,
      `deliverkit/revert-${last.slice(0, 12)}`,
    );
    return { changed: true, commit, file: rel, diff, ...pub };
  } finally {
    await rm(git.dir, { recursive: true, force: true });
  }
}
