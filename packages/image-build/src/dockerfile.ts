// A small Dockerfile reader written here rather than taken from a library: the npm Dockerfile parsers
// (dockerfile-ast, docker-file-parser) either pull in a language server or do not keep the physical
// line spans a rewrite needs. Only what the build needs is read: parser directives, global ARGs, FROM
// lines (with ARG substitution) and heredocs, so a heredoc body is never mistaken for an instruction.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { BuildError } from './errors';

/** A `FROM` line of a Dockerfile, after ARG substitution. */
export interface FromLine {
  /** The image reference (`scratch`, a stage name, or an image). */
  image: string;
  /** The `--platform=` value as written (e.g. `$BUILDPLATFORM`). */
  platform?: string;
  /** `AS name`. */
  stage?: string;
  /** True when `image` names an earlier stage or is `scratch`: not a base image. */
  internal: boolean;
}

/** A FROM line and where it sits, for rewriting. */
export interface LocatedFromLine extends FromLine {
  /** First and last physical line (0-based, inclusive) of the instruction. */
  span: [number, number];
  /** `--platform=` after substitution ('' when the value named only unset ARGs). */
  resolvedPlatform?: string;
}

interface LogicalLine {
  text: string;
  span: [number, number];
}

/** `# escape=\`` among the parser directives at the top of the file; `\` otherwise. */
function escapeChar(lines: string[]): string {
  for (const raw of lines) {
    const m = /^#\s*([a-zA-Z]+)\s*=\s*(\S*)\s*$/.exec(raw.trim());
    if (!m) break;
    if ((m[1] as string).toLowerCase() === 'escape' && (m[2] === '`' || m[2] === '\\')) return m[2];
  }
  return '\\';
}

/**
 * Instructions as logical lines: continuations joined (comment lines inside a continuation are
 * dropped, as BuildKit does), blank and comment lines skipped, heredoc bodies skipped.
 */
