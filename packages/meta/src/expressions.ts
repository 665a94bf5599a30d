import Handlebars from 'handlebars';
import type momentTimezone from 'moment-timezone';
import type { GitHubContext } from './context';
import { MetaError } from './errors';

/**
 * Handlebars expressions as metadata-action evaluates them: the same template engine (so escaping,
 * spacing such as `{{ raw }}` and unquoted arguments behave the same) and moment formats for dates.
 */

const hb = Handlebars.create();

/**
 * moment-timezone, loaded by computeMetadata only when a template may format a date: loading its zone table takes
 * tens of milliseconds, which every run (and every step that fails on its inputs) paid at start-up (#17).
 */
let moment: typeof momentTimezone | undefined;

export async function loadDateFormatting(): Promise<void> {
  moment ??= (await import('moment-timezone')).default;
}

interface HelperOptions {
  hash: Record<string, unknown>;
}

/** `{{date 'YYYYMMDD' tz='Asia/Tokyo'}}`: a moment format, UTC unless `tz` is given. */
function dateHelper(date: Date) {
  return function (format: unknown, options?: HelperOptions): string {
    // Called without a format, Handlebars passes its options object first.
    const opts = options ?? (format as HelperOptions);
    const fmt = options === undefined ? undefined : format;
    let tz = 'UTC';
    for (const key of Object.keys(opts?.hash ?? {})) {
      if (key !== 'tz') throw new MetaError('TEMPLATE_INVALID', `Unknown ${key} attribute`);
      tz = String(opts.hash[key]);
    }
    if (!moment)
      throw new MetaError(
        'DATE_FORMATTING_UNLOADED',
        'date formatting is not loaded (computeMetadata loads it for templates)',
      );
    if (!moment.tz.zone(tz)) throw new MetaError('TEMPLATE_INVALID', `Unknown time zone "${tz}"`);
    return moment(date)
      .tz(tz)
      .format(fmt as string | undefined);
  };
}

export interface ExpressionScope {
  context: GitHubContext;
  now: Date;
  shortShaLength: number;
}

export function shortSha(sha: string, length: number): string {
  return length >= sha.length ? sha : sha.substring(0, length);
}

/** `{{is_default_branch}}`: the payload's default branch, or events that always run on it. */
export function isDefaultBranch(context: GitHubContext): boolean {
  const branch = context.ref.replace(/^refs\/heads\//g, '');
  if (!branch) return false;
  const repository = context.payload['repository'] as { default_branch?: unknown } | undefined;
  if (repository?.default_branch === branch) return true;
  return /create|discussion|issues|schedule/.test(context.eventName);
}

/** The global expressions every value, prefix, suffix, enable and label may use. */
export function renderGlobal(template: string, scope: ExpressionScope): string {
  const { context } = scope;
  const vars = {
    branch: () => (/^refs\/heads\//.test(context.ref) ? context.ref.replace(/^refs\/heads\//g, '') : ''),
    tag: () => (/^refs\/tags\//.test(context.ref) ? context.ref.replace(/^refs\/tags\//g, '') : ''),
    sha: () => shortSha(context.sha, scope.shortShaLength),
    base_ref: () => {
      const baseRef = context.payload['base_ref'];
      if (/^refs\/tags\//.test(context.ref) && baseRef != undefined) {
        return String(baseRef).replace(/^refs\/heads\//g, '');
      }
      const pr = context.payload['pull_request'] as { base?: { ref?: unknown } } | undefined;
      if (/^refs\/pull\//.test(context.ref) && pr?.base?.ref != undefined) return String(pr.base.ref);
      return '';
    },
    commit_date: dateHelper(context.commitDate),
    date: dateHelper(scope.now),
    is_default_branch: () => String(isDefaultBranch(context)),
    is_not_default_branch: () => String(!isDefaultBranch(context)),
  };
  return hb.compile(template)(vars);
}

/** `type=schedule` patterns only know `date` and `commit_date`. */
export function renderSchedule(pattern: string, scope: ExpressionScope): string {
  return hb.compile(pattern)({
    date: dateHelper(scope.now),
    commit_date: dateHelper(scope.context.commitDate),
  });
}

/** Renders a pattern against any value object (a parsed semver, or pep440 accessors). */
export function renderWith(pattern: string, values: object): string {
  return hb.compile(pattern)(values);
}

/** True when the pattern is exactly one `{{raw}}` (spaces allowed): pre-releases then keep it. */
export function isRawStatement(pattern: string): boolean {
  try {
    const program = hb.parseWithoutProcessing(pattern);
    const only = program.body.length === 1 ? program.body[0] : undefined;
    if (only?.type !== 'MustacheStatement') return false;
    const path = (only as hbs.AST.MustacheStatement).path as hbs.AST.PathExpression;
    return path.parts?.length === 1 && path.parts[0] === 'raw';
  } catch {
    return false;
  }
}
