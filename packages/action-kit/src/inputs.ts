import * as core from '@actions/core';
import { parseReference } from '@deliverkit/oci-core';
import { parseDocument } from 'yaml';
import { InputError, getErrorMessage } from './errors';
import { DEFAULT_LIMITS } from './limits';

/**
 * Typed readers for action inputs. Each reader has a pure `parseX(name, raw)` twin that the tests
 * drive table-style and that callers outside GitHub (the local pipeline) can use with their own
 * values. Every failure is an InputError naming the input and the bad value — except for secret
 * inputs, whose value is masked at once and never quoted.
 */

export interface ReadOptions {
  /** Mask the value with core.setSecret and never quote it in errors. */
  secret?: boolean;
}

/** Reads the raw input as GitHub passes it (INPUT_<NAME>), trimmed; undefined when empty. */
export function readRaw(name: string, options: ReadOptions = {}): string | undefined {
  const value = core.getInput(name, { trimWhitespace: true });
  if (value === '') return undefined;
  if (options.secret) core.setSecret(value);
  return value;
}

function show(value: string, options: ReadOptions): string {
  return options.secret
    ? ''
    : `: got ${JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value)}`;
}

export function getString(name: string, options: ReadOptions = {}): string | undefined {
  return readRaw(name, options);
}

export function getRequiredString(name: string, options: ReadOptions = {}): string {
  const value = readRaw(name, options);
  if (value === undefined) throw new InputError(name, `Input "${name}" is required`, 'INPUT_REQUIRED');
  return value;
}

// YAML 1.2 core schema booleans, which is what GitHub's own getBooleanInput accepts.
const TRUE = new Set(['true', 'True', 'TRUE']);
const FALSE = new Set(['false', 'False', 'FALSE']);

export function parseBoolean(name: string, raw: string): boolean {
  if (TRUE.has(raw)) return true;
  if (FALSE.has(raw)) return false;
  throw new InputError(name, `Input "${name}" must be true or false${show(raw, {})}`);
}

export function getBoolean(name: string, defaultValue: boolean): boolean {
  const raw = readRaw(name);
  return raw === undefined ? defaultValue : parseBoolean(name, raw);
}

export interface IntegerOptions {
  default?: number;
  min?: number;
  max?: number;
}

export function parseInteger(name: string, raw: string, options: IntegerOptions = {}): number {
  if (!/^[+-]?\d+$/.test(raw))
    throw new InputError(name, `Input "${name}" must be a whole number${show(raw, {})}`);
  const value = Number(raw);
  if (!Number.isSafeInteger(value))
    throw new InputError(name, `Input "${name}" is out of range${show(raw, {})}`);
  if (options.min !== undefined && value < options.min) {
    throw new InputError(name, `Input "${name}" must be at least ${options.min}${show(raw, {})}`);
  }
  if (options.max !== undefined && value > options.max) {
    throw new InputError(name, `Input "${name}" must be at most ${options.max}${show(raw, {})}`);
  }
  return value;
}

export function getInteger(name: string, options: IntegerOptions & { default: number }): number;
export function getInteger(name: string, options?: IntegerOptions): number | undefined;
export function getInteger(name: string, options: IntegerOptions = {}): number | undefined {
  const raw = readRaw(name);
  return raw === undefined ? options.default : parseInteger(name, raw, options);
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Durations as Go and kubectl write them: `90s`, `10m`, `1h30m`, `250ms`; a bare number means
 * seconds. Returns milliseconds.
 */
export function parseDuration(name: string, raw: string): number {
  const text = raw.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/gy;
  let total = 0;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = re.exec(text)) !== null) {
    total += Number(match[1]) * UNIT_MS[match[2] as string]!;
    consumed = re.lastIndex;
  }
  if (consumed === 0 || consumed !== text.length) {
    throw new InputError(
      name,
      `Input "${name}" must be a duration such as 90s, 10m or 1h30m${show(raw, {})}`,
    );
  }
  return Math.round(total);
}

