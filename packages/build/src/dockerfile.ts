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

/**
 * The FROM lines of a Dockerfile with global ARG defaults and build args substituted (`${X}`,
 * `$X`, `${X:-default}`), line continuations joined. Used for provenance's resolved dependencies.
 */
export function parseFromLines(dockerfile: string, buildArgs: Record<string, string> = {}): FromLine[] {
  const joined = dockerfile.replace(/\\\r?\n/g, ' ');
  const args: Record<string, string> = {};
  const stages = new Set<string>();
  const out: FromLine[] = [];
  let seenFrom = false;
  for (const raw of joined.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const argMatch = /^ARG\s+([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/i.exec(line);
    if (argMatch && !seenFrom) {
      const name = argMatch[1] as string;
      args[name] = buildArgs[name] ?? unquote(argMatch[2] ?? '');
      continue;
    }
    const fromMatch = /^FROM\s+(.*)$/i.exec(line);
    if (!fromMatch) continue;
    seenFrom = true;
    const words = (fromMatch[1] as string).split(/\s+/);
    let platform: string | undefined;
    while (words[0]?.startsWith('--')) {
      const flag = words.shift() as string;
      if (flag.startsWith('--platform=')) platform = flag.slice('--platform='.length);
    }
    const image = substitute(words[0] ?? '', { ...args, ...buildArgs });
    const stage = words[1]?.toLowerCase() === 'as' ? words[2] : undefined;
    const internal = image === 'scratch' || stages.has(image.toLowerCase());
    out.push({ image, platform, stage, internal });
    if (stage) stages.add(stage.toLowerCase());
  }
  return out;
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
