// A release pins the starters (workflows/*.yml) to its own commit: every `uses:
// deliverkit/deliverkit/.github/workflows/…@<sha>` (and `…/actions/<name>@<sha>`) gets the release commit's full SHA, so an adopter who copies a
// starter runs exactly that commit — workflows and, through each workflow's toolkit job, its actions.
//
//   node scripts/pin-starters.mjs <40-hex commit>      # rewrites workflows/*.yml in place
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the starters carry between releases: a full-SHA placeholder, never a tag or branch. */
export const STARTER_PLACEHOLDER = '0000000000000000000000000000000000000000';

const USES =
  /(uses: deliverkit\/deliverkit\/(?:\.github\/workflows\/[\w.-]+\.yml|actions\/[\w-]+))@[0-9a-f]{40}/g;

export function pinStarter(text, sha) {
  if (!/^[0-9a-f]{40}$/.test(sha))
    throw new Error(`pin-starters: expected a full 40-hex commit SHA, got "${sha}"`);
  return text.replace(USES, `$1@${sha}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const sha = process.argv[2] ?? '';
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'workflows');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.yml'))) {
    const file = path.join(dir, f);
    writeFileSync(file, pinStarter(readFileSync(file, 'utf8'), sha));
    console.log(`pin-starters: ${f} → ${sha}`);
  }
}