export function getDuration(name: string, defaultValue: string): number;
export function getDuration(name: string): number | undefined;
export function getDuration(name: string, defaultValue?: string): number | undefined {
  const raw = readRaw(name) ?? defaultValue;
  return raw === undefined ? undefined : parseDuration(name, raw);
}

export function parseEnum<T extends string>(name: string, raw: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw new InputError(name, `Input "${name}" must be one of ${allowed.join(', ')}${show(raw, {})}`);
}

export function getEnum<T extends string>(name: string, allowed: readonly T[], defaultValue: T): T;
export function getEnum<T extends string>(name: string, allowed: readonly T[]): T | undefined;
export function getEnum<T extends string>(
  name: string,
  allowed: readonly T[],
  defaultValue?: T,
): T | undefined {
  const raw = readRaw(name);
  return raw === undefined ? defaultValue : parseEnum(name, raw, allowed);
}

export interface ListOptions {
  /** Also split on commas (docker's actions accept both newline and comma separated lists). */
  comma?: boolean;
}

/** One item per line (and per comma when asked); blank lines and `#` comment lines are dropped. */
export function parseList(raw: string, options: ListOptions = {}): string[] {
  const items: string[] = [];
  for (const line of raw.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    for (const part of options.comma ? trimmed.split(',') : [trimmed]) {
      const item = part.trim();
      if (item) items.push(item);
    }
  }
  return items;
}

export function getList(name: string, options: ListOptions & ReadOptions = {}): string[] {
  const raw = readRaw(name, options);
  return raw === undefined ? [] : parseList(raw, options);
}

/** `KEY=value` per line (values may contain `=`); keys must be unique. */
export function parseKeyValues(name: string, raw: string, options: ReadOptions = {}): Record<string, string> {
  const result: Record<string, string> = {};
  for (const item of parseList(raw)) {
    const eq = item.indexOf('=');
    if (eq <= 0) {
      throw new InputError(name, `Input "${name}" must hold KEY=value lines${show(item, options)}`);
    }
    const key = item.slice(0, eq).trim();
    if (Object.hasOwn(result, key)) throw new InputError(name, `Input "${name}" sets "${key}" twice`);
    result[key] = item.slice(eq + 1).trim();
  }
  return result;
}

export interface StructuredOptions extends ReadOptions {
  /** Largest accepted input in bytes (default: the yaml-bytes limit, 1 MiB). */
  maxBytes?: number;
}

/** Nesting depth of a parsed value, counting up to `stop` (so a hostile value costs no more than that). */
function nestingDepth(value: unknown, stop: number, depth = 0): number {
  if (depth > stop || value === null || typeof value !== 'object') return depth;
  let deepest = depth + 1;
  for (const child of Array.isArray(value) ? value : Object.values(value as object)) {
    deepest = Math.max(deepest, nestingDepth(child, stop, depth + 1));
    if (deepest > stop) break;
  }
  return deepest;
}

/**
 * An upper bound on how deep a YAML text nests, without parsing it: open flow brackets, plus per line the
 * indentation and the compact `- - -` entries it starts with.
 */
export function roughNesting(raw: string): number {
  let brackets = 0;
  let deepest = 0;
  let lineStart = true;
  let lineDepth = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) brackets++;
    else if ((c === 0x5d || c === 0x7d) && brackets > 0) brackets--;
    if (c === 0x0a) {
      lineStart = true;
      lineDepth = 0;
    } else if (lineStart) {
      if (c === 0x20 || c === 0x09 || c === 0x2d) lineDepth++;
      else lineStart = false;
    }
    deepest = Math.max(deepest, brackets + lineDepth);
  }
  return deepest;
}

/**
 * YAML (and so JSON) inputs. Bounded by the yaml-bytes, yaml-aliases and yaml-depth limits, so that a
 * "billion laughs" or a deeply nested document fails naming the input instead of eating the runner's
 * memory or stack. ~10 000 nested brackets once aborted the process (V8 "RegExpCompiler Allocation failed":
 * a regular expression compiled while the parser's recursion was near the stack limit;
 * test/fixtures/hostile/yaml-deep-flow.yaml), so the nesting is bounded before the parser runs.
 */
