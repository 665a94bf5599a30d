// Uploads files as one workflow artifact (a zip), the way @actions/artifact's uploadArtifact does it with
// the v4 artifact service: CreateArtifact (Twirp JSON) for a signed upload URL, the zip put there as Azure block
// blob blocks and committed with a block list, then FinalizeArtifact with the zip's size and sha256. That package
// also carries download, listing, deletion, the Azure Storage SDK and archiver (1.9 MB of the sbom bundle, over
// its 5 MB limit, #17) for these three requests and a zip of a few small files. HTTP goes through
// @actions/http-client, which honours the runner's proxy settings as @actions/artifact does.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { deflateRawSync } from 'node:zlib';
import { HttpClient } from '@actions/http-client';
import { BaseError } from './errors';
import { type Logger, silentLogger } from './logger';

export type ArtifactUploadErrorCode =
  'NAME_INVALID' | 'RUNTIME_MISSING' | 'FILE_OUTSIDE_ROOT' | 'TOO_LARGE' | 'SERVICE_FAILED';

/** The artifact could not be uploaded; `code` says why, `cause` keeps the HTTP or file error. */
export class ArtifactUploadError extends BaseError<ArtifactUploadErrorCode> {}

const SERVICE = 'github.actions.results.api.v1.ArtifactService';
/** The blob service version @azure/storage-blob 12.31 sends (what @actions/artifact 6.2.1 uploads with). */
const BLOB_SERVICE_VERSION = '2026-02-06';
const BLOCK_SIZE = 8 * 1024 * 1024;
const ATTEMPTS = 5;

/** Characters @actions/artifact refuses in an artifact name (NTFS and download limits). */
const INVALID_NAME_CHARACTERS = ['"', ':', '<', '>', '|', '*', '?', '\r', '\n', '\\', '/'];

export interface UploadedArtifact {
  id: number;
  size: number;
  /** sha256 of the uploaded zip, hex. */
  digest: string;
}

/** The runner's artifact service: ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL, read (and masked) by the caller. */
export interface ArtifactRuntime {
  token: string | undefined;
  resultsUrl: string | undefined;
}

export interface ArtifactUploadOptions {
  runtime: ArtifactRuntime;
  logger?: Logger;
  /** First retry delay (ms); doubled per attempt. */
  retryDelayMs?: number;
}

