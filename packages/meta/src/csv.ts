import { parse } from 'csv-parse/sync';

/**
 * CSV handling the way docker/metadata-action does it: the same parser (csv-parse) with the same
 * options, so that quoting, `#` comments and the odd corner (a comma inside a quoted pattern is
 * lost at list level) give the tags users already get.
 */

/**
 * Splits a multi-line action input into entries: one per line, `#` starts a comment, quotes are
 * relaxed, and the fields of a line are joined back with commas (actions-toolkit's
 * `Util.getInputList(name, {ignoreComma: true, comment: '#'})`).
 */
export function parseMetadataList(raw: string): string[] {
  if (raw === '') return [];
  const records = parse(raw, {
    columns: false,
    relaxQuotes: true,
    comment: '#',
    relaxColumnCount: true,
    skipEmptyLines: true,
  }) as string[][];
  const entries: string[] = [];
  for (const record of records) entries.push(record.length === 1 ? (record[0] as string) : record.join(','));
  return entries.filter((e) => e).map((e) => e.trim());
}

/** The fields of one entry such as `type=semver,"pattern={{version}}"`. */
export function parseEntryFields(entry: string, options: { relaxQuotes?: boolean } = {}): string[] {
  const records = parse(entry, {
    relaxColumnCount: true,
    relaxQuotes: options.relaxQuotes ?? false,
    skipEmptyLines: true,
  }) as string[][];
  return (records[0] ?? []).map((f) => f.toString());
}