export function parseStructured<T = unknown>(name: string, raw: string, options: StructuredOptions = {}): T {
  const maxBytes = options.maxBytes ?? DEFAULT_LIMITS['yaml-bytes'];
  if (Buffer.byteLength(raw) > maxBytes) {
    throw new InputError(
      name,
      `Input "${name}" is larger than ${maxBytes} bytes (the yaml-bytes limit)`,
      'INPUT_TOO_LARGE',
    );
  }
  // The parser recurses once per nesting level, and V8 aborts the whole process (not a catchable RangeError) when a
  // regular expression is compiled near the stack limit: bound the nesting before parsing, conservatively
  // (brackets inside quoted strings count too; no legitimate input comes near).
  const depthLimit = DEFAULT_LIMITS['yaml-depth'];
  if (roughNesting(raw) > 4 * depthLimit) {
    throw new InputError(
      name,
      `Input "${name}" nests deeper than ${depthLimit} levels (the yaml-depth limit)`,
      'INPUT_TOO_LARGE',
    );
  }
  const doc = parseDocument(raw, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const detail = options.secret ? '' : `: ${doc.errors[0]!.message.split('\n')[0]}`;
    throw new InputError(name, `Input "${name}" is not valid YAML or JSON${detail}`);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: DEFAULT_LIMITS['yaml-aliases'] });
  } catch (e) {
    const detail = options.secret ? '' : `: ${getErrorMessage(e)}`;
    throw new InputError(
      name,
      `Input "${name}" could not be read (at most ${DEFAULT_LIMITS['yaml-aliases']} alias expansions, the yaml-aliases limit)${detail}`,
      'INPUT_INVALID',
      { cause: e },
    );
  }
  if (nestingDepth(value, depthLimit) > depthLimit) {
    throw new InputError(
      name,
      `Input "${name}" nests deeper than ${depthLimit} levels (the yaml-depth limit)`,
      'INPUT_TOO_LARGE',
    );
  }
  return value as T;
}

export function getStructured<T = unknown>(name: string, options: StructuredOptions = {}): T | undefined {
  const raw = readRaw(name, options);
  return raw === undefined ? undefined : parseStructured<T>(name, raw, options);
}

/**
 * Checks an image reference with @deliverkit/oci-core's parser (the distribution grammar: optional registry host with
 * port, lowercase path components, optional tag, optional sha256/sha512 digest) and returns it as written.
 */
export function parseImageReference(name: string, raw: string): string {
  let problem: unknown;
  try {
    parseReference(raw, { input: name });
  } catch (e) {
    problem = e;
  }
  // The core parser trims what it reads; the value is returned as written, so it must have nothing to trim.
  if (problem !== undefined || raw !== raw.trim()) {
    throw new InputError(
      name,
      `Input "${name}" is not a valid image reference (expected [registry/]name[:tag][@sha256:digest])${show(raw, {})}`,
      'INPUT_INVALID',
      { cause: problem },
    );
  }
  return raw;
}

export function getImageReference(name: string, options: { required: true }): string;
export function getImageReference(name: string, options?: { required?: boolean }): string | undefined;
export function getImageReference(name: string, options: { required?: boolean } = {}): string | undefined {
  const raw = options.required ? getRequiredString(name) : readRaw(name);
  return raw === undefined ? undefined : parseImageReference(name, raw);
}

/** Any other parser: a thrown error becomes an InputError naming the input (and the value unless secret). */
export function parseWith<T>(
  name: string,
  raw: string,
  parse: (value: string) => T,
  options: ReadOptions = {},
): T {
  try {
    return parse(raw);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const detail = options.secret ? '' : ` (${getErrorMessage(e)})${show(raw, options)}`;
    throw new InputError(name, `Input "${name}" is invalid${detail}`, 'INPUT_INVALID', { cause: e });
  }
}
