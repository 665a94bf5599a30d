import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (three levels above testing/testbed/src). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Where scripts/testbed.sh and these helpers keep their state (gitignored). */
export const testbedDir = path.join(repoRoot, '.testbed');

/** The two-platform busybox base image built by scripts/testbed.sh, as an OCI layout with the tag `latest`. */
export const baseImageLayout = path.join(testbedDir, 'base', 'oci');