function logicalLines(dockerfile: string): LogicalLine[] {
  const lines = dockerfile.split(/\r?\n/);
  const escape = escapeChar(lines);
  const out: LogicalLine[] = [];
  let i = 0;
  while (i < lines.length) {
    const first = (lines[i] as string).trim();
    if (!first || first.startsWith('#')) {
      i++;
      continue;
    }
    const start = i;
    let text = '';
    for (;;) {
      const raw = (lines[i] as string).replace(/\s+$/, '');
      const continued = raw.endsWith(escape);
      text += continued ? `${raw.slice(0, -1)} ` : raw;
      i++;
      if (!continued) break;
      // Skip comment lines inside the continuation; stop at the end of the file.
      while (i < lines.length && /^\s*#/.test(lines[i] as string)) i++;
      if (i >= lines.length) break;
    }
    out.push({ text: text.trim(), span: [start, i - 1] });
    // Heredocs (`RUN <<EOF`, `COPY <<-"EOT" /x`): skip their bodies up to each terminator.
    for (const m of text.matchAll(/<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g)) {
      const strip = m[1] === '-';
      const word = m[3] as string;
      while (i < lines.length) {
        const body = lines[i] as string;
        i++;
        if ((strip ? body.replace(/^\t+/, '') : body) === word) break;
      }
    }
  }
  return out;
}

/**
 * The build platform's and target platform's automatic ARGs (BuildKit's `BUILDPLATFORM`,
 * `TARGETARCH`, …), which FROM lines may use without declaring them.
 */
export function platformArgs(
  build: { os: string; architecture: string; variant?: string },
  target: { os: string; architecture: string; variant?: string },
): Record<string, string> {
  const fmt = (p: typeof build) => `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
  return {
    BUILDPLATFORM: fmt(build),
    BUILDOS: build.os,
    BUILDARCH: build.architecture,
    BUILDVARIANT: build.variant ?? '',
    TARGETPLATFORM: fmt(target),
    TARGETOS: target.os,
    TARGETARCH: target.architecture,
    TARGETVARIANT: target.variant ?? '',
  };
}

/**
 * The FROM lines of a Dockerfile with global ARG defaults and build args substituted (`${X}`,
 * `$X`, `${X:-default}`), line continuations joined. `automatic` supplies the platform ARGs
 * (see {@link platformArgs}); a declared global ARG or a build arg of the same name wins.
 */
export function locateFromLines(
  dockerfile: string,
  buildArgs: Record<string, string> = {},
  automatic: Record<string, string> = {},
): LocatedFromLine[] {
  const args: Record<string, string> = {};
  const stages = new Set<string>();
  const out: LocatedFromLine[] = [];
  let seenFrom = false;
  for (const { text: line, span } of logicalLines(dockerfile)) {
    const argMatch = /^ARG\s+([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/i.exec(line);
    if (argMatch && !seenFrom) {
      const name = argMatch[1] as string;
      const value = buildArgs[name] ?? (argMatch[2] !== undefined ? unquote(argMatch[2]) : automatic[name]);
      args[name] = substitute(value ?? '', { ...automatic, ...args });
      continue;
    }
    const fromMatch = /^FROM\s+(.*)$/i.exec(line);
    if (!fromMatch) continue;
    seenFrom = true;
    const vars = { ...automatic, ...args, ...buildArgs };
    const words = (fromMatch[1] as string).split(/\s+/);
    let platform: string | undefined;
    while (words[0]?.startsWith('--')) {
      const flag = words.shift() as string;
      if (flag.startsWith('--platform=')) platform = flag.slice('--platform='.length);
    }
    const image = substitute(words[0] ?? '', vars);
    const stage = words[1]?.toLowerCase() === 'as' ? words[2] : undefined;
    const internal = image === 'scratch' || stages.has(image.toLowerCase());
    const located: LocatedFromLine = { image, platform, stage, internal, span };
    if (platform !== undefined) located.resolvedPlatform = substitute(platform, vars);
    out.push(located);
    if (stage) stages.add(stage.toLowerCase());
  }
  return out;
}

/** {@link locateFromLines} without the spans: what provenance and plans read. */
export function parseFromLines(dockerfile: string, buildArgs: Record<string, string> = {}): FromLine[] {
  return locateFromLines(dockerfile, buildArgs).map(({ image, platform, stage, internal }) => ({
    image,
    platform,
    stage,
    internal,
  }));
}

/**
 * Rewrites FROM lines: each entry of `replacements` (keyed by the index among the FROM lines)
 * becomes `FROM <image> [AS stage]`, with no `--platform` flag — the image is then a single
 * platform's manifest pinned by digest. Every other line is kept byte for byte, and the line count
 * too.
 */
export function rewriteFromLines(dockerfile: string, replacements: Map<number, string>): string {
  const from = locateFromLines(dockerfile);
  const lines = dockerfile.split(/(?<=\n)/);
  const replaced = new Map<number, string>();
  for (const [index, image] of replacements) {
    const line = from[index];
    if (!line) throw new BuildError('BUILD_FAILED', `the Dockerfile has no FROM line #${index + 1}`);
    const eol = /\r?\n$/.exec(lines[line.span[0]] as string)?.[0] ?? '';
    replaced.set(line.span[0], `FROM ${image}${line.stage ? ` AS ${line.stage}` : ''}${eol}`);
    // Continuation lines become empty lines: line numbers in the builder's errors stay the user's.
    for (let i = line.span[0] + 1; i <= line.span[1]; i++) {
      replaced.set(i, /\r?\n$/.exec(lines[i] as string)?.[0] ?? '');
    }
  }
  return lines.map((l, i) => replaced.get(i) ?? l).join('');
}

function unquote(v: string): string {
  const t = v.trim();
  return /^(["']).*\1$/.test(t) ? t.slice(1, -1) : t;
}

function substitute(text: string, vars: Record<string, string>): string {
  return text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_m, braced, op, word, bare) => {
      const name = (braced ?? bare) as string;
      const value = vars[name];
      if (op === '-') return value ? value : (word as string);
      if (op === '+') return value ? (word as string) : '';
      return value ?? '';
    },
  );
}

/** The Dockerfile buildah would read: `file` (relative to the working directory, else the context), or the context's Containerfile/Dockerfile. */
export function dockerfilePath(spec: { context: string; file?: string }): string {
  if (spec.file) {
    if (path.isAbsolute(spec.file) || existsSync(spec.file)) return spec.file;
    const inContext = path.join(spec.context, spec.file);
    return existsSync(inContext) ? inContext : spec.file;
  }
  const containerfile = path.join(spec.context, 'Containerfile');
  return existsSync(containerfile) ? containerfile : path.join(spec.context, 'Dockerfile');
}
