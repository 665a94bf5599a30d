import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, stat } from 'node:fs/promises';
import * as path from 'node:path';
import * as tc from '@actions/tool-cache';
import { BaseError, getErrorMessage } from './errors';
import { type Logger, silentLogger } from './logger';

export interface ToolSpec {
  /** Tool name, e.g. `cosign`; also the tool-cache key. */
  name: string;
  /** Exact version; ranges are not accepted because the checksum pins one artifact. */
  version: string;
  /** Download URL of the archive or binary for this platform. */
  url: string;
  /** Expected sha256 (hex) of the downloaded file. */
  sha256: string;
  /** How the download is packaged. */
  format: 'binary' | 'tar.gz' | 'zip';
  /** Path of the executable inside the archive (for `binary`, the file name to install as). */
  binary: string;
  /** Architecture key for the cache (default: process.arch). */
  arch?: string;
}

export type ToolInstallErrorCode = 'CHECKSUM_MISMATCH' | 'DOWNLOAD_FAILED' | 'BINARY_MISSING';

export class ToolInstallError extends BaseError<ToolInstallErrorCode> {}

export interface InstalledTool {
  /** Absolute path of the executable. */
  path: string;
  /** Where it came from: the runner's tool cache, the Actions cache, or a fresh download. */
  source: 'tool-cache' | 'actions-cache' | 'download';
}

/**
 * Installs a pinned CLI on a GitHub runner: the runner's tool cache first, then the Actions cache,
 * then a download whose sha256 must match the pinned one. A mismatch never reaches the tool cache.
 */
export async function installTool(spec: ToolSpec, logger: Logger = silentLogger): Promise<InstalledTool> {
  const arch = spec.arch ?? process.arch;
  const cached = tc.find(spec.name, spec.version, arch);
  if (cached) return { path: await executable(cached, spec), source: 'tool-cache' };

  // The Actions cache client (with the Azure Storage SDK, about 2 MB bundled) only once the runner's tool cache
  // misses: a step that never installs a tool does not load it (#17).
  const cache = await import('@actions/cache');
  const cacheKey = `deliverkit-tool-${spec.name}-${spec.version}-${arch}-${spec.sha256.slice(0, 16)}`;
  const cacheDirPath = path.join(process.env.RUNNER_TOOL_CACHE ?? '', spec.name, spec.version, arch);
  if (cache.isFeatureAvailable()) {
    try {
      if (await cache.restoreCache([cacheDirPath], cacheKey)) {
        logger.debug(`installTool: ${spec.name} ${spec.version} restored from the Actions cache`);
        return { path: await executable(cacheDirPath, spec), source: 'actions-cache' };
      }
    } catch (e) {
      logger.debug(`installTool: cache restore failed: ${getErrorMessage(e)}`);
    }
  }

  let downloaded: string;
  try {
    downloaded = await tc.downloadTool(spec.url);
  } catch (e) {
    throw new ToolInstallError(
      'DOWNLOAD_FAILED',
      `Could not download ${spec.name} ${spec.version} from ${spec.url}: ${getErrorMessage(e)}`,
      { cause: e },
    );
  }
  const actual = await sha256File(downloaded);
  if (actual !== spec.sha256.toLowerCase()) {
    throw new ToolInstallError(
      'CHECKSUM_MISMATCH',
      `Checksum mismatch for ${spec.name} ${spec.version} from ${spec.url}: expected sha256 ${spec.sha256}, got ${actual}. The download was discarded.`,
    );
  }

  let dir: string;
  if (spec.format === 'binary') {
    dir = await tc.cacheFile(downloaded, spec.binary, spec.name, spec.version, arch);
  } else {
    const extracted =
      spec.format === 'zip' ? await tc.extractZip(downloaded) : await tc.extractTar(downloaded);
    dir = await tc.cacheDir(extracted, spec.name, spec.version, arch);
  }
  const bin = await executable(dir, spec);
  if (cache.isFeatureAvailable()) {
    try {
      await cache.saveCache([dir], cacheKey);
    } catch (e) {
      logger.debug(`installTool: cache save failed: ${getErrorMessage(e)}`);
    }
  }
  return { path: bin, source: 'download' };
}

async function executable(dir: string, spec: ToolSpec): Promise<string> {
  const bin = path.join(dir, spec.binary);
  try {
    await stat(bin);
  } catch {
    throw new ToolInstallError(
      'BINARY_MISSING',
      `${spec.name} ${spec.version}: ${spec.binary} not found in the downloaded ${spec.format}`,
    );
  }
  await chmod(bin, 0o755);
  return bin;
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => hash.update(d))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