/** `files` (under `rootDirectory`) zipped under their paths relative to it, uploaded as artifact `name`. */
export async function uploadArtifact(
  name: string,
  files: string[],
  rootDirectory: string,
  options: ArtifactUploadOptions,
): Promise<UploadedArtifact> {
  const logger = options.logger ?? silentLogger;
  if (!name) throw new ArtifactUploadError('NAME_INVALID', 'The artifact name is empty');
  const bad = INVALID_NAME_CHARACTERS.find((c) => name.includes(c));
  if (bad)
    throw new ArtifactUploadError(
      'NAME_INVALID',
      `The artifact name is not valid: ${name}. It contains ${JSON.stringify(bad)}; names may not contain ${INVALID_NAME_CHARACTERS.map((c) => JSON.stringify(c)).join(' ')}`,
    );
  const { token, resultsUrl } = options.runtime;
  if (!token)
    throw new ArtifactUploadError('RUNTIME_MISSING', 'Unable to get the ACTIONS_RUNTIME_TOKEN env variable');
  if (!resultsUrl)
    throw new ArtifactUploadError('RUNTIME_MISSING', 'Unable to get the ACTIONS_RESULTS_URL env variable');
  const ids = backendIds(token);
  const zip = await zipFiles(files, rootDirectory);
  const http = new HttpClient('deliverkit-sbom');
  const delay = options.retryDelayMs ?? 3000;

  const twirp = async (method: string, body: object): Promise<Record<string, unknown>> => {
    const url = new URL(`/twirp/${SERVICE}/${method}`, resultsUrl).href;
    return retrying(`${method}`, ATTEMPTS, delay, logger, async () => {
      const res = await http.post(url, JSON.stringify(body), {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${token}`,
      });
      const text = await res.readBody();
      const status = res.message.statusCode ?? 0;
      if (status >= 200 && status < 300) return JSON.parse(text) as Record<string, unknown>;
      let detail = '';
      try {
        detail = String((JSON.parse(text) as { msg?: unknown }).msg ?? '');
      } catch {
        // not a Twirp error body
      }
      throw new HttpStatusError(status, `${method}: HTTP ${status}${detail ? `: ${detail}` : ''}`);
    });
  };

  // The service answers in protobuf JSON: field names as declared (snake_case) or lowerCamelCase (act's server).
  const field = (o: Record<string, unknown>, snake: string, camel: string) => o[snake] ?? o[camel];
  const created = await twirp('CreateArtifact', {
    workflow_run_backend_id: ids.run,
    workflow_job_run_backend_id: ids.job,
    name,
    mime_type: 'application/zip',
    version: 7,
  });
  const uploadUrl = field(created, 'signed_upload_url', 'signedUploadUrl');
  if (created.ok !== true || typeof uploadUrl !== 'string')
    throw new ArtifactUploadError('SERVICE_FAILED', 'CreateArtifact: response from backend was not ok');

  logger.info(`Uploading artifact: ${name}.zip (${zip.length} bytes)`);
  const blockIds: string[] = [];
  for (let offset = 0, i = 0; offset < zip.length || i === 0; offset += BLOCK_SIZE, i++) {
    const id = Buffer.from(`deliverkit-block-${String(i).padStart(6, '0')}`).toString('base64');
    blockIds.push(id);
    await putBlob(
      http,
      withQuery(uploadUrl, { comp: 'block', blockid: id }),
      zip.subarray(offset, offset + BLOCK_SIZE),
      {},
      delay,
      logger,
    );
  }
  const blockList = `<?xml version="1.0" encoding="utf-8"?><BlockList>${blockIds.map((id) => `<Latest>${id}</Latest>`).join('')}</BlockList>`;
  await putBlob(
    http,
    withQuery(uploadUrl, { comp: 'blocklist' }),
    Buffer.from(blockList),
    { 'Content-Type': 'application/xml', 'x-ms-blob-content-type': 'application/zip' },
    delay,
    logger,
  );

  const digest = createHash('sha256').update(zip).digest('hex');
  const finalized = await twirp('FinalizeArtifact', {
    workflow_run_backend_id: ids.run,
    workflow_job_run_backend_id: ids.job,
    name,
    size: String(zip.length),
    hash: `sha256:${digest}`,
  });
  const id = field(finalized, 'artifact_id', 'artifactId');
  if (finalized.ok !== true || id === undefined)
    throw new ArtifactUploadError('SERVICE_FAILED', 'FinalizeArtifact: response from backend was not ok');
  return { id: Number(id), size: zip.length, digest };
}

class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Retries network errors and the statuses @actions/artifact retries (500, 502, 503, 504, 429). */
async function retrying<T>(
  what: string,
  attempts: number,
  delayMs: number,
  logger: Logger,
  operation: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (e) {
      const retryable = !(e instanceof HttpStatusError) || [429, 500, 502, 503, 504].includes(e.status);
      if (!retryable)
        throw new ArtifactUploadError('SERVICE_FAILED', `${what} failed: ${(e as Error).message}`, {
          cause: e,
        });
      if (attempt >= attempts)
        throw new ArtifactUploadError(
          'SERVICE_FAILED',
          `${what} failed after ${attempts} attempts: ${(e as Error).message}`,
          { cause: e },
        );
      const wait = delayMs * 2 ** (attempt - 1);
      logger.info(
        `${what}: attempt ${attempt} of ${attempts} failed (${(e as Error).message}); retrying in ${wait} ms`,
      );
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

async function putBlob(
  http: HttpClient,
  url: string,
  body: Buffer,
  headers: Record<string, string>,
  delayMs: number,
  logger: Logger,
): Promise<void> {
  await retrying('blob upload', ATTEMPTS, delayMs, logger, async () => {
    const res = await http.request('PUT', url, Readable.from([body]), {
      ...headers,
      'Content-Length': String(body.length),
      'x-ms-version': BLOB_SERVICE_VERSION,
    });
    const text = await res.readBody();
    const status = res.message.statusCode ?? 0;
    if (status < 200 || status >= 300)
      throw new HttpStatusError(
        status,
        `blob upload: HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`,
      );
  });
}

function withQuery(url: string, query: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
  return u.href;
}

/** The run and job ids of the token's `Actions.Results:<run>:<job>` scope. */
export function backendIds(token: string): { run: string; job: string } {
  let scp: unknown;
  try {
    scp = (
      JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { scp?: unknown }
    ).scp;
  } catch {
    scp = undefined;
  }
  for (const scope of typeof scp === 'string' ? scp.split(' ') : []) {
    const parts = scope.split(':');
    if (parts[0] !== 'Actions.Results') continue;
    if (parts.length === 3 && parts[1] && parts[2]) return { run: parts[1], job: parts[2] };
  }
  throw new ArtifactUploadError(
    'RUNTIME_MISSING',
    'Failed to get backend IDs: the ACTIONS_RUNTIME_TOKEN has no Actions.Results scope',
  );
}

/** A zip of `files` under their paths relative to `root` (deflate, UTF-8 names, Unix modes). */
export async function zipFiles(files: string[], root: string): Promise<Buffer> {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const names = new Set<string>();
  for (const file of files) {
    const relative = path.relative(root, file);
    if (!relative || relative.startsWith('..') || path.isAbsolute(relative))
      throw new ArtifactUploadError(
        'FILE_OUTSIDE_ROOT',
        `The file ${file} is not under the artifact's root directory ${root}`,
      );
    const name = relative.split(path.sep).join('/');
    if (names.has(name)) continue;
    names.add(name);
    const [data, info] = await Promise.all([readFile(file), stat(file)]);
    const compressed = deflateRawSync(data, { level: 6 });
    if (data.length >= 0xffffffff || offset >= 0xffffffff || files.length >= 0xffff)
      throw new ArtifactUploadError('TOO_LARGE', 'The SBOM artifact is too large for a zip without zip64');
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const { time, date } = dosTime(info.mtime);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // UTF-8 name
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, 2.0
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt16LE(time, 12);
    entry.writeUInt16LE(date, 14);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(compressed.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE(((0o100000 | (info.mode & 0o777)) << 16) >>> 0, 38); // regular file, its permissions
    entry.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, compressed);
    central.push(entry, nameBytes);
    offset += local.length + nameBytes.length + compressed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(names.size, 8);
  end.writeUInt16LE(names.size, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

function dosTime(d: Date): { time: number; date: number } {
  const year = Math.max(1980, d.getFullYear());
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
