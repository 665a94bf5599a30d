export const id = 765;
export const ids = [765];
export const modules = {

/***/ 1765:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  main: () => (/* binding */ main)
});

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./node_modules/.pnpm/@actions+core@3.0.1_patch_hash=d0b80bc56d6f80bc514f67ef975951fbda464788b3aa5d8fb603b456c85c83ad/node_modules/@actions/core/lib/core.js + 6 modules
var core = __webpack_require__(2687);
// EXTERNAL MODULE: ./packages/action-kit/src/logger.ts
var src_logger = __webpack_require__(6718);
// EXTERNAL MODULE: ./packages/action-kit/src/image-record.ts
var image_record = __webpack_require__(6923);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(8522);
// EXTERNAL MODULE: ./node_modules/.pnpm/@actions+http-client@4.0.1/node_modules/@actions/http-client/lib/index.js + 1 modules
var lib = __webpack_require__(343);
// EXTERNAL MODULE: ./packages/action-kit/src/errors.ts
var errors = __webpack_require__(1901);
;// CONCATENATED MODULE: ./packages/action-kit/src/artifact-upload.ts








class ArtifactUploadError extends errors/* BaseError */.Cf {
}
const SERVICE = 'github.actions.results.api.v1.ArtifactService';
const BLOB_SERVICE_VERSION = '2026-02-06';
const BLOCK_SIZE = 8 * 1024 * 1024;
const ATTEMPTS = 5;
const INVALID_NAME_CHARACTERS = ['"', ':', '<', '>', '|', '*', '?', '\r', '\n', '\\', '/'];
async function uploadArtifact(name, files, rootDirectory, options) {
    const logger = options.logger ?? src_logger/* silentLogger */.q;
    if (!name)
        throw new ArtifactUploadError('NAME_INVALID', 'The artifact name is empty');
    const bad = INVALID_NAME_CHARACTERS.find((c) => name.includes(c));
    if (bad)
        throw new ArtifactUploadError('NAME_INVALID', `The artifact name is not valid: ${name}. It contains ${JSON.stringify(bad)}; names may not contain ${INVALID_NAME_CHARACTERS.map((c) => JSON.stringify(c)).join(' ')}`);
    const { token, resultsUrl } = options.runtime;
    if (!token)
        throw new ArtifactUploadError('RUNTIME_MISSING', 'Unable to get the ACTIONS_RUNTIME_TOKEN env variable');
    if (!resultsUrl)
        throw new ArtifactUploadError('RUNTIME_MISSING', 'Unable to get the ACTIONS_RESULTS_URL env variable');
    const ids = backendIds(token);
    const zip = await zipFiles(files, rootDirectory);
    const http = new lib/* HttpClient */.Qq('deliverkit-sbom');
    const delay = options.retryDelayMs ?? 3000;
    const twirp = async (method, body) => {
        const url = new URL(`/twirp/${SERVICE}/${method}`, resultsUrl).href;
        return retrying(`${method}`, ATTEMPTS, delay, logger, async () => {
            const res = await http.post(url, JSON.stringify(body), {
                'Content-Type': 'application/json',
                Authorization: `Bearer ${token}`,
            });
            const text = await res.readBody();
            const status = res.message.statusCode ?? 0;
            if (status >= 200 && status < 300)
                return JSON.parse(text);
            let detail = '';
            try {
                detail = String(JSON.parse(text).msg ?? '');
            }
            catch {
            }
            throw new HttpStatusError(status, `${method}: HTTP ${status}${detail ? `: ${detail}` : ''}`);
        });
    };
    const field = (o, snake, camel) => o[snake] ?? o[camel];
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
    const blockIds = [];
    for (let offset = 0, i = 0; offset < zip.length || i === 0; offset += BLOCK_SIZE, i++) {
        const id = Buffer.from(`deliverkit-block-${String(i).padStart(6, '0')}`).toString('base64');
        blockIds.push(id);
        await putBlob(http, withQuery(uploadUrl, { comp: 'block', blockid: id }), zip.subarray(offset, offset + BLOCK_SIZE), {}, delay, logger);
    }
    const blockList = `<?xml version="1.0" encoding="utf-8"?><BlockList>${blockIds.map((id) => `<Latest>${id}</Latest>`).join('')}</BlockList>`;
    await putBlob(http, withQuery(uploadUrl, { comp: 'blocklist' }), Buffer.from(blockList), { 'Content-Type': 'application/xml', 'x-ms-blob-content-type': 'application/zip' }, delay, logger);
    const digest = (0,external_node_crypto_.createHash)('sha256').update(zip).digest('hex');
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
    status;
    constructor(status, message) {
        super(message);
        this.status = status;
    }
}
async function retrying(what, attempts, delayMs, logger, operation) {
    for (let attempt = 1;; attempt++) {
        try {
            return await operation();
        }
        catch (e) {
            const retryable = !(e instanceof HttpStatusError) || [429, 500, 502, 503, 504].includes(e.status);
            if (!retryable)
                throw new ArtifactUploadError('SERVICE_FAILED', `${what} failed: ${e.message}`, {
                    cause: e,
                });
            if (attempt >= attempts)
                throw new ArtifactUploadError('SERVICE_FAILED', `${what} failed after ${attempts} attempts: ${e.message}`, { cause: e });
            const wait = delayMs * 2 ** (attempt - 1);
            logger.info(`${what}: attempt ${attempt} of ${attempts} failed (${e.message}); retrying in ${wait} ms`);
            await new Promise((r) => setTimeout(r, wait));
        }
    }
}
async function putBlob(http, url, body, headers, delayMs, logger) {
    await retrying('blob upload', ATTEMPTS, delayMs, logger, async () => {
        const res = await http.request('PUT', url, external_node_stream_.Readable.from([body]), {
            ...headers,
            'Content-Length': String(body.length),
            'x-ms-version': BLOB_SERVICE_VERSION,
        });
        const text = await res.readBody();
        const status = res.message.statusCode ?? 0;
        if (status < 200 || status >= 300)
            throw new HttpStatusError(status, `blob upload: HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`);
    });
}
function withQuery(url, query) {
    const u = new URL(url);
    for (const [k, v] of Object.entries(query))
        u.searchParams.set(k, v);
    return u.href;
}
function backendIds(token) {
    let scp;
    try {
        scp = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')).scp;
    }
    catch {
        scp = undefined;
    }
    for (const scope of typeof scp === 'string' ? scp.split(' ') : []) {
        const parts = scope.split(':');
        if (parts[0] !== 'Actions.Results')
            continue;
        if (parts.length === 3 && parts[1] && parts[2])
            return { run: parts[1], job: parts[2] };
    }
    throw new ArtifactUploadError('RUNTIME_MISSING', 'Failed to get backend IDs: the ACTIONS_RUNTIME_TOKEN has no Actions.Results scope');
}
async function zipFiles(files, root) {
    const locals = [];
    const central = [];
    let offset = 0;
    const names = new Set();
    for (const file of files) {
        const relative = external_node_path_default().relative(root, file);
        if (!relative || relative.startsWith('..') || external_node_path_default().isAbsolute(relative))
            throw new ArtifactUploadError('FILE_OUTSIDE_ROOT', `The file ${file} is not under the artifact's root directory ${root}`);
        const name = relative.split((external_node_path_default()).sep).join('/');
        if (names.has(name))
            continue;
        names.add(name);
        const [data, info] = await Promise.all([(0,promises_.readFile)(file), (0,promises_.stat)(file)]);
        const compressed = (0,external_node_zlib_.deflateRawSync)(data, { level: 6 });
        if (data.length >= 0xffffffff || offset >= 0xffffffff || files.length >= 0xffff)
            throw new ArtifactUploadError('TOO_LARGE', 'The SBOM artifact is too large for a zip without zip64');
        const nameBytes = Buffer.from(name, 'utf8');
        const crc = crc32(data);
        const { time, date } = dosTime(info.mtime);
        const local = Buffer.alloc(30);
        local.writeUInt32LE(0x04034b50, 0);
        local.writeUInt16LE(20, 4);
        local.writeUInt16LE(0x0800, 6);
        local.writeUInt16LE(8, 8);
        local.writeUInt16LE(time, 10);
        local.writeUInt16LE(date, 12);
        local.writeUInt32LE(crc, 14);
        local.writeUInt32LE(compressed.length, 18);
        local.writeUInt32LE(data.length, 22);
        local.writeUInt16LE(nameBytes.length, 26);
        local.writeUInt16LE(0, 28);
        const entry = Buffer.alloc(46);
        entry.writeUInt32LE(0x02014b50, 0);
        entry.writeUInt16LE((3 << 8) | 20, 4);
        entry.writeUInt16LE(20, 6);
        entry.writeUInt16LE(0x0800, 8);
        entry.writeUInt16LE(8, 10);
        entry.writeUInt16LE(time, 12);
        entry.writeUInt16LE(date, 14);
        entry.writeUInt32LE(crc, 16);
        entry.writeUInt32LE(compressed.length, 20);
        entry.writeUInt32LE(data.length, 24);
        entry.writeUInt16LE(nameBytes.length, 28);
        entry.writeUInt32LE(((0o100000 | (info.mode & 0o777)) << 16) >>> 0, 38);
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
function dosTime(d) {
    const year = Math.max(1980, d.getFullYear());
    return {
        time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
        date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
    };
}
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++)
        c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
});
function crc32(data) {
    let c = 0xffffffff;
    for (const byte of data)
        c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
}

;// CONCATENATED MODULE: ./packages/action-kit/src/outputs.ts

function setOutputs(record, options = {}) {
    for (const [key, value] of Object.entries(record)) {
        if (value === undefined)
            continue;
        core/* setOutput */.uH(key, formatOutput(value));
    }
    if (options.json)
        core/* setOutput */.uH(options.json, JSON.stringify(record));
}
function formatOutput(value) {
    if (value === null || value === undefined)
        return '';
    if (typeof value === 'string')
        return value;
    if (typeof value === 'number' || typeof value === 'boolean')
        return String(value);
    return JSON.stringify(value);
}

// EXTERNAL MODULE: ./packages/image-record/src/record.ts + 1 modules
var record = __webpack_require__(2081);
// EXTERNAL MODULE: ./packages/oci/src/registry-auths.ts + 14 modules
var registry_auths = __webpack_require__(5769);
;// CONCATENATED MODULE: ./packages/sbom/src/errors.ts

class errors_SbomError extends errors/* BaseError */.Cf {
}

// EXTERNAL MODULE: ./packages/oci-core/src/platform.ts
var src_platform = __webpack_require__(9845);
// EXTERNAL MODULE: ./packages/action-kit/src/limits.ts
var src_limits = __webpack_require__(7642);
// EXTERNAL MODULE: ./node_modules/.pnpm/packageurl-js@2.0.1/node_modules/packageurl-js/index.js
var packageurl_js = __webpack_require__(7970);
// EXTERNAL MODULE: ./node_modules/.pnpm/spdx-expression-parse@5.0.0/node_modules/spdx-expression-parse/index.js
var spdx_expression_parse = __webpack_require__(6922);
var spdx_expression_parse_default = /*#__PURE__*/__webpack_require__.n(spdx_expression_parse);
// EXTERNAL MODULE: ./node_modules/.pnpm/spdx-license-ids@3.0.24/node_modules/spdx-license-ids/index.json
var spdx_license_ids = __webpack_require__(4993);
// EXTERNAL MODULE: ./node_modules/.pnpm/spdx-license-ids@3.0.24/node_modules/spdx-license-ids/deprecated.json
var deprecated = __webpack_require__(1554);
;// CONCATENATED MODULE: ./packages/sbom/src/licenses.ts



const byLowerId = new Map([...spdx_license_ids, ...deprecated].map((id) => [id.toLowerCase(), id]));
const ALIASES = {
    expat: 'MIT',
    'mit license': 'MIT',
    'the mit license': 'MIT',
    'mit/x11': 'MIT',
    x11: 'X11',
    'gpl-1': 'GPL-1.0-only',
    'gpl-1+': 'GPL-1.0-or-later',
    'gpl-2': 'GPL-2.0-only',
    'gpl-2+': 'GPL-2.0-or-later',
    'gpl-3': 'GPL-3.0-only',
    'gpl-3+': 'GPL-3.0-or-later',
    gplv2: 'GPL-2.0-only',
    'gplv2+': 'GPL-2.0-or-later',
    gplv3: 'GPL-3.0-only',
    'gplv3+': 'GPL-3.0-or-later',
    'lgpl-2': 'LGPL-2.0-only',
    'lgpl-2+': 'LGPL-2.0-or-later',
    'lgpl-2.1': 'LGPL-2.1-only',
    'lgpl-2.0': 'LGPL-2.0-only',
    'gpl-2.0': 'GPL-2.0-only',
    'gpl-3.0': 'GPL-3.0-only',
    'lgpl-2.1+': 'LGPL-2.1-or-later',
    'lgpl-3': 'LGPL-3.0-only',
    'lgpl-3+': 'LGPL-3.0-or-later',
    'agpl-3': 'AGPL-3.0-only',
    'agpl-3+': 'AGPL-3.0-or-later',
    'gfdl-1.2': 'GFDL-1.2-only',
    'gfdl-1.2+': 'GFDL-1.2-or-later',
    'gfdl-1.3': 'GFDL-1.3-only',
    'gfdl-1.3+': 'GFDL-1.3-or-later',
    'apache-2': 'Apache-2.0',
    'apache 2.0': 'Apache-2.0',
    'apache license 2.0': 'Apache-2.0',
    'apache license, version 2.0': 'Apache-2.0',
    'apache software license 2.0': 'Apache-2.0',
    'mpl-1.1': 'MPL-1.1',
    'mpl-2': 'MPL-2.0',
    'mozilla public license 2.0 (mpl 2.0)': 'MPL-2.0',
    artistic: 'Artistic-1.0-Perl',
    'artistic-1': 'Artistic-1.0',
    'artistic-2': 'Artistic-2.0',
    'psf-2': 'PSF-2.0',
    'python software foundation license': 'PSF-2.0',
    'isc license (iscl)': 'ISC',
    'isc license': 'ISC',
    'bsd-2-clause': 'BSD-2-Clause',
    'bsd-3-clause': 'BSD-3-Clause',
    'bsd-4-clause': 'BSD-4-Clause',
    'zlib/libpng': 'Zlib',
    'the unlicense (unlicense)': 'Unlicense',
    'boost software license 1.0 (bsl-1.0)': 'BSL-1.0',
};
function isValidExpression(expression) {
    try {
        spdx_expression_parse_default()(expression);
        return true;
    }
    catch {
        return false;
    }
}
function mapSingle(name) {
    const trimmed = name
        .trim()
        .replace(/^\((.*)\)$/, '$1')
        .trim();
    if (!trimmed)
        return undefined;
    const lower = trimmed.toLowerCase();
    const classifier = lower.startsWith('license ::') ? lower.split('::').pop().trim() : lower;
    const candidate = ALIASES[classifier] ?? byLowerId.get(classifier);
    if (candidate)
        return candidate;
    const plus = /^(.*)\+$/.exec(classifier);
    if (plus) {
        const id = byLowerId.get(`${plus[1]}-or-later`) ?? byLowerId.get(`${plus[1]}.0-or-later`);
        if (id)
            return id;
    }
    return undefined;
}
function toSpdxExpression(declared) {
    const text = declared.trim();
    if (!text)
        return undefined;
    const alias = ALIASES[text.toLowerCase()];
    if (alias)
        return alias;
    if (isValidExpression(text))
        return text;
    const single = mapSingle(text);
    if (single)
        return single;
    const orParts = text.split(/\s+or\s+|\s*\|\s*/i);
    const expression = orParts
        .map((orPart) => {
        const andParts = orPart.split(/\s+and\s+|\s*,\s*|\s*&\s*/i).map((p) => {
            const withMatch = /^(.*?)\s+with\s+(.*)$/i.exec(p);
            if (withMatch) {
                const base = mapSingle(withMatch[1]);
                const combined = base ? `${base} WITH ${withMatch[2].trim()}` : undefined;
                return combined && isValidExpression(combined) ? combined : undefined;
            }
            return mapSingle(p);
        });
        if (andParts.some((p) => p === undefined))
            return undefined;
        return andParts.length > 1 ? `(${andParts.join(' AND ')})` : andParts[0];
    })
        .reduce((acc, part) => (acc && part ? [...acc, part] : undefined), []);
    if (!expression || expression.length === 0)
        return undefined;
    const joined = expression.length === 1 ? expression[0].replace(/^\((.*)\)$/, '$1') : expression.join(' OR ');
    return isValidExpression(joined) ? joined : undefined;
}
function declareLicenses(values) {
    const seen = new Set();
    const out = [];
    for (const value of values) {
        const declared = value?.trim();
        if (!declared || seen.has(declared))
            continue;
        seen.add(declared);
        const spdx = toSpdxExpression(declared);
        out.push(spdx ? { declared, spdx } : { declared });
    }
    return out;
}

;// CONCATENATED MODULE: ./packages/sbom/src/catalogers/cataloger.ts

function locationOf(file) {
    return { path: file.path, layerDigest: file.layerDigest };
}
function packageId(ecosystem, name, purl, path) {
    const hash = (0,external_node_crypto_.createHash)('sha256').update(`${purl}\0${path}`).digest('hex').slice(0, 12);
    const readable = name
        .replace(/[^A-Za-z0-9.-]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 60);
    return `${ecosystem}-${readable || 'package'}-${hash}`;
}
function parseParagraphs(text, options = {}) {
    const paragraphs = [];
    let current;
    let lastKey;
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
        const line = lines[i];
        if (line.trim() === '') {
            if (current) {
                paragraphs.push(current);
                current = undefined;
                lastKey = undefined;
                if (options.stopAtFirstBlank)
                    return paragraphs;
            }
            continue;
        }
        current ??= { fields: new Map(), all: new Map(), line: i + 1, errors: [] };
        if (line.startsWith(' ') || line.startsWith('\t')) {
            if (!lastKey) {
                current.errors.push(`line ${i + 1}: continuation line with no field before it`);
                continue;
            }
            const value = `${current.fields.get(lastKey)}\n${line.slice(1)}`;
            current.fields.set(lastKey, value);
            const list = current.all.get(lastKey);
            list[list.length - 1] = value;
            continue;
        }
        const colon = line.indexOf(':');
        if (colon <= 0 || /\s/.test(line.slice(0, colon))) {
            current.errors.push(`line ${i + 1}: not a "Field: value" line`);
            lastKey = undefined;
            continue;
        }
        const key = line.slice(0, colon);
        const value = line.slice(colon + 1).trim();
        current.fields.set(key, value);
        const list = current.all.get(key) ?? [];
        list.push(value);
        current.all.set(key, list);
        lastKey = key;
    }
    if (current)
        paragraphs.push(current);
    return paragraphs;
}
function sortPackages(packages) {
    return packages.sort((a, b) => compare(a.location.path, b.location.path) || compare(a.id, b.id));
}
const compare = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

;// CONCATENATED MODULE: ./packages/sbom/src/catalogers/os-release.ts


const PATHS = ['/etc/os-release', '/usr/lib/os-release'];
const osReleaseSelector = {
    name: 'os-release',
    selects: (path) => PATHS.includes(path),
    maxBytes: src_limits/* CATALOGER_FILE_BYTES */.Us['os-release'],
};
function parseOsRelease(text) {
    const out = {};
    for (const raw of text.split(/\r?\n/)) {
        const line = raw.trim();
        if (!line || line.startsWith('#'))
            continue;
        const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
        if (!m)
            continue;
        let value = m[2];
        const quote = value[0];
        if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
            value = value.slice(1, -1);
            if (quote === '"')
                value = value.replace(/\\(["\\$`])/g, '$1');
        }
        out[m[1]] = value;
    }
    return out;
}
function detectDistro(fs) {
    for (const path of PATHS) {
        const file = fs.resolve(path);
        if (!file?.content)
            continue;
        const fields = parseOsRelease(file.content.toString('utf8'));
        if (!fields.ID)
            continue;
        return {
            id: fields.ID.toLowerCase(),
            versionId: fields.VERSION_ID,
            versionCodename: fields.VERSION_CODENAME,
            prettyName: fields.PRETTY_NAME,
            idLike: (fields.ID_LIKE ?? '').split(/\s+/).filter(Boolean),
            location: { ...locationOf(file), path },
        };
    }
    return undefined;
}
function distroQualifier(distro) {
    if (!distro)
        return undefined;
    const version = distro.versionId ?? distro.versionCodename;
    return version ? `${distro.id}-${version}` : undefined;
}

;// CONCATENATED MODULE: ./packages/sbom/src/catalogers/apk.ts





const INSTALLED = ['/lib/apk/db/installed', '/usr/lib/apk/db/installed'];
function parseApkInstalled(text) {
    const entries = [];
    let current;
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
        const line = lines[i];
        if (line === '') {
            if (current)
                entries.push(current);
            current = undefined;
            continue;
        }
        current ??= { fields: new Map(), line: i + 1 };
        if (line[1] !== ':')
            continue;
        const key = line[0];
        if (!current.fields.has(key))
            current.fields.set(key, line.slice(2));
    }
    if (current)
        entries.push(current);
    return entries;
}
function dependencyName(token) {
    if (token.startsWith('!'))
        return undefined;
    return token.split(/[<>=~]/)[0] || undefined;
}
const apkCataloger = {
    name: 'apk',
    ecosystem: 'apk',
    selectors: [
        {
            name: 'apk-installed',
            selects: (path) => INSTALLED.includes(path),
            maxBytes: src_limits/* CATALOGER_FILE_BYTES */.Us['apk-installed'],
        },
    ],
    catalog(ctx) {
        const namespace = ctx.distro?.id ?? 'alpine';
        const distro = distroQualifier(ctx.distro);
        const found = [];
        for (const file of ctx.fs.list('apk-installed')) {
            if (!file.content)
                continue;
            for (const entry of parseApkInstalled(file.content.toString('utf8'))) {
                const name = entry.fields.get('P');
                const version = entry.fields.get('V');
                if (!name || !version) {
                    ctx.warn(`${file.path} line ${entry.line}: skipped an apk entry without ${name ? 'V:' : 'P:'}`);
                    continue;
                }
                const arch = entry.fields.get('A');
                const qualifiers = {};
                if (arch)
                    qualifiers.arch = arch;
                if (distro)
                    qualifiers.distro = distro;
                const origin = entry.fields.get('o');
                if (origin && origin !== name)
                    qualifiers.upstream = origin;
                const purl = new packageurl_js.PackageURL('apk', namespace, name, version, qualifiers, undefined).toString();
                const properties = {};
                if (arch)
                    properties['apk:architecture'] = arch;
                if (origin)
                    properties['apk:origin'] = origin;
                found.push({
                    pkg: {
                        id: packageId('apk', name, purl, file.path),
                        ecosystem: 'apk',
                        name,
                        version,
                        purl,
                        licenses: declareLicenses([entry.fields.get('L')]),
                        location: locationOf(file),
                        description: entry.fields.get('T'),
                        homepage: entry.fields.get('U'),
                        supplier: entry.fields.get('m'),
                        dependsOn: [],
                        properties,
                    },
                    depends: (entry.fields.get('D') ?? '').split(/\s+/).filter(Boolean),
                    provides: (entry.fields.get('p') ?? '').split(/\s+/).filter(Boolean),
                });
            }
        }
        const byName = new Map();
        for (const f of found)
            byName.set(f.pkg.name, f.pkg);
        for (const f of found) {
            for (const p of f.provides) {
                const n = dependencyName(p);
                if (n && !byName.has(n))
                    byName.set(n, f.pkg);
            }
        }
        for (const f of found) {
            const deps = new Set();
            for (const d of f.depends) {
                const n = dependencyName(d);
                const hit = n ? byName.get(n) : undefined;
                if (hit && hit !== f.pkg)
                    deps.add(hit.id);
            }
            f.pkg.dependsOn = [...deps].sort();
        }
        return found.map((f) => f.pkg);
    },
};

;// CONCATENATED MODULE: ./packages/sbom/src/catalogers/dpkg.ts





const STATUS = '/var/lib/dpkg/status';
const STATUS_D = /^\/var\/lib\/dpkg\/status\.d\/[^/]+$/;
const COPYRIGHT = /^\/usr\/share\/doc\/([^/]+)\/copyright$/;
const PRESENT_STATES = new Set([
    'installed',
    'half-configured',
    'unpacked',
    'triggers-awaited',
    'triggers-pending',
]);
function parseDebianCopyright(text) {
    const names = [];
    const paragraphs = parseParagraphs(text);
    const machineReadable = /copyright-format/i.test(paragraphs[0]?.fields.get('Format') ?? '');
    if (machineReadable) {
        for (const p of paragraphs) {
            const license = p.fields.get('License');
            if (!license)
                continue;
            const first = license.split('\n')[0].trim();
            if (first)
                names.push(first);
        }
    }
    else {
        for (const m of text.matchAll(/\/usr\/share\/common-licenses\/([A-Za-z0-9][A-Za-z0-9.+-]*[A-Za-z0-9+])/g)) {
            names.push(m[1]);
        }
    }
    return [...new Set(names)];
}
function parseRelations(value) {
    if (!value)
        return [];
    return value
        .split(',')
        .map((group) => group
        .split('|')
        .map((alt) => alt.trim().split(/[\s(:[]/)[0])
        .filter(Boolean))
        .filter((g) => g.length > 0);
}
function entriesFrom(file, ctx, requireStatus) {
    const out = [];
    for (const p of parseParagraphs(file.content.toString('utf8'))) {
        const name = p.fields.get('Package');
        const label = `${file.path} line ${p.line}${name ? ` (${name})` : ''}`;
        if (p.errors.length > 0) {
            ctx.warn(`${label}: skipped a corrupt dpkg entry: ${p.errors[0]}`);
            continue;
        }
        const version = p.fields.get('Version');
        if (!name || !version) {
            ctx.warn(`${label}: skipped a dpkg entry without ${name ? 'Version' : 'Package'}`);
            continue;
        }
        const status = p.fields.get('Status');
        if (status !== undefined || requireStatus) {
            const state = status?.split(/\s+/)[2];
            if (!state || !PRESENT_STATES.has(state))
                continue;
        }
        const source = /^(\S+)(?:\s+\((.+)\))?$/.exec(p.fields.get('Source') ?? '');
        out.push({
            name,
            version,
            arch: p.fields.get('Architecture'),
            source: source?.[1],
            sourceVersion: source?.[2],
            maintainer: p.fields.get('Maintainer'),
            homepage: p.fields.get('Homepage'),
            description: p.fields.get('Description')?.split('\n')[0],
            depends: [...parseRelations(p.fields.get('Pre-Depends')), ...parseRelations(p.fields.get('Depends'))],
            provides: parseRelations(p.fields.get('Provides')).map((g) => g[0]),
            file,
        });
    }
    return out;
}
const dpkgCataloger = {
    name: 'dpkg',
    ecosystem: 'deb',
    selectors: [
        {
            name: 'dpkg-status',
            selects: (path) => path === STATUS || (STATUS_D.test(path) && !path.endsWith('.md5sums')),
            maxBytes: src_limits/* CATALOGER_FILE_BYTES */.Us['dpkg-status'],
        },
        {
            name: 'dpkg-copyright',
            selects: (path) => COPYRIGHT.test(path),
            maxBytes: src_limits/* CATALOGER_FILE_BYTES */.Us['dpkg-copyright'],
        },
    ],
    catalog(ctx) {
        const entries = ctx.fs
            .list('dpkg-status')
            .filter((f) => f.type === 'file' && f.content)
            .flatMap((f) => entriesFrom(f, ctx, f.path === STATUS));
        const distro = ctx.distro;
        const namespace = distro?.id ?? 'debian';
        const qualifierDistro = distroQualifier(distro);
        const licensesOf = (entry) => {
            const candidates = [entry.name, entry.source].filter((n) => !!n);
            for (const n of candidates) {
                const file = ctx.fs.resolve(`/usr/share/doc/${n}/copyright`);
                if (file?.content)
                    return declareLicenses(parseDebianCopyright(file.content.toString('utf8')));
            }
            return [];
        };
        const packages = entries.map((e) => {
            const qualifiers = {};
            if (e.arch)
                qualifiers.arch = e.arch;
            if (qualifierDistro)
                qualifiers.distro = qualifierDistro;
            const rebuilt = e.sourceVersion !== undefined && e.sourceVersion !== e.version;
            if (e.source && (e.source !== e.name || rebuilt)) {
                qualifiers.upstream = rebuilt ? `${e.source}@${e.sourceVersion}` : e.source;
            }
            const purl = new packageurl_js.PackageURL('deb', namespace, e.name, e.version, qualifiers, undefined).toString();
            const properties = {};
            if (e.arch)
                properties['deb:architecture'] = e.arch;
            if (e.source)
                properties['deb:source'] = e.source;
            return {
                id: packageId('deb', e.name, purl, e.file.path),
                ecosystem: 'deb',
                name: e.name,
                version: e.version,
                purl,
                licenses: licensesOf(e),
                location: locationOf(e.file),
                description: e.description,
                homepage: e.homepage,
                supplier: e.maintainer,
                dependsOn: [],
                properties,
            };
        });
        const byName = new Map();
        for (const [i, e] of entries.entries())
            byName.set(e.name, packages[i]);
        for (const [i, e] of entries.entries()) {
            for (const p of e.provides)
                if (!byName.has(p))
                    byName.set(p, packages[i]);
        }
        for (const [i, e] of entries.entries()) {
            const deps = new Set();
            for (const group of e.depends) {
                const hit = group.map((n) => byName.get(n)).find((p) => p !== undefined);
                if (hit && hit !== packages[i])
                    deps.add(hit.id);
            }
            packages[i].dependsOn = [...deps].sort();
        }
        return packages;
    },
};

;// CONCATENATED MODULE: ./packages/sbom/src/catalogers/golang.ts



const ELF_MAGIC = Uint8Array.from([0x7f, 0x45, 0x4c, 0x46]);
const BUILDINFO_MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const SENTINEL_LENGTH = 16;
class UnsupportedGoBuildInfo extends Error {
}
function elfSections(buf) {
    const is64 = buf[4] === 2;
    const le = buf[5] === 1;
    const u16 = (o) => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
    const u32 = (o) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
    const u64 = (o) => Number(le ? buf.readBigUInt64LE(o) : buf.readBigUInt64BE(o));
    if (buf.length < (is64 ? 64 : 52))
        return undefined;
    const shoff = is64 ? u64(0x28) : u32(0x20);
    const shentsize = u16(is64 ? 0x3a : 0x2e);
    const shnum = u16(is64 ? 0x3c : 0x30);
    const shstrndx = u16(is64 ? 0x3e : 0x32);
    if (shoff === 0 || shnum === 0 || shoff + shnum * shentsize > buf.length)
        return undefined;
    const raw = [];
    for (let i = 0; i < shnum; i++) {
        const o = shoff + i * shentsize;
        raw.push({
            nameOffset: u32(o),
            offset: is64 ? u64(o + 0x18) : u32(o + 0x10),
            size: is64 ? u64(o + 0x20) : u32(o + 0x14),
        });
    }
    const strtab = raw[shstrndx];
    if (!strtab)
        return undefined;
    return raw.map((s) => {
        const start = strtab.offset + s.nameOffset;
        const end = buf.indexOf(0, start);
        return { name: buf.toString('latin1', start, end === -1 ? start : end), offset: s.offset, size: s.size };
    });
}
function readVarint(buf, pos) {
    let value = 0;
    let shift = 0;
    for (let i = pos; i < buf.length && shift < 64; i++) {
        const b = buf[i];
        value += (b & 0x7f) * 2 ** shift;
        if ((b & 0x80) === 0)
            return [value, i + 1];
        shift += 7;
    }
    throw new Error('truncated varint in Go build info');
}
function findBuildInfo(buf) {
    const section = elfSections(buf)?.find((s) => s.name === '.go.buildinfo');
    if (section && section.offset + 32 <= buf.length) {
        if (buf.subarray(section.offset, section.offset + BUILDINFO_MAGIC.length).equals(BUILDINFO_MAGIC)) {
            return section.offset;
        }
    }
    for (let at = buf.indexOf(BUILDINFO_MAGIC); at !== -1; at = buf.indexOf(BUILDINFO_MAGIC, at + 1)) {
        if (at % 16 === 0)
            return at;
    }
    return -1;
}
function parseModInfo(text) {
    const info = { deps: [], settings: {} };
    let last;
    for (const line of text.split('\n')) {
        const [kind, ...rest] = line.split('\t');
        if (kind === 'path')
            info.path = rest[0];
        else if (kind === 'mod' || kind === 'dep') {
            const [path, version, sum] = rest;
            if (!path)
                continue;
            last = { path, version: version ?? '', sum: sum || undefined };
            if (kind === 'mod')
                info.main = last;
            else
                info.deps.push(last);
        }
        else if (kind === '=>' && last) {
            const [path, version, sum] = rest;
            if (!path)
                continue;
            last.replaces = { path: last.path, version: last.version };
            last.path = path;
            last.version = version ?? '';
            last.sum = sum || undefined;
        }
        else if (kind === 'build') {
            const setting = rest.join('\t');
            const eq = setting.indexOf('=');
            if (eq > 0)
                info.settings[setting.slice(0, eq)] = setting.slice(eq + 1).replace(/^"(.*)"$/, '$1');
        }
    }
    return info;
}
function parseGoBuildInfo(buf) {
    const at = findBuildInfo(buf);
    if (at === -1)
        return undefined;
    const flags = buf[at + 15];
    if ((flags & 0x2) === 0) {
        throw new UnsupportedGoBuildInfo('Go binary built before Go 1.18 (pointer-format build info is not read)');
    }
    let pos = at + 32;
    const [versionLength, afterVersionLength] = readVarint(buf, pos);
    pos = afterVersionLength;
    const goVersion = buf.toString('utf8', pos, pos + versionLength);
    pos += versionLength;
    const [modLength, afterModLength] = readVarint(buf, pos);
    let mod = buf.toString('utf8', afterModLength, afterModLength + modLength);
    if (mod.length >= 2 * SENTINEL_LENGTH + 1 && mod[mod.length - SENTINEL_LENGTH - 1] === '\n') {
        mod = mod.slice(SENTINEL_LENGTH, mod.length - SENTINEL_LENGTH);
    }
    return { goVersion, ...parseModInfo(mod) };
}
const DEVEL_VERSION = '(devel)';
function golangPurl(path, version) {
    const slash = path.lastIndexOf('/');
    const namespace = slash > 0 ? path.slice(0, slash) : undefined;
    const name = slash > 0 ? path.slice(slash + 1) : path;
    const purlVersion = version && version !== DEVEL_VERSION ? version : undefined;
    return new packageurl_js.PackageURL('golang', namespace, name, purlVersion, undefined, undefined).toString();
}
const golangCataloger = {
    name: 'golang',
    ecosystem: 'golang',
    selectors: [
        {
            name: 'go-binary',
            selects: (path, entry) => entry.type === 'file' && (entry.mode & 0o111) !== 0 && entry.size > 64,
            maxBytes: src_limits/* CATALOGER_FILE_BYTES */.Us['go-binary'],
            magic: ELF_MAGIC,
            extract: (content) => parseGoBuildInfo(content),
        },
    ],
    catalog(ctx) {
        const packages = [];
        for (const file of ctx.fs.list('go-binary')) {
            const info = file.extracted.get('go-binary');
            if (!info)
                continue;
            const location = locationOf(file);
            const common = { 'go:toolchain': info.goVersion };
            for (const key of ['GOOS', 'GOARCH', 'GOAMD64', 'GOARM', 'CGO_ENABLED', 'vcs.revision', 'vcs.time']) {
                const v = info.settings[key];
                if (v !== undefined)
                    common[`go:${key}`] = v;
            }
            const make = (mod, role) => {
                const purl = golangPurl(mod.path, mod.version);
                const properties = { ...common, 'go:role': role };
                if (mod.sum)
                    properties['go:sum'] = mod.sum;
                if (mod.replaces)
                    properties['go:replaces'] = `${mod.replaces.path}@${mod.replaces.version}`;
                return {
                    id: packageId('golang', mod.path, purl, file.path),
                    ecosystem: 'golang',
                    name: mod.path,
                    version: mod.version,
                    purl,
                    licenses: [],
                    location,
                    dependsOn: [],
                    properties,
                };
            };
            const main = make(info.main ?? { path: info.path ?? file.path, version: DEVEL_VERSION }, 'main');
            if (info.path)
                main.properties['go:main-package'] = info.path;
            const stdlibVersion = info.goVersion.replace(/^go/, '').split(/\s/)[0];
            const stdlib = make({ path: 'stdlib', version: stdlibVersion }, 'stdlib');
            const deps = info.deps.map((d) => make(d, 'dependency'));
            main.dependsOn = [stdlib, ...deps].map((p) => p.id).sort();
            packages.push(main, stdlib, ...deps);
        }
        return packages;
    },
};

;// CONCATENATED MODULE: ./packages/sbom/src/catalogers/java.ts






function archiveBudget(limits = {}) {
    return { limits: (0,src_limits/* resolveLimits */.fW)(limits), inflated: 0, warnings: [] };
}
function zipEntries(buf) {
    const EOCD = 0x06054b50;
    let eocd = -1;
    for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
        if (buf.readUInt32LE(i) === EOCD) {
            eocd = i;
            break;
        }
    }
    if (eocd < 0)
        return undefined;
    let count = buf.readUInt16LE(eocd + 10);
    let offset = buf.readUInt32LE(eocd + 16);
    if ((count === 0xffff || offset === 0xffffffff) &&
        eocd >= 20 &&
        buf.readUInt32LE(eocd - 20) === 0x07064b50) {
        const zip64 = Number(buf.readBigUInt64LE(eocd - 20 + 8));
        if (zip64 + 56 <= buf.length && buf.readUInt32LE(zip64) === 0x06064b50) {
            count = Number(buf.readBigUInt64LE(zip64 + 32));
            offset = Number(buf.readBigUInt64LE(zip64 + 48));
        }
    }
    const entries = [];
    let p = offset;
    for (let i = 0; i < count; i++) {
        if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50)
            return entries.length ? entries : undefined;
        const nameLength = buf.readUInt16LE(p + 28);
        const extraLength = buf.readUInt16LE(p + 30);
        const commentLength = buf.readUInt16LE(p + 32);
        const entry = {
            name: buf.toString('utf8', p + 46, p + 46 + nameLength),
            method: buf.readUInt16LE(p + 10),
            compressedSize: buf.readUInt32LE(p + 20),
            size: buf.readUInt32LE(p + 24),
            localOffset: buf.readUInt32LE(p + 42),
        };
        let x = p + 46 + nameLength;
        const extraEnd = Math.min(x + extraLength, buf.length);
        while (x + 4 <= extraEnd) {
            const id = buf.readUInt16LE(x);
            const length = buf.readUInt16LE(x + 2);
            if (id === 0x0001) {
                let q = x + 4;
                const fieldEnd = Math.min(q + length, extraEnd);
                const next = (v) => {
                    if (q + 8 > fieldEnd)
                        return v;
                    const value = Number(buf.readBigUInt64LE(q));
                    q += 8;
                    return value;
                };
                if (entry.size === 0xffffffff)
                    entry.size = next(entry.size);
                if (entry.compressedSize === 0xffffffff)
                    entry.compressedSize = next(entry.compressedSize);
                if (entry.localOffset === 0xffffffff)
                    entry.localOffset = next(entry.localOffset);
            }
            x += 4 + length;
        }
        entries.push(entry);
        p = p + 46 + nameLength + extraLength + commentLength;
    }
    return entries;
}
function readZipEntry(buf, entry, budget = archiveBudget(), archivePath = 'archive') {
    const p = entry.localOffset;
    if (p + 30 > buf.length || buf.readUInt32LE(p) !== 0x04034b50)
        throw new Error(`${entry.name}: no local header`);
    const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28);
    const data = buf.subarray(start, start + entry.compressedSize);
    if (entry.method === 0)
        return data;
    if (entry.method === 8) {
        const max = budget.limits['archive-unpacked-bytes'];
        if (budget.inflated + entry.size > max) {
            throw new src_limits/* LimitError */.oC('archive-unpacked-bytes', max, `${archivePath}!/${entry.name}`, `${budget.inflated + entry.size} bytes inflated`);
        }
        const out = (0,external_node_zlib_.inflateRawSync)(data, { maxOutputLength: Math.max(entry.size, 1) });
        budget.inflated += out.length;
        return out;
    }
    throw new Error(`${entry.name}: compression method ${entry.method} is not supported`);
}
function parseManifest(text) {
    const out = new Map();
    let last;
    for (const line of text.split(/\r?\n/)) {
        if (line === '')
            break;
        if (line.startsWith(' ') && last) {
            out.set(last, `${out.get(last)}${line.slice(1)}`);
            continue;
        }
        const colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        last = line.slice(0, colon).trim();
        out.set(last, line.slice(colon + 1).trim());
    }
    return out;
}
function parseProperties(text) {
    const out = new Map();
    for (const raw of text.split(/\r?\n/)) {
        const line = raw.trim();
        if (!line || line.startsWith('#') || line.startsWith('!'))
            continue;
        const m = /^([^=:\s]+)\s*[=:]\s*(.*)$/.exec(line);
        if (m)
            out.set(m[1], m[2].trim());
    }
    return out;
}
function fromFileName(path) {
    const base = path.slice(path.lastIndexOf('/') + 1).replace(/\.(?:jar|war|ear|jpi|hpi)$/, '');
    const m = /^(.+?)-(\d[^/]*)$/.exec(base);
    return m ? { name: m[1], version: m[2] } : undefined;
}
function readJavaArchive(buf, archivePath, depth = 0, budget = archiveBudget()) {
    const entries = zipEntries(buf);
    if (!entries)
        throw new Error(`${archivePath} is not a ZIP archive`);
    const maxEntries = budget.limits['archive-entries'];
    if (entries.length > maxEntries) {
        throw new src_limits/* LimitError */.oC('archive-entries', maxEntries, archivePath, `${entries.length} zip entries`);
    }
    const byName = new Map(entries.map((e) => [e.name, e]));
    const text = (e) => readZipEntry(buf, e, budget, archivePath).toString('utf8');
    const manifestEntry = byName.get('META-INF/MANIFEST.MF');
    const manifest = manifestEntry ? parseManifest(text(manifestEntry)) : new Map();
    const licenses = (manifest.get('Bundle-License') ?? '')
        .split(/,(?![^;]*")/)
        .map((l) => l.split(';')[0].trim())
        .filter(Boolean);
    const description = manifest.get('Bundle-Description');
    const homepage = manifest.get('Bundle-DocURL');
    const extra = { licenses, ...(description ? { description } : {}), ...(homepage ? { homepage } : {}) };
    const out = [];
    for (const e of entries) {
        if (!/^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/.test(e.name))
            continue;
        const props = parseProperties(text(e));
        const artifactId = props.get('artifactId');
        const version = props.get('version');
        if (!artifactId || !version)
            continue;
        out.push({
            archivePath,
            groupId: props.get('groupId'),
            artifactId,
            version,
            source: 'pom.properties',
            ...extra,
        });
    }
    if (out.length === 0) {
        const named = fromFileName(archivePath);
        const title = manifest.get('Bundle-SymbolicName')?.split(';')[0]?.trim() ??
            manifest.get('Implementation-Title') ??
            named?.name;
        const version = manifest.get('Bundle-Version') ?? manifest.get('Implementation-Version') ?? named?.version;
        if (title && version) {
            const fromManifest = manifest.has('Bundle-Version') || manifest.has('Implementation-Version');
            out.push({
                archivePath,
                ...(manifest.get('Implementation-Vendor-Id')
                    ? { groupId: manifest.get('Implementation-Vendor-Id') }
                    : {}),
                artifactId: title,
                version,
                source: fromManifest ? 'MANIFEST.MF' : 'file name',
                ...extra,
            });
        }
    }
    const nested = entries.filter((e) => /\.(?:jar|war|ear)$/.test(e.name) && !e.name.endsWith('/'));
    if (depth >= budget.limits['archive-depth']) {
        if (nested.length > 0) {
            budget.warnings.push(new src_limits/* LimitError */.oC('archive-depth', budget.limits['archive-depth'], archivePath, `${nested.length} nested archives not opened`).message);
        }
        return out;
    }
    for (const e of nested) {
        const inner = `${archivePath}!/${e.name}`;
        try {
            out.push(...readJavaArchive(readZipEntry(buf, e, budget, archivePath), inner, depth + 1, budget));
        }
        catch (error) {
            if (error instanceof src_limits/* LimitError */.oC) {
                budget.warnings.push(error.message);
                if (error.limit === 'archive-unpacked-bytes')
                    break;
            }
        }
    }
    return out;
}
function mavenPurl(a) {
    if (!a.groupId)
        return new packageurl_js.PackageURL('generic', null, a.artifactId, a.version, null, null).toString();
    return new packageurl_js.PackageURL('maven', a.groupId, a.artifactId, a.version, null, null).toString();
}
const javaCataloger = {
    name: 'java',
    ecosystem: 'maven',
    selectors: [
        {
            name: 'java-archive',
            selects: (path, entry) => entry.type === 'file' && /\.(?:jar|war|ear|jpi|hpi)$/.test(path),
            maxBytes: src_limits/* CATALOGER_FILE_BYTES */.Us['java-archive'],
            magic: Uint8Array.from([0x50, 0x4b]),
            extract: (content, path, limits) => {
                const budget = archiveBudget(limits);
                try {
                    const artifacts = readJavaArchive(content, path.slice(path.lastIndexOf('/') + 1), 0, budget);
                    return { artifacts, warnings: budget.warnings };
                }
                catch (error) {
                    return { error: error.message };
                }
            },
        },
    ],
    catalog(ctx) {
        const packages = [];
        for (const file of ctx.fs.list('java-archive')) {
            const found = file.extracted.get('java-archive');
            if (!found)
                continue;
            if ('error' in found) {
                ctx.warn(`${file.path}: not read as a Java archive (${found.error})`);
                continue;
            }
            for (const w of found.warnings)
                ctx.warn(`${file.path}: ${w}`);
            const seen = new Set();
            for (const a of found.artifacts) {
                const purl = mavenPurl(a);
                const inner = a.archivePath.includes('!/') ? a.archivePath.slice(a.archivePath.indexOf('!/')) : '';
                const where = `${file.path}${inner}`;
                if (seen.has(`${purl}\0${where}`))
                    continue;
                seen.add(`${purl}\0${where}`);
                const name = a.groupId ? `${a.groupId}:${a.artifactId}` : a.artifactId;
                packages.push({
                    id: packageId('maven', name, purl, where),
                    ecosystem: 'maven',
                    name,
                    version: a.version,
                    purl,
                    licenses: declareLicenses(a.licenses),
                    location: { ...locationOf(file), path: where },
                    ...(a.description ? { description: a.description } : {}),
                    ...(a.homepage ? { homepage: a.homepage } : {}),
                    dependsOn: [],
                    properties: { 'java:archive': where, 'java:source': a.source },
                });
            }
        }
        return packages;
    },
};

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(542);
var external_node_os_default = /*#__PURE__*/__webpack_require__.n(external_node_os_);
;// CONCATENATED MODULE: ./packages/sbom/src/catalogers/rpm.ts








const DB_PATHS = ['/var/lib/rpm/rpmdb.sqlite', '/usr/lib/sysimage/rpm/rpmdb.sqlite'];
function sqlite() {
    const get = process.getBuiltinModule;
    try {
        return get?.('node:sqlite');
    }
    catch {
        return undefined;
    }
}
function rpmSqliteSupported() {
    return sqlite() !== undefined;
}
const TAG = {
    NAME: 1000,
    VERSION: 1001,
    RELEASE: 1002,
    EPOCH: 1003,
    SUMMARY: 1004,
    SIZE: 1009,
    VENDOR: 1011,
    LICENSE: 1014,
    URL: 1020,
    ARCH: 1022,
    SOURCERPM: 1044,
};
const TYPE = { INT32: 4, STRING: 6, STRING_ARRAY: 8, I18NSTRING: 9 };
function parseRpmHeader(blob) {
    const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
    if (buf.length < 8)
        throw new Error('rpm header shorter than 8 bytes');
    const il = buf.readUInt32BE(0);
    const dl = buf.readUInt32BE(4);
    const dataStart = 8 + il * 16;
    if (il > 0xffff || dataStart + dl > buf.length)
        throw new Error(`rpm header sizes do not fit (il ${il}, dl ${dl})`);
    const str = (offset) => {
        const start = dataStart + offset;
        const end = buf.indexOf(0, start);
        return buf.toString('utf8', start, end < 0 || end > dataStart + dl ? dataStart + dl : end);
    };
    const out = {};
    for (let i = 0; i < il; i++) {
        const e = 8 + i * 16;
        const tag = buf.readUInt32BE(e);
        const type = buf.readUInt32BE(e + 4);
        const offset = buf.readUInt32BE(e + 8);
        if (offset >= dl)
            continue;
        const text = type === TYPE.STRING || type === TYPE.I18NSTRING || type === TYPE.STRING_ARRAY
            ? str(offset)
            : undefined;
        switch (tag) {
            case TAG.NAME:
                out.name = text;
                break;
            case TAG.VERSION:
                out.version = text;
                break;
            case TAG.RELEASE:
                out.release = text;
                break;
            case TAG.EPOCH:
                if (type === TYPE.INT32 && dataStart + offset + 4 <= buf.length)
                    out.epoch = buf.readUInt32BE(dataStart + offset);
                break;
            case TAG.ARCH:
                out.arch = text;
                break;
            case TAG.LICENSE:
                out.license = text;
                break;
            case TAG.VENDOR:
                out.vendor = text;
                break;
            case TAG.URL:
                out.url = text;
                break;
            case TAG.SUMMARY:
                out.summary = text;
                break;
            case TAG.SOURCERPM:
                out.sourceRpm = text;
                break;
        }
    }
    return out;
}
function readRpmDatabase(db, wal) {
    const mod = sqlite();
    if (!mod)
        throw new Error('reading rpmdb.sqlite needs Node.js ≥ 22.13 (node:sqlite)');
    const dir = (0,external_node_fs_.mkdtempSync)(external_node_path_default().join(external_node_os_default().tmpdir(), 'sbom-rpmdb-'));
    try {
        const file = external_node_path_default().join(dir, 'rpmdb.sqlite');
        (0,external_node_fs_.writeFileSync)(file, db);
        if (wal && wal.length > 0)
            (0,external_node_fs_.writeFileSync)(`${file}-wal`, wal);
        const database = new mod.DatabaseSync(file);
        try {
            return database
                .prepare('SELECT blob FROM Packages ORDER BY hnum')
                .all()
                .map((row) => parseRpmHeader(row['blob']));
        }
        finally {
            database.close();
        }
    }
    finally {
        (0,external_node_fs_.rmSync)(dir, { recursive: true, force: true });
    }
}
function sourceName(sourceRpm) {
    return /^(.+)-[^-]+-[^-]+\.(?:no)?src\.rpm$/.exec(sourceRpm)?.[1];
}
const rpmCataloger = {
    name: 'rpm',
    ecosystem: 'rpm',
    selectors: [
        {
            name: 'rpmdb-sqlite',
            selects: (p) => DB_PATHS.includes(p),
            maxBytes: src_limits/* CATALOGER_FILE_BYTES */.Us['rpmdb-sqlite'],
        },
        {
            name: 'rpmdb-sqlite-wal',
            selects: (p) => DB_PATHS.some((d) => p === `${d}-wal`),
            maxBytes: src_limits/* CATALOGER_FILE_BYTES */.Us['rpmdb-sqlite-wal'],
        },
    ],
    catalog(ctx) {
        const packages = [];
        const namespace = ctx.distro?.id ?? 'rpm';
        const distro = distroQualifier(ctx.distro);
        for (const file of ctx.fs.list('rpmdb-sqlite')) {
            if (!file.content)
                continue;
            const wal = ctx.fs.list('rpmdb-sqlite-wal').find((w) => w.path === `${file.path}-wal`)?.content;
            let headers;
            try {
                headers = readRpmDatabase(file.content, wal);
            }
            catch (error) {
                ctx.warn(`${file.path}: not read (${error.message})`);
                continue;
            }
            for (const h of headers) {
                if (!h.name || !h.version || h.name === 'gpg-pubkey')
                    continue;
                const version = h.release ? `${h.version}-${h.release}` : h.version;
                const qualifiers = {};
                if (h.arch)
                    qualifiers['arch'] = h.arch;
                if (distro)
                    qualifiers['distro'] = distro;
                if (h.epoch)
                    qualifiers['epoch'] = String(h.epoch);
                const upstream = h.sourceRpm ? sourceName(h.sourceRpm) : undefined;
                if (upstream && upstream !== h.name)
                    qualifiers['upstream'] = upstream;
                const purl = new packageurl_js.PackageURL('rpm', namespace, h.name, version, qualifiers, null).toString();
                packages.push({
                    id: packageId('rpm', `${h.name}-${h.arch ?? ''}`, purl, file.path),
                    ecosystem: 'rpm',
                    name: h.name,
                    version: h.epoch ? `${h.epoch}:${version}` : version,
                    purl,
                    licenses: declareLicenses([h.license]),
                    location: locationOf(file),
                    ...(h.summary ? { description: h.summary } : {}),
                    ...(h.url ? { homepage: h.url } : {}),
                    ...(h.vendor ? { supplier: h.vendor } : {}),
                    dependsOn: [],
                    properties: {
                        ...(h.arch ? { 'rpm:arch': h.arch } : {}),
                        ...(h.sourceRpm ? { 'rpm:sourcerpm': h.sourceRpm } : {}),
                    },
                });
            }
        }
        return packages;
    },
};

;// CONCATENATED MODULE: ./packages/sbom/src/catalogers/npm.ts





const npm_INSTALLED = /\/node_modules\/(?:@[^/]+\/)?[^/@][^/]*\/package\.json$/;
const str = (v) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
function licenseStrings(json) {
    const out = [];
    const one = (v) => {
        if (typeof v === 'string')
            out.push(v);
        else if (v && typeof v === 'object' && typeof v.type === 'string') {
            out.push(v.type);
        }
    };
    one(json.license);
    if (Array.isArray(json.licenses))
        json.licenses.forEach(one);
    return out;
}
function authorOf(json) {
    if (typeof json.author === 'string')
        return str(json.author);
    if (json.author && typeof json.author === 'object')
        return str(json.author.name);
    return undefined;
}
function dependencyNames(json) {
    const names = new Set();
    for (const deps of [json.dependencies, json.optionalDependencies]) {
        if (deps && typeof deps === 'object')
            for (const n of Object.keys(deps))
                names.add(n);
    }
    return [...names].sort();
}
function parseJson(file, ctx) {
    try {
        const value = JSON.parse(file.content.toString('utf8'));
        return value && typeof value === 'object' ? value : undefined;
    }
    catch (e) {
        ctx.warn(`${file.path}: skipped, not valid JSON (${e.message})`);
        return undefined;
    }
}
function resolveDependency(fromDir, name, installed) {
    for (let dir = fromDir;; dir = external_node_path_.posix.dirname(dir)) {
        if (external_node_path_.posix.basename(dir) !== 'node_modules') {
            const hit = installed.get(external_node_path_.posix.join(dir, 'node_modules', name, 'package.json'));
            if (hit)
                return hit;
        }
        if (dir === '/')
            return undefined;
    }
}
const npmCataloger = {
    name: 'npm',
    ecosystem: 'npm',
    selectors: [
        {
            name: 'npm-installed',
            selects: (path) => npm_INSTALLED.test(path),
            maxBytes: src_limits/* CATALOGER_FILE_BYTES */.Us['npm-installed'],
        },
        {
            name: 'npm-app',
            selects: (path) => (path.endsWith('/package.json') || path.endsWith('/package-lock.json')) &&
                !path.includes('/node_modules/') &&
                !path.startsWith('/usr/share/') &&
                !path.startsWith('/proc/') &&
                !path.startsWith('/sys/'),
            maxBytes: src_limits/* CATALOGER_FILE_BYTES */.Us['npm-app'],
        },
    ],
    catalog(ctx) {
        const lockEntries = new Map();
        const apps = [];
        const appLocks = new Map();
        for (const file of ctx.fs.list('npm-app')) {
            if (!file.content)
                continue;
            const json = parseJson(file, ctx);
            if (!json)
                continue;
            const dir = external_node_path_.posix.dirname(file.path);
            if (file.path.endsWith('/package-lock.json')) {
                const lock = json;
                appLocks.set(dir, { name: str(lock.name), version: str(lock.version), file });
                for (const [rel, entry] of Object.entries(lock.packages ?? {})) {
                    if (rel)
                        lockEntries.set(external_node_path_.posix.join(dir, rel, 'package.json'), entry);
                }
            }
            else if (str(json.name)) {
                apps.push({ file, json });
            }
        }
        const installed = new Map();
        const dependencyNamesOf = new Map();
        const make = (file, json, app) => {
            const name = str(json.name);
            const version = str(json.version) ?? (app ? appLocks.get(external_node_path_.posix.dirname(file.path))?.version : undefined);
            if (!name || !version) {
                if (!app)
                    ctx.warn(`${file.path}: skipped an npm package.json without ${name ? 'version' : 'name'}`);
                return undefined;
            }
            const at = name.startsWith('@') ? name.indexOf('/') : -1;
            let purl;
            try {
                purl = new packageurl_js.PackageURL('npm', at > 0 ? name.slice(0, at) : undefined, at > 0 ? name.slice(at + 1) : name, version, undefined, undefined).toString();
            }
            catch (e) {
                ctx.warn(`${file.path}: skipped an npm package.json whose name is not a package name (${e.message})`);
                return undefined;
            }
            const lock = lockEntries.get(file.path);
            const properties = {};
            if (app)
                properties['npm:application'] = 'true';
            if (lock?.resolved)
                properties['npm:resolved'] = lock.resolved;
            if (lock?.integrity)
                properties['npm:integrity'] = lock.integrity;
            const homepage = str(json.homepage);
            const pkg = {
                id: packageId('npm', name, purl, file.path),
                ecosystem: 'npm',
                name,
                version,
                purl,
                licenses: declareLicenses(licenseStrings(json).length ? licenseStrings(json) : [lock?.license]),
                location: locationOf(file),
                description: str(json.description),
                homepage,
                supplier: authorOf(json),
                dependsOn: [],
                properties,
            };
            dependencyNamesOf.set(pkg, dependencyNames(json));
            return pkg;
        };
        const packages = [];
        for (const file of ctx.fs.list('npm-installed')) {
            if (!file.content)
                continue;
            const json = parseJson(file, ctx);
            const pkg = json && make(file, json, false);
            if (!pkg)
                continue;
            installed.set(file.path, pkg);
            packages.push(pkg);
        }
        for (const { file, json } of apps) {
            const pkg = make(file, json, true);
            if (pkg)
                packages.push(pkg);
        }
        for (const pkg of packages) {
            const deps = new Set();
            for (const name of dependencyNamesOf.get(pkg) ?? []) {
                const hit = resolveDependency(external_node_path_.posix.dirname(pkg.location.path), name, installed);
                if (hit && hit !== pkg)
                    deps.add(hit.id);
            }
            pkg.dependsOn = [...deps].sort();
        }
        return packages;
    },
};

;// CONCATENATED MODULE: ./packages/sbom/src/catalogers/python.ts





const METADATA = /\/[^/]+\.dist-info\/METADATA$/;
const PKG_INFO = /\/[^/]+\.egg-info\/PKG-INFO$/;
const EGG_INFO_FILE = /\/[^/]+\.egg-info$/;
const normalisePythonName = (name) => name.toLowerCase().replace(/[-_.]+/g, '-');
function licenseValues(fields, classifiers) {
    const expression = fields.get('License-Expression');
    if (expression)
        return [expression];
    const license = fields.get('License')?.trim();
    if (license && !license.includes('\n') && license.length <= 80 && license.toUpperCase() !== 'UNKNOWN') {
        return [license];
    }
    return classifiers.filter((c) => c.startsWith('License ::') && c !== 'License :: OSI Approved');
}
const pythonCataloger = {
    name: 'python',
    ecosystem: 'pypi',
    selectors: [
        {
            name: 'python-metadata',
            selects: (path, entry) => METADATA.test(path) || PKG_INFO.test(path) || (entry.type === 'file' && EGG_INFO_FILE.test(path)),
            maxBytes: src_limits/* CATALOGER_FILE_BYTES */.Us['python-metadata'],
        },
    ],
    catalog(ctx) {
        const found = [];
        for (const file of ctx.fs.list('python-metadata')) {
            if (!file.content)
                continue;
            const header = parseParagraphs(file.content.toString('utf8'), { stopAtFirstBlank: true })[0];
            const name = header?.fields.get('Name');
            const version = header?.fields.get('Version');
            if (!header || !name || !version) {
                ctx.warn(`${file.path}: skipped Python metadata without ${name ? 'Version' : 'Name'}`);
                continue;
            }
            const purl = new packageurl_js.PackageURL('pypi', undefined, name, version, undefined, undefined).toString();
            const requires = (header.all.get('Requires-Dist') ?? [])
                .filter((r) => !/extra\s*==/.test(r))
                .map((r) => normalisePythonName(r.split(/[\s;(<>=!~[]/)[0]))
                .filter(Boolean);
            const distDir = file.path.endsWith('.egg-info') ? file.path : external_node_path_.posix.dirname(file.path);
            found.push({
                siteDir: external_node_path_.posix.dirname(distDir),
                requires,
                pkg: {
                    id: packageId('pypi', name, purl, file.path),
                    ecosystem: 'pypi',
                    name,
                    version,
                    purl,
                    licenses: declareLicenses(licenseValues(header.fields, header.all.get('Classifier') ?? [])),
                    location: locationOf(file),
                    description: header.fields.get('Summary'),
                    homepage: header.fields.get('Home-page'),
                    supplier: header.fields.get('Author') ?? header.fields.get('Author-email'),
                    dependsOn: [],
                    properties: {},
                },
            });
        }
        const bySite = new Map();
        for (const f of found)
            bySite.set(`${f.siteDir}\0${normalisePythonName(f.pkg.name)}`, f.pkg);
        for (const f of found) {
            const deps = new Set();
            for (const r of f.requires) {
                const hit = bySite.get(`${f.siteDir}\0${r}`);
                if (hit && hit !== f.pkg)
                    deps.add(hit.id);
            }
            f.pkg.dependsOn = [...deps].sort();
        }
        return found.map((f) => f.pkg);
    },
};

;// CONCATENATED MODULE: ./packages/sbom/src/catalogers/uncatalogued.ts

const DETECTORS = [
    {
        id: 'rpm-bdb',
        ecosystem: 'rpm',
        reason: 'Berkeley DB / ndb rpm databases (RHEL ≤ 8, Amazon Linux 2, SUSE) are not read by the native engine; use engine: syft',
        selects: (p) => /^\/(?:var\/lib\/rpm|usr\/lib\/sysimage\/rpm)\/(?:Packages|Packages\.db)$/.test(p),
    },
    {
        id: 'rpm-sqlite',
        ecosystem: 'rpm',
        reason: 'rpmdb.sqlite needs Node.js ≥ 22.13 (node:sqlite) to be read; this action runs on node24',
        selects: (p) => !rpmSqliteSupported() && /^\/(?:var\/lib\/rpm|usr\/lib\/sysimage\/rpm)\/rpmdb\.sqlite$/.test(p),
    },
    {
        id: 'ruby',
        ecosystem: 'ruby',
        reason: 'Ruby gem specifications are not read by the native engine; use engine: syft',
        selects: (p) => /\/specifications\/[^/]+\.gemspec$/.test(p),
    },
    {
        id: 'php',
        ecosystem: 'php',
        reason: 'Composer installed.json is not read by the native engine; use engine: syft',
        selects: (p) => p.endsWith('/vendor/composer/installed.json'),
    },
];
const uncataloguedSelectors = DETECTORS.map((d) => ({
    name: `uncatalogued-${d.id}`,
    selects: (path, entry) => entry.type === 'file' && d.selects(path),
    maxBytes: Number.MAX_SAFE_INTEGER,
    presenceOnly: true,
}));
function findUncatalogued(fs) {
    const out = [];
    for (const d of DETECTORS) {
        const files = fs.list(`uncatalogued-${d.id}`);
        if (files.length === 0)
            continue;
        out.push({
            ecosystem: d.ecosystem,
            reason: d.reason,
            paths: files.slice(0, 5).map((f) => f.path),
            count: files.length,
        });
    }
    return out;
}

;// CONCATENATED MODULE: ./packages/sbom/src/decompress.ts




const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
const startsWith = (buf, magic) => magic.every((b, i) => buf[i] === b);
const RATIO_GRACE_BYTES = 1024 * 1024 * 1024;
const DECODER_CHUNK = 256 * 1024;
function zstdFactory() {
    const create = external_node_zlib_.createZstdDecompress;
    return typeof create === 'function' ? (options) => create(options) : undefined;
}
function zstdSupported() {
    return zstdFactory() !== undefined;
}
async function* decompressLayer(blob, counts = { compressed: 0, uncompressed: 0 }, bound = {}) {
    const maxBytes = bound.limits?.['layer-unpacked-bytes'] ?? src_limits/* DEFAULT_LIMITS */.dR['layer-unpacked-bytes'];
    const maxRatio = bound.limits?.['layer-compression-ratio'] ?? src_limits/* DEFAULT_LIMITS */.dR['layer-compression-ratio'];
    const what = bound.layer ?? 'layer';
    const grace = bound.ratioGraceBytes ?? RATIO_GRACE_BYTES;
    const check = () => {
        if (counts.uncompressed > maxBytes) {
            throw new src_limits/* LimitError */.oC('layer-unpacked-bytes', maxBytes, what, `unpacked more than ${maxBytes} bytes`);
        }
        if (counts.uncompressed > grace && counts.uncompressed > maxRatio * counts.compressed) {
            throw new src_limits/* LimitError */.oC('layer-compression-ratio', maxRatio, what, `${counts.compressed} compressed bytes unpacked to ${counts.uncompressed}`);
        }
    };
    const iterator = blob[Symbol.asyncIterator]();
    let first = await iterator.next();
    while (!first.done && first.value.length === 0)
        first = await iterator.next();
    if (first.done)
        throw new errors_SbomError('LAYER_NOT_TAR', 'the layer blob is empty: not a tar archive');
    const head = Buffer.from(first.value);
    let compression = 'none';
    if (startsWith(head, GZIP_MAGIC))
        compression = 'gzip';
    else if (startsWith(head, ZSTD_MAGIC))
        compression = 'zstd';
    let sourceError;
    async function* raw() {
        counts.compressed += head.length;
        yield head;
        for (;;) {
            let next;
            try {
                next = await iterator.next();
            }
            catch (e) {
                sourceError = e;
                throw e;
            }
            if (next.done)
                return;
            counts.compressed += next.value.length;
            yield Buffer.from(next.value.buffer, next.value.byteOffset, next.value.length);
        }
    }
    if (compression === 'none') {
        for await (const chunk of raw()) {
            counts.uncompressed += chunk.length;
            check();
            yield chunk;
        }
        return;
    }
    let decoder;
    if (compression === 'gzip') {
        decoder = external_node_zlib_.createGunzip({ chunkSize: DECODER_CHUNK });
    }
    else {
        const create = zstdFactory();
        if (!create) {
            throw new errors_SbomError('UNSUPPORTED_COMPRESSION', `zstd-compressed layers need Node.js >= 22.15 (GitHub runs this action on node24, which has it); ` +
                `this Node.js ${process.version} cannot decompress them`);
        }
        decoder = create({ chunkSize: DECODER_CHUNK });
    }
    const out = new external_node_stream_.PassThrough({ highWaterMark: 1 << 20 });
    (0,external_node_stream_.pipeline)(external_node_stream_.Readable.from(raw(), { objectMode: false }), decoder, out, (err) => {
        if (err)
            out.destroy(err);
    });
    try {
        for await (const chunk of out) {
            counts.uncompressed += chunk.length;
            check();
            yield chunk;
        }
    }
    catch (e) {
        if (sourceError !== undefined)
            throw sourceError;
        if (e instanceof errors_SbomError || e instanceof src_limits/* LimitError */.oC)
            throw e;
        throw new errors_SbomError('LAYER_NOT_TAR', `the ${compression} layer could not be decompressed: ${String(e)}`, {
            cause: e,
        });
    }
    finally {
        out.destroy();
    }
}

;// CONCATENATED MODULE: ./packages/sbom/src/tar.ts


const BLOCK = 512;
class ByteReader {
    source;
    chunks = [];
    buffered = 0;
    ended = false;
    position = 0;
    constructor(source) {
        this.source = source;
    }
    async fill(n) {
        while (this.buffered < n && !this.ended) {
            const next = await this.source.next();
            if (next.done) {
                this.ended = true;
            }
            else if (next.value.length > 0) {
                const chunk = Buffer.isBuffer(next.value)
                    ? next.value
                    : Buffer.from(next.value.buffer, next.value.byteOffset, next.value.length);
                this.chunks.push(chunk);
                this.buffered += chunk.length;
            }
        }
    }
    async read(n) {
        await this.fill(n);
        const take = Math.min(n, this.buffered);
        let out;
        const first = this.chunks[0];
        if (first && first.length >= take) {
            out = first.subarray(0, take);
            if (first.length === take)
                this.chunks.shift();
            else
                this.chunks[0] = first.subarray(take);
        }
        else {
            out = Buffer.allocUnsafe(take);
            let off = 0;
            while (off < take) {
                const c = this.chunks[0];
                const part = Math.min(c.length, take - off);
                c.copy(out, off, 0, part);
                off += part;
                if (part === c.length)
                    this.chunks.shift();
                else
                    this.chunks[0] = c.subarray(part);
            }
        }
        this.buffered -= take;
        this.position += take;
        return out;
    }
    async skip(n) {
        let left = n;
        while (left > 0) {
            if (this.buffered === 0) {
                await this.fill(1);
                if (this.buffered === 0)
                    break;
            }
            const c = this.chunks[0];
            if (c.length <= left) {
                this.chunks.shift();
                left -= c.length;
                this.buffered -= c.length;
            }
            else {
                this.chunks[0] = c.subarray(left);
                this.buffered -= left;
                left = 0;
            }
        }
        this.position += n - left;
        return n - left;
    }
}
function cString(buf, start, end) {
    const nul = buf.indexOf(0, start);
    return buf.toString('utf8', start, nul === -1 || nul > end ? end : nul);
}
function parseNumber(buf, start, end) {
    if ((buf[start] & 0x80) !== 0) {
        let value = buf[start] & 0x7f;
        for (let i = start + 1; i < end; i++)
            value = value * 256 + buf[i];
        return value;
    }
    const text = cString(buf, start, end).trim();
    if (text === '')
        return 0;
    if (!/^[0-7]+$/.test(text))
        return NaN;
    return parseInt(text, 8);
}
function checksumMatches(header) {
    const stored = parseNumber(header, 148, 156);
    let unsigned = 0;
    let signed = 0;
    for (let i = 0; i < BLOCK; i++) {
        const b = i >= 148 && i < 156 ? 0x20 : header[i];
        unsigned += b;
        signed += b > 127 ? b - 256 : b;
    }
    return stored === unsigned || stored === signed;
}
function parsePax(body) {
    const out = {};
    let pos = 0;
    while (pos < body.length) {
        const space = body.indexOf(0x20, pos);
        if (space === -1)
            break;
        const len = parseInt(body.toString('ascii', pos, space), 10);
        if (!Number.isFinite(len) || len <= 0 || pos + len > body.length)
            break;
        const record = body.toString('utf8', space + 1, pos + len - 1);
        const eq = record.indexOf('=');
        if (eq > 0)
            out[record.slice(0, eq)] = record.slice(eq + 1);
        pos += len;
    }
    return out;
}
function entryType(flag) {
    switch (flag) {
        case 0:
        case 0x30:
        case 0x37:
            return 'file';
        case 0x31:
            return 'hardlink';
        case 0x32:
            return 'symlink';
        case 0x35:
            return 'directory';
        case 0x78:
            return 'pax';
        case 0x67:
            return 'pax-global';
        case 0x4c:
            return 'gnu-longname';
        case 0x4b:
            return 'gnu-longlink';
        default:
            return 'other';
    }
}
const padding = (size) => (BLOCK - (size % BLOCK)) % BLOCK;
async function* readTar(source, bound = {}) {
    const maxEntries = bound.limits?.['archive-entries'] ?? src_limits/* DEFAULT_LIMITS */.dR['archive-entries'];
    const maxHeader = src_limits/* DEFAULT_LIMITS */.dR['tar-header-bytes'];
    const what = bound.layer ?? 'layer';
    let entries = 0;
    const reader = new ByteReader(source[Symbol.asyncIterator]());
    let pax = {};
    let globalPax = {};
    let longName;
    let longLink;
    let sawHeader = false;
    for (;;) {
        const headerOffset = reader.position;
        const header = await reader.read(BLOCK);
        if (header.length === 0) {
            if (!sawHeader)
                throw new errors_SbomError('LAYER_NOT_TAR', 'the layer is empty: not a tar archive');
            return;
        }
        if (header.length < BLOCK) {
            throw new errors_SbomError('LAYER_TRUNCATED', `the layer ends inside a tar header at byte ${headerOffset}`);
        }
        if (header.every((b) => b === 0))
            return;
        if (!checksumMatches(header)) {
            throw new errors_SbomError('LAYER_NOT_TAR', sawHeader
                ? `bad tar header checksum at byte ${headerOffset}: the layer is corrupt`
                : 'the layer is not a tar archive (bad header checksum at byte 0)');
        }
        sawHeader = true;
        const kind = entryType(header[156]);
        let size = parseNumber(header, 124, 136);
        if (!Number.isSafeInteger(size) || size < 0) {
            throw new errors_SbomError('LAYER_NOT_TAR', `bad size field in the tar header at byte ${headerOffset}`);
        }
        if (kind === 'pax' || kind === 'pax-global' || kind === 'gnu-longname' || kind === 'gnu-longlink') {
            if (size > maxHeader) {
                throw new src_limits/* LimitError */.oC('tar-header-bytes', maxHeader, `${what}, tar header at byte ${headerOffset}`, `a ${size}-byte extended header`);
            }
            const body = await reader.read(size);
            if (body.length < size)
                throw new errors_SbomError('LAYER_TRUNCATED', 'the layer ends inside a tar entry');
            await reader.skip(padding(size));
            if (kind === 'pax')
                pax = parsePax(body);
            else if (kind === 'pax-global')
                globalPax = { ...globalPax, ...parsePax(body) };
            else if (kind === 'gnu-longname')
                longName = cString(body, 0, body.length);
            else
                longLink = cString(body, 0, body.length);
            continue;
        }
        if (++entries > maxEntries) {
            throw new src_limits/* LimitError */.oC('archive-entries', maxEntries, what, `more than ${maxEntries} tar entries`);
        }
        const magic = header.toString('latin1', 257, 263);
        const prefix = magic === 'ustar\0' ? cString(header, 345, 500) : '';
        let name = longName ?? pax.path ?? globalPax.path ?? (prefix ? `${prefix}/` : '') + cString(header, 0, 100);
        const linkName = longLink ?? pax.linkpath ?? cString(header, 157, 257);
        const paxSize = pax.size ?? globalPax.size;
        if (paxSize !== undefined) {
            size = /^[0-9]{1,16}$/.test(paxSize) ? Number(paxSize) : NaN;
            if (!Number.isSafeInteger(size)) {
                throw new errors_SbomError('LAYER_NOT_TAR', `bad pax size ${JSON.stringify(paxSize.slice(0, 40))} at byte ${headerOffset}`);
            }
        }
        let type = kind;
        if (type === 'file' && name.endsWith('/'))
            type = 'directory';
        if (type === 'directory')
            name = name.replace(/\/+$/, '');
        pax = {};
        longName = undefined;
        longLink = undefined;
        const bodySize = type === 'file' || type === 'other' ? size : 0;
        let consumed = 0;
        let peeked;
        const entry = {
            name,
            type,
            mode: parseNumber(header, 100, 108) || 0,
            size: bodySize,
            linkName,
            peek: async (n) => {
                if (consumed > 0 && !peeked)
                    throw new Error('peek after read');
                if (!peeked || peeked.length < Math.min(n, bodySize)) {
                    const more = await reader.read(Math.min(n, bodySize) - (peeked?.length ?? 0));
                    peeked = peeked ? Buffer.concat([peeked, more]) : more;
                    consumed = peeked.length;
                }
                return peeked.subarray(0, n);
            },
            read: async () => {
                const rest = await reader.read(bodySize - consumed);
                const whole = peeked ? Buffer.concat([peeked, rest]) : rest;
                consumed = bodySize;
                peeked = whole;
                if (whole.length < bodySize) {
                    throw new errors_SbomError('LAYER_TRUNCATED', `the layer ends inside the body of ${name}`);
                }
                return whole;
            },
        };
        yield entry;
        const left = bodySize - consumed;
        if (left > 0 && (await reader.skip(left)) < left) {
            throw new errors_SbomError('LAYER_TRUNCATED', `the layer ends inside the body of ${name}`);
        }
        await reader.skip(padding(bodySize));
    }
}

;// CONCATENATED MODULE: ./packages/sbom/src/filesystem.ts





class ImageFilesystem {
    files;
    layers;
    warnings;
    constructor(files, layers, warnings) {
        this.files = files;
        this.layers = layers;
        this.warnings = warnings;
    }
    list(selector) {
        return [...this.files.values()]
            .filter((f) => f.selectedBy.includes(selector))
            .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    }
    resolve(path) {
        let current = this.files.get(path);
        for (let hops = 0; current?.type === 'symlink' && hops < 16; hops++) {
            const target = current.linkTarget ?? '';
            const next = normalizeImagePath(target.startsWith('/') ? target : external_node_path_.posix.join(external_node_path_.posix.dirname(current.path), target));
            current = next ? this.files.get(next) : undefined;
        }
        return current?.type === 'file' ? current : undefined;
    }
}
function normalizeImagePath(name) {
    const parts = [];
    for (const seg of name.split('/')) {
        if (seg === '' || seg === '.')
            continue;
        if (seg === '..')
            return undefined;
        parts.push(seg);
    }
    return parts.length === 0 ? '/' : `/${parts.join('/')}`;
}
const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';
async function indexFilesystem(source, selectors, options = {}) {
    const logger = options.logger ?? src_logger/* silentLogger */.q;
    const limits = options.limits ?? {};
    const files = new Map();
    const below = new Map();
    const warnings = [];
    const stats = [];
    const track = (path, delta) => {
        for (let dir = external_node_path_.posix.dirname(path);; dir = external_node_path_.posix.dirname(dir)) {
            const n = (below.get(dir) ?? 0) + delta;
            if (n <= 0)
                below.delete(dir);
            else
                below.set(dir, n);
            if (dir === '/')
                break;
        }
    };
    const put = (file) => {
        const previous = files.get(file.path);
        if (previous)
            track(previous.path, -1);
        files.set(file.path, file);
        track(file.path, +1);
    };
    const remove = (path) => {
        if (files.delete(path))
            track(path, -1);
    };
    const hideLower = (path, layerIndex, keepSelf) => {
        const self = files.get(path);
        if (!keepSelf && self && self.layerIndex < layerIndex)
            remove(path);
        if (!below.has(path))
            return;
        const prefix = path === '/' ? '/' : `${path}/`;
        for (const [p, f] of [...files]) {
            if (p.startsWith(prefix) && f.layerIndex < layerIndex)
                remove(p);
        }
    };
    for (const [layerIndex, layer] of source.layers.entries()) {
        options.signal?.throwIfAborted();
        const counts = { compressed: 0, uncompressed: 0 };
        let entries = 0;
        const started = Date.now();
        try {
            const blob = await layer.open();
            const bound = {
                limits,
                layer: `layer ${layerIndex + 1} of ${source.layers.length} (${layer.digest}) of ${source.subject.name}@${source.subject.digest}`,
            };
            for await (const entry of readTar(decompressLayer(blob, counts, bound), bound)) {
                entries++;
                const path = normalizeImagePath(entry.name);
                if (path === undefined) {
                    warnings.push(`layer ${layer.digest}: ignored tar entry with a path outside the root: ${entry.name}`);
                    continue;
                }
                const base = external_node_path_.posix.basename(path);
                if (base.startsWith(WHITEOUT_PREFIX)) {
                    const dir = external_node_path_.posix.dirname(path);
                    const target = base.slice(WHITEOUT_PREFIX.length);
                    if (base === OPAQUE_MARKER)
                        hideLower(dir, layerIndex, true);
                    else if (target === '' || target === '.' || target === '..') {
                        warnings.push(`layer ${layer.digest}: ignored a whiteout that names no file: ${entry.name}`);
                    }
                    else
                        hideLower(external_node_path_.posix.join(dir, target), layerIndex, false);
                    continue;
                }
                if (entry.type === 'directory') {
                    remove(path);
                    continue;
                }
                if (entry.type === 'other') {
                    hideLower(path, layerIndex, false);
                    remove(path);
                    continue;
                }
                if (files.has(path) || below.has(path))
                    hideLower(path, layerIndex, false);
                if (entry.type === 'hardlink') {
                    const targetPath = normalizeImagePath(entry.linkName);
                    const target = targetPath ? files.get(targetPath) : undefined;
                    const chosen = selectors.filter((s) => s.selects(path, { type: 'file', mode: entry.mode, size: 0 }));
                    if (target && chosen.length > 0) {
                        put({
                            ...target,
                            path,
                            layerDigest: layer.digest,
                            layerIndex,
                            selectedBy: [...target.selectedBy],
                        });
                    }
                    continue;
                }
                const chosen = selectors.filter((s) => s.selects(path, entry));
                if (chosen.length === 0)
                    continue;
                if (entry.type === 'symlink') {
                    put({
                        path,
                        type: 'symlink',
                        linkTarget: entry.linkName,
                        layerDigest: layer.digest,
                        layerIndex,
                        mode: entry.mode,
                        size: 0,
                        extracted: new Map(),
                        selectedBy: chosen.map((s) => s.name),
                    });
                    continue;
                }
                const fits = chosen.filter((s) => {
                    const maxBytes = s.presenceOnly ? s.maxBytes : (limits['file-bytes'] ?? s.maxBytes);
                    if (entry.size <= maxBytes)
                        return true;
                    warnings.push(`${path} in layer ${layer.digest}: skipped by the ${s.name} cataloger, ${entry.size} bytes is over the file-bytes limit (${maxBytes} for ${s.name}); ${(0,src_limits/* howToRaise */.EX)('file-bytes')}`);
                    return false;
                });
                if (fits.length === 0)
                    continue;
                const longestMagic = Math.max(0, ...fits.map((s) => s.magic?.length ?? 0));
                const head = longestMagic > 0 ? await entry.peek(longestMagic) : Buffer.alloc(0);
                const wanted = fits.filter((s) => !s.magic || head.subarray(0, s.magic.length).equals(Buffer.from(s.magic)));
                if (wanted.length === 0)
                    continue;
                const body = wanted.every((s) => s.presenceOnly) ? Buffer.alloc(0) : await entry.read();
                const file = {
                    path,
                    type: 'file',
                    layerDigest: layer.digest,
                    layerIndex,
                    mode: entry.mode,
                    size: entry.size,
                    extracted: new Map(),
                    selectedBy: [],
                };
                for (const s of wanted) {
                    if (s.presenceOnly) {
                        file.selectedBy.push(s.name);
                        continue;
                    }
                    if (!s.extract) {
                        file.content = body;
                        file.selectedBy.push(s.name);
                        continue;
                    }
                    try {
                        const value = s.extract(body, path, limits);
                        if (value !== undefined) {
                            file.extracted.set(s.name, value);
                            file.selectedBy.push(s.name);
                        }
                    }
                    catch (e) {
                        warnings.push(`${path}: the ${s.name} cataloger could not read it: ${e.message}`);
                    }
                }
                if (file.selectedBy.length > 0)
                    put(file);
            }
        }
        catch (e) {
            const message = `layer ${layerIndex + 1} of ${source.layers.length} (${layer.digest}): ${e.message}`;
            if (e instanceof errors_SbomError)
                throw new errors_SbomError(e.code, message, { cause: e });
            throw e;
        }
        logger.debug(`indexFilesystem: layer ${layer.digest} ${entries} entries, ${counts.uncompressed} bytes in ${Date.now() - started} ms`);
        stats.push({
            digest: layer.digest,
            mediaType: layer.mediaType,
            compressedBytes: counts.compressed,
            uncompressedBytes: counts.uncompressed,
            entries,
        });
    }
    return new ImageFilesystem(files, stats, warnings);
}

;// CONCATENATED MODULE: ./packages/sbom/src/catalog.ts












const catalogers = [
    dpkgCataloger,
    apkCataloger,
    rpmCataloger,
    npmCataloger,
    pythonCataloger,
    golangCataloger,
    javaCataloger,
];
async function catalogImage(source, options = {}) {
    const logger = options.logger ?? src_logger/* silentLogger */.q;
    const active = catalogers.filter((c) => !options.ecosystems || options.ecosystems.includes(c.ecosystem));
    const selectors = [osReleaseSelector, ...active.flatMap((c) => c.selectors), ...uncataloguedSelectors];
    const fs = await indexFilesystem(source, selectors, {
        logger,
        signal: options.signal,
        limits: options.limits,
    });
    const warnings = [...fs.warnings];
    const distro = detectDistro(fs);
    const packages = active.flatMap((c) => {
        const found = c.catalog({ fs, distro, warn: (m) => warnings.push(m) });
        logger.debug(`catalogImage: ${c.name} found ${found.length} packages`);
        return found;
    });
    return {
        subject: source.subject,
        platform: source.platform,
        config: source.config,
        distro,
        packages: sortPackages(packages),
        uncatalogued: findUncatalogued(fs),
        warnings,
        layers: fs.layers,
    };
}

// EXTERNAL MODULE: ./packages/sbom/src/formats.ts
var formats = __webpack_require__(4114);
// EXTERNAL MODULE: ./node_modules/.pnpm/@cyclonedx+cyclonedx-library@10.3.0_ajv-formats-draft2019@1.6.1_ajv@8.20.0__ajv-formats_203b9edb3c334b632f534117d9ed89e3/node_modules/@cyclonedx/cyclonedx-library/dist.node/enums/index.js
var enums = __webpack_require__(3002);
// EXTERNAL MODULE: ./node_modules/.pnpm/@cyclonedx+cyclonedx-library@10.3.0_ajv-formats-draft2019@1.6.1_ajv@8.20.0__ajv-formats_203b9edb3c334b632f534117d9ed89e3/node_modules/@cyclonedx/cyclonedx-library/dist.node/models/index.js
var models = __webpack_require__(6186);
// EXTERNAL MODULE: ./node_modules/.pnpm/@cyclonedx+cyclonedx-library@10.3.0_ajv-formats-draft2019@1.6.1_ajv@8.20.0__ajv-formats_203b9edb3c334b632f534117d9ed89e3/node_modules/@cyclonedx/cyclonedx-library/dist.node/serialize/index.node.js
var index_node = __webpack_require__(93);
// EXTERNAL MODULE: ./node_modules/.pnpm/@cyclonedx+cyclonedx-library@10.3.0_ajv-formats-draft2019@1.6.1_ajv@8.20.0__ajv-formats_203b9edb3c334b632f534117d9ed89e3/node_modules/@cyclonedx/cyclonedx-library/dist.node/spdx.js
var dist_node_spdx = __webpack_require__(2784);
// EXTERNAL MODULE: ./node_modules/.pnpm/@cyclonedx+cyclonedx-library@10.3.0_ajv-formats-draft2019@1.6.1_ajv@8.20.0__ajv-formats_203b9edb3c334b632f534117d9ed89e3/node_modules/@cyclonedx/cyclonedx-library/dist.node/spec/index.js
var spec = __webpack_require__(2139);
;// CONCATENATED MODULE: ./packages/sbom/package.json
const package_namespaceObject = {"rE":"0.1.0"};
;// CONCATENATED MODULE: ./packages/sbom/src/identity.ts



const TOOL_NAME = 'deliverkit-sbom';
const TOOL_VERSION = package_namespaceObject.rE;
function platformString(p) {
    return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}
function deterministicUuid(seed) {
    const h = (0,external_node_crypto_.createHash)('sha256').update(seed).digest();
    h[6] = (h[6] & 0x0f) | 0x50;
    h[8] = (h[8] & 0x3f) | 0x80;
    const hex = h.subarray(0, 16).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
function documentTime(catalog, options) {
    let date = options.created;
    if (!date && catalog.config.created) {
        const parsed = new Date(catalog.config.created);
        if (!Number.isNaN(parsed.getTime()))
            date = parsed;
    }
    return (date ?? new Date(0)).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
function documentSeed(catalog, options) {
    return options.uniqueSeed ?? `${catalog.subject.digest}\0${platformString(catalog.platform)}`;
}
function imagePurl(catalog) {
    const { name, digest, tag } = catalog.subject;
    const last = name.split('/').pop().toLowerCase();
    const qualifiers = { repository_url: name.toLowerCase() };
    if (catalog.platform.architecture)
        qualifiers.arch = catalog.platform.architecture;
    if (tag)
        qualifiers.tag = tag;
    return new packageurl_js.PackageURL('oci', undefined, last, digest, qualifiers, undefined).toString();
}

;// CONCATENATED MODULE: ./packages/sbom/src/writers/cyclonedx.ts






function licensesFor(component, declarations) {
    if (declarations.length === 0)
        return;
    if (declarations.every((d) => d.spdx)) {
        const spdx = declarations.map((d) => d.spdx);
        if (spdx.length === 1 && (0,dist_node_spdx.isSupportedSpdxId)(spdx[0])) {
            component.licenses.add(new models.SpdxLicense(spdx[0]));
        }
        else {
            const joined = spdx.length === 1 ? spdx[0] : spdx.map((e) => (/\s/.test(e) ? `(${e})` : e)).join(' AND ');
            component.licenses.add(new models.LicenseExpression(joined));
        }
        return;
    }
    for (const d of declarations) {
        if (d.spdx && (0,dist_node_spdx.isSupportedSpdxId)(d.spdx))
            component.licenses.add(new models.SpdxLicense(d.spdx));
        else
            component.licenses.add(new models.NamedLicense(d.declared));
    }
}
function isUrl(value) {
    if (!value || /\s/.test(value))
        return false;
    try {
        new URL(value);
        return true;
    }
    catch {
        return false;
    }
}
function sriToHex(integrity) {
    const m = /^(sha512|sha384|sha256|sha1)-([A-Za-z0-9+/=]+)$/.exec(integrity.split(/\s+/)[0] ?? '');
    if (!m)
        return undefined;
    const alg = {
        sha512: enums.HashAlgorithm['SHA-512'],
        sha384: enums.HashAlgorithm['SHA-384'],
        sha256: enums.HashAlgorithm['SHA-256'],
        sha1: enums.HashAlgorithm['SHA-1'],
    }[m[1]];
    return { alg, hex: Buffer.from(m[2], 'base64').toString('hex') };
}
function componentFor(pkg) {
    const scoped = pkg.ecosystem === 'npm' && pkg.name.startsWith('@')
        ? pkg.name.split('/')
        : pkg.ecosystem === 'maven' && pkg.name.includes(':')
            ? pkg.name.split(':')
            : undefined;
    const application = pkg.properties['go:role'] === 'main' || pkg.properties['npm:application'] === 'true';
    const component = new models.Component(application ? enums.ComponentType.Application : enums.ComponentType.Library, scoped ? scoped.slice(1).join('/') : pkg.name, {
        bomRef: pkg.id,
        group: scoped ? scoped[0] : undefined,
        version: pkg.version,
        purl: pkg.purl,
        description: pkg.description,
        publisher: pkg.supplier,
    });
    licensesFor(component, pkg.licenses);
    if (isUrl(pkg.homepage))
        component.externalReferences.add(new models.ExternalReference(pkg.homepage, enums.ExternalReferenceType.Website));
    const integrity = pkg.properties['npm:integrity'];
    const hash = integrity ? sriToHex(integrity) : undefined;
    if (hash)
        component.hashes.set(hash.alg, hash.hex);
    component.properties.add(new models.Property('deliverkit:package:ecosystem', pkg.ecosystem));
    component.properties.add(new models.Property('deliverkit:location:layer-digest', pkg.location.layerDigest));
    component.properties.add(new models.Property('deliverkit:location:path', pkg.location.path));
    for (const [name, value] of Object.entries(pkg.properties).sort(([a], [b]) => (a < b ? -1 : 1))) {
        component.properties.add(new models.Property(`deliverkit:${name}`, value));
    }
    return component;
}
function toCycloneDx(catalog, options = {}) {
    const bom = new models.Bom({
        serialNumber: `urn:uuid:${deterministicUuid(`cyclonedx\0${documentSeed(catalog, options)}`)}`,
    });
    bom.metadata.timestamp = new Date(documentTime(catalog, options));
    bom.metadata.tools.components.add(new models.Component(enums.ComponentType.Application, TOOL_NAME, { version: TOOL_VERSION, group: 'deliverkit' }));
    const image = new models.Component(enums.ComponentType.Container, catalog.subject.name, {
        bomRef: `image-${catalog.subject.digest}`,
        version: catalog.subject.digest,
        purl: imagePurl(catalog),
    });
    image.properties.add(new models.Property('deliverkit:image:platform', platformString(catalog.platform)));
    if (catalog.subject.indexDigest) {
        image.properties.add(new models.Property('deliverkit:image:index-digest', catalog.subject.indexDigest));
    }
    if (catalog.subject.tag)
        image.properties.add(new models.Property('deliverkit:image:tag', catalog.subject.tag));
    for (const u of catalog.uncatalogued) {
        image.properties.add(new models.Property('deliverkit:uncatalogued', `${u.ecosystem}: ${u.count} (${u.reason})`));
    }
    bom.metadata.component = image;
    const components = new Map();
    if (catalog.distro) {
        const os = new models.Component(enums.ComponentType.OperatingSystem, catalog.distro.id, {
            bomRef: `os-${catalog.distro.id}`,
            version: catalog.distro.versionId ?? catalog.distro.versionCodename,
            description: catalog.distro.prettyName,
        });
        bom.components.add(os);
        image.dependencies.add(os.bomRef);
    }
    for (const pkg of catalog.packages) {
        const c = componentFor(pkg);
        components.set(pkg.id, c);
        bom.components.add(c);
    }
    const dependedOn = new Set(catalog.packages.flatMap((p) => p.dependsOn));
    for (const pkg of catalog.packages) {
        const c = components.get(pkg.id);
        for (const dep of pkg.dependsOn) {
            const target = components.get(dep);
            if (target)
                c.dependencies.add(target.bomRef);
        }
        if (!dependedOn.has(pkg.id))
            image.dependencies.add(c.bomRef);
    }
    const serializer = new index_node.JsonSerializer(new index_node.JSON.Normalize.Factory(spec.Spec1dot6));
    return `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`;
}

;// CONCATENATED MODULE: ./packages/sbom/src/writers/spdx.ts


const NOASSERTION = 'NOASSERTION';
const spdxId = (kind, id) => `SPDXRef-${kind}-${id.replace(/[^A-Za-z0-9.-]+/g, '-')}`;
const supplierOf = (value) => value ? `Person: ${value.replace(/\s+/g, ' ').trim()}` : undefined;
function spdx_isUrl(value) {
    if (!value || /\s/.test(value))
        return false;
    try {
        return ['http:', 'https:', 'ftp:'].includes(new URL(value).protocol);
    }
    catch {
        return false;
    }
}
class ExtractedLicenses {
    byText = new Map();
    ref(declared) {
        const existing = this.byText.get(declared);
        if (existing)
            return existing;
        const readable = declared
            .replace(/[^A-Za-z0-9.-]+/g, '-')
            .replace(/^-+|-+$/g, '')
            .slice(0, 40) || 'unknown';
        const hash = (0,external_node_crypto_.createHash)('sha256').update(declared).digest('hex').slice(0, 8);
        const id = `LicenseRef-${readable}-${hash}`;
        this.byText.set(declared, id);
        return id;
    }
    toJson() {
        return [...this.byText.entries()]
            .sort(([, a], [, b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([declared, licenseId]) => ({
            licenseId,
            name: declared,
            extractedText: `The package declares the license "${declared}", which has no SPDX identifier.`,
        }));
    }
}
function licenseDeclared(pkg, extracted) {
    if (pkg.licenses.length === 0)
        return NOASSERTION;
    const parts = pkg.licenses.map((l) => l.spdx ?? extracted.ref(l.declared));
    if (parts.length === 1)
        return parts[0];
    return parts.map((p) => (/\s/.test(p) ? `(${p})` : p)).join(' AND ');
}
function packageFor(pkg, extracted) {
    const application = pkg.properties['go:role'] === 'main' || pkg.properties['npm:application'] === 'true';
    const resolved = pkg.properties['npm:resolved'];
    const out = {
        SPDXID: spdxId('Package', pkg.id),
        name: pkg.name,
        versionInfo: pkg.version,
        supplier: supplierOf(pkg.supplier),
        downloadLocation: spdx_isUrl(resolved) ? resolved : NOASSERTION,
        filesAnalyzed: false,
        homepage: spdx_isUrl(pkg.homepage) ? pkg.homepage : undefined,
        sourceInfo: `found in layer ${pkg.location.layerDigest} at ${pkg.location.path}`,
        licenseConcluded: NOASSERTION,
        licenseDeclared: licenseDeclared(pkg, extracted),
        copyrightText: NOASSERTION,
        summary: pkg.description,
        externalRefs: [
            { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: pkg.purl },
        ],
        primaryPackagePurpose: application ? 'APPLICATION' : 'LIBRARY',
    };
    return out;
}
function toSpdx(catalog, options = {}) {
    const extracted = new ExtractedLicenses();
    const imageId = spdxId('Image', catalog.subject.name);
    const [algorithm, hex] = catalog.subject.digest.split(':');
    const image = {
        SPDXID: imageId,
        name: catalog.subject.name,
        versionInfo: catalog.subject.digest,
        downloadLocation: NOASSERTION,
        filesAnalyzed: false,
        checksums: algorithm === 'sha256' ? [{ algorithm: 'SHA256', checksumValue: hex }] : undefined,
        licenseConcluded: NOASSERTION,
        licenseDeclared: NOASSERTION,
        copyrightText: NOASSERTION,
        description: `${catalog.subject.name}@${catalog.subject.digest} for ${platformString(catalog.platform)}`,
        externalRefs: [
            { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: imagePurl(catalog) },
        ],
        primaryPackagePurpose: 'CONTAINER',
    };
    const packages = [image];
    const relationships = [
        { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: imageId },
    ];
    if (catalog.distro) {
        const osId = spdxId('OperatingSystem', catalog.distro.id);
        packages.push({
            SPDXID: osId,
            name: catalog.distro.id,
            versionInfo: catalog.distro.versionId ?? catalog.distro.versionCodename,
            downloadLocation: NOASSERTION,
            filesAnalyzed: false,
            sourceInfo: `found in layer ${catalog.distro.location.layerDigest} at ${catalog.distro.location.path}`,
            licenseConcluded: NOASSERTION,
            licenseDeclared: NOASSERTION,
            copyrightText: NOASSERTION,
            description: catalog.distro.prettyName,
            primaryPackagePurpose: 'OPERATING_SYSTEM',
        });
        relationships.push({ spdxElementId: imageId, relationshipType: 'CONTAINS', relatedSpdxElement: osId });
    }
    const dependencies = [];
    for (const pkg of catalog.packages) {
        const p = packageFor(pkg, extracted);
        packages.push(p);
        relationships.push({
            spdxElementId: imageId,
            relationshipType: 'CONTAINS',
            relatedSpdxElement: p.SPDXID,
        });
        for (const dep of pkg.dependsOn) {
            dependencies.push({
                spdxElementId: p.SPDXID,
                relationshipType: 'DEPENDS_ON',
                relatedSpdxElement: spdxId('Package', dep),
            });
        }
    }
    const seed = documentSeed(catalog, options);
    const safeName = catalog.subject.name.replace(/[^A-Za-z0-9.-]+/g, '-');
    const document = {
        spdxVersion: 'SPDX-2.3',
        dataLicense: 'CC0-1.0',
        SPDXID: 'SPDXRef-DOCUMENT',
        name: `${catalog.subject.name}@${catalog.subject.digest} (${platformString(catalog.platform)})`,
        documentNamespace: `https://spdx.org/spdxdocs/${TOOL_NAME}/${safeName}-${deterministicUuid(`spdx\0${seed}`)}`,
        creationInfo: {
            created: documentTime(catalog, options),
            creators: [`Tool: ${TOOL_NAME}-${TOOL_VERSION}`],
        },
        packages,
        relationships: [...relationships, ...dependencies.sort(compareRelationships)],
        hasExtractedLicensingInfos: extracted.toJson(),
    };
    if (document.hasExtractedLicensingInfos.length === 0) {
        delete document.hasExtractedLicensingInfos;
    }
    return `${JSON.stringify(document, null, 2)}\n`;
}
function compareRelationships(a, b) {
    const ka = `${a.spdxElementId}\0${a.relatedSpdxElement}`;
    const kb = `${b.spdxElementId}\0${b.relatedSpdxElement}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
}

;// CONCATENATED MODULE: ./packages/sbom/src/render.ts


function renderSbom(catalog, format, options = {}) {
    return format === 'spdx-json' ? toSpdx(catalog, options) : toCycloneDx(catalog, options);
}
function summarizeCatalog(catalog, topN = 5) {
    const byEcosystem = {};
    const licenses = new Map();
    let unlicensed = 0;
    for (const p of catalog.packages) {
        byEcosystem[p.ecosystem] = (byEcosystem[p.ecosystem] ?? 0) + 1;
        if (p.licenses.length === 0)
            unlicensed++;
        for (const l of new Set(p.licenses.map((x) => x.spdx ?? x.declared))) {
            licenses.set(l, (licenses.get(l) ?? 0) + 1);
        }
    }
    const topLicenses = [...licenses.entries()]
        .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
        .slice(0, topN)
        .map(([license, packages]) => ({ license, packages }));
    return { total: catalog.packages.length, byEcosystem, topLicenses, unlicensed };
}

// EXTERNAL MODULE: ./node_modules/.pnpm/@actions+tool-cache@4.0.0/node_modules/@actions/tool-cache/lib/tool-cache.js + 2 modules
var tool_cache = __webpack_require__(8694);
;// CONCATENATED MODULE: ./packages/action-kit/src/tools.ts







class ToolInstallError extends errors/* BaseError */.Cf {
}
async function installTool(spec, logger = src_logger/* silentLogger */.q) {
    const arch = spec.arch ?? process.arch;
    const cached = tool_cache/* find */.I6(spec.name, spec.version, arch);
    if (cached)
        return { path: await executable(cached, spec), source: 'tool-cache' };
    const cache = await __webpack_require__.e(/* import() */ 202).then(__webpack_require__.bind(__webpack_require__, 3202));
    const cacheKey = `deliverkit-tool-${spec.name}-${spec.version}-${arch}-${spec.sha256.slice(0, 16)}`;
    const cacheDirPath = external_node_path_.join(process.env.RUNNER_TOOL_CACHE ?? '', spec.name, spec.version, arch);
    if (cache.isFeatureAvailable()) {
        try {
            if (await cache.restoreCache([cacheDirPath], cacheKey)) {
                logger.debug(`installTool: ${spec.name} ${spec.version} restored from the Actions cache`);
                return { path: await executable(cacheDirPath, spec), source: 'actions-cache' };
            }
        }
        catch (e) {
            logger.debug(`installTool: cache restore failed: ${(0,errors/* getErrorMessage */.u1)(e)}`);
        }
    }
    let downloaded;
    try {
        downloaded = await tool_cache/* downloadTool */.bq(spec.url);
    }
    catch (e) {
        throw new ToolInstallError('DOWNLOAD_FAILED', `Could not download ${spec.name} ${spec.version} from ${spec.url}: ${(0,errors/* getErrorMessage */.u1)(e)}`, { cause: e });
    }
    const actual = await sha256File(downloaded);
    if (actual !== spec.sha256.toLowerCase()) {
        throw new ToolInstallError('CHECKSUM_MISMATCH', `Checksum mismatch for ${spec.name} ${spec.version} from ${spec.url}: expected sha256 ${spec.sha256}, got ${actual}. The download was discarded.`);
    }
    let dir;
    if (spec.format === 'binary') {
        dir = await tool_cache/* cacheFile */.NJ(downloaded, spec.binary, spec.name, spec.version, arch);
    }
    else {
        const extracted = spec.format === 'zip' ? await tool_cache/* extractZip */.JE(downloaded) : await tool_cache/* extractTar */.nN(downloaded);
        dir = await tool_cache/* cacheDir */.e8(extracted, spec.name, spec.version, arch);
    }
    const bin = await executable(dir, spec);
    if (cache.isFeatureAvailable()) {
        try {
            await cache.saveCache([dir], cacheKey);
        }
        catch (e) {
            logger.debug(`installTool: cache save failed: ${(0,errors/* getErrorMessage */.u1)(e)}`);
        }
    }
    return { path: bin, source: 'download' };
}
async function executable(dir, spec) {
    const bin = external_node_path_.join(dir, spec.binary);
    try {
        await (0,promises_.stat)(bin);
    }
    catch {
        throw new ToolInstallError('BINARY_MISSING', `${spec.name} ${spec.version}: ${spec.binary} not found in the downloaded ${spec.format}`);
    }
    await (0,promises_.chmod)(bin, 0o755);
    return bin;
}
function sha256File(file) {
    return new Promise((resolve, reject) => {
        const hash = (0,external_node_crypto_.createHash)('sha256');
        (0,external_node_fs_.createReadStream)(file)
            .on('data', (d) => hash.update(d))
            .on('error', reject)
            .on('end', () => resolve(hash.digest('hex')));
    });
}

// EXTERNAL MODULE: ./packages/action-kit/src/exec.ts + 1 modules
var exec = __webpack_require__(762);
;// CONCATENATED MODULE: ./packages/sbom/src/syft.ts



const SYFT_FORMATS = {
    'spdx-json': 'spdx-json@2.3',
    'cyclonedx-json': 'cyclonedx-json@1.6',
};
function syftScanArgs(request) {
    if (!/@sha256:[a-f0-9]{64}$/.test(request.image)) {
        throw new errors_SbomError('INVALID_IMAGE', `syft must scan an image by digest, got ${request.image}`);
    }
    const args = [
        'scan',
        `registry:${request.image}`,
        '--platform',
        (0,src_platform/* formatPlatform */.Bq)(request.platform),
        '--quiet',
    ];
    for (const o of request.outputs)
        args.push('-o', `${SYFT_FORMATS[o.format]}=${o.path}`);
    return args;
}
function syftEnvironment(options) {
    const env = { SYFT_CHECK_FOR_APP_UPDATE: 'false' };
    if (options.credential) {
        env.SYFT_REGISTRY_AUTH_AUTHORITY = options.credential.registry;
        env.SYFT_REGISTRY_AUTH_USERNAME = options.credential.username;
        env.SYFT_REGISTRY_AUTH_PASSWORD = options.credential.password;
    }
    if (options.insecure) {
        env.SYFT_REGISTRY_INSECURE_USE_HTTP = 'true';
        env.SYFT_REGISTRY_INSECURE_SKIP_TLS_VERIFY = 'true';
    }
    return env;
}
function syftReleaseAsset(version, arch) {
    const goArch = arch === 'x64' || arch === 'amd64' ? 'amd64' : arch === 'arm64' ? 'arm64' : undefined;
    if (!goArch)
        throw new errors_SbomError('SYFT_UNAVAILABLE', `syft has no linux release for ${arch}`);
    const v = version.replace(/^v/, '');
    return {
        url: `https://github.com/anchore/syft/releases/download/v${v}/syft_${v}_linux_${goArch}.tar.gz`,
        binary: 'syft',
    };
}
class Syft {
    path;
    env;
    logger;
    constructor(path, env, logger = src_logger/* silentLogger */.q) {
        this.path = path;
        this.env = env;
        this.logger = logger;
    }
    static async install(options) {
        const { release, auth } = options;
        const logger = options.logger ?? src_logger/* silentLogger */.q;
        let path = 'syft';
        if (release) {
            const asset = syftReleaseAsset(release.version, options.arch ?? process.arch);
            const version = release.version.replace(/^v/, '');
            const spec = { name: 'syft', version, ...asset, sha256: release.sha256, format: 'tar.gz' };
            path = (await installTool(spec, logger)).path;
        }
        const credential = auth?.username
            ? { registry: auth.registry, username: auth.username, password: auth.password ?? '' }
            : undefined;
        return new Syft(path, syftEnvironment({ credential, insecure: auth?.insecure }), logger);
    }
    async scan(request) {
        try {
            await (0,exec/* exec */.m)(this.path, syftScanArgs(request), { env: this.env, stream: true, logger: this.logger });
        }
        catch (e) {
            if (e.code === 'COMMAND_NOT_FOUND')
                throw new errors_SbomError('SYFT_NOT_FOUND', `${this.path} was not found`, { cause: e });
            throw e;
        }
    }
}

;// CONCATENATED MODULE: ./packages/sbom/src/generate.ts








function sbomFilePath(outDir, source, format) {
    return external_node_path_default().join(outDir, `${(0,src_platform/* platformSlug */.DN)(source.platform)}.${formats/* FILE_EXTENSIONS */.Y0[format]}`);
}
function filesOf(outDir, source, formats) {
    return Object.fromEntries(formats.map((f) => [f, sbomFilePath(outDir, source, f)]));
}
function planSboms(image, options) {
    return image.sources.map((s) => ({
        platform: (0,src_platform/* formatPlatform */.Bq)(s.platform),
        digest: s.subject.digest,
        files: filesOf(options.outDir, s, options.formats),
        uncatalogued: [],
        warnings: [],
    }));
}
async function generateSboms(image, options) {
    const logger = options.logger ?? src_logger/* silentLogger */.q;
    const rendered = [];
    const results = [];
    for (const source of image.sources) {
        const platform = (0,src_platform/* formatPlatform */.Bq)(source.platform);
        const files = filesOf(options.outDir, source, options.formats);
        const result = await logger.group(`SBOM for ${platform} (${source.subject.digest})`, async () => {
            if (options.engine === 'syft') {
                await (0,promises_.mkdir)(options.outDir, { recursive: true });
                await (options.syft ?? new Syft('syft', {}, logger)).scan({
                    image: `${image.reference.name}@${source.subject.digest}`,
                    platform: source.platform,
                    outputs: options.formats.map((format) => ({ format, path: files[format] })),
                });
                return { platform, digest: source.subject.digest, files, uncatalogued: [], warnings: [] };
            }
            const catalog = await catalogImage(source, { logger, limits: options.limits });
            for (const f of options.formats)
                rendered.push({ path: files[f], text: renderSbom(catalog, f) });
            for (const w of catalog.warnings.slice(0, 20))
                logger.warning(`${platform}: ${w}`);
            if (catalog.warnings.length > 20)
                logger.warning(`${platform}: ${catalog.warnings.length - 20} more warnings`);
            const summary = summarizeCatalog(catalog);
            logger.info(`${platform}: ${summary.total} packages`);
            return {
                platform,
                digest: source.subject.digest,
                files,
                summary,
                uncatalogued: catalog.uncatalogued,
                warnings: catalog.warnings,
            };
        });
        results.push(result);
    }
    await (0,promises_.mkdir)(options.outDir, { recursive: true });
    for (const file of rendered)
        await (0,promises_.writeFile)(file.path, file.text);
    return results;
}

// EXTERNAL MODULE: ./packages/oci/src/reference.ts
var src_reference = __webpack_require__(6895);
// EXTERNAL MODULE: ./packages/oci/src/errors.ts
var src_errors = __webpack_require__(6787);
// EXTERNAL MODULE: ./packages/oci-core/src/digest.ts
var src_digest = __webpack_require__(1858);
// EXTERNAL MODULE: ./packages/oci-core/src/media-types.ts
var media_types = __webpack_require__(2472);
;// CONCATENATED MODULE: ./packages/sbom/src/image.ts




function parseObject(bytes, what) {
    let value;
    try {
        value = JSON.parse(bytes.toString('utf8'));
    }
    catch {
        throw new errors_SbomError('INVALID_IMAGE', `${what} is not JSON`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new errors_SbomError('INVALID_IMAGE', `${what} is not a JSON object`);
    }
    return value;
}
const isDescriptor = (d) => d !== null &&
    typeof d === 'object' &&
    typeof d.digest === 'string' &&
    (typeof d.size === 'number' || d.size === undefined);
function verify(digest, bytes, what) {
    if (digest.startsWith('sha256:') && (0,src_digest/* computeDigest */.MK)(bytes) !== digest) {
        throw new errors_SbomError('LAYER_DIGEST_MISMATCH', `${what} ${digest}: the bytes do not match the digest`);
    }
}
function verifyingStream(digest, source) {
    if (!digest.startsWith('sha256:'))
        return Readable.from(source);
    const hash = createHash('sha256');
    const check = new Transform({
        transform(chunk, _enc, cb) {
            hash.update(chunk);
            cb(null, chunk);
        },
        flush(cb) {
            const actual = `sha256:${hash.digest('hex')}`;
            cb(actual === digest ? null : new SbomError('LAYER_DIGEST_MISMATCH', `blob ${digest}: got ${actual}`));
        },
    });
    const readable = source instanceof Readable ? source : Readable.from(source);
    readable.on('error', (e) => check.destroy(e));
    return readable.pipe(check);
}
async function resolveImage(store, name, digest, options = {}) {
    const rootBytes = await store.manifest(digest);
    verify(digest, rootBytes, 'manifest');
    const root = parseObject(rootBytes, `manifest ${name}@${digest}`);
    const isIndex = (root.mediaType && (0,media_types/* isIndexMediaType */.$$)(root.mediaType)) || Array.isArray(root.manifests);
    if (!isIndex) {
        const source = await sourceFor(store, { name, digest, tag: options.tag }, rootBytes);
        if (options.platforms && !options.platforms.some((p) => (0,src_platform/* platformMatches */.J5)(p, source.platform))) {
            throw new errors_SbomError('PLATFORM_NOT_FOUND', `${name}@${digest} is a single-platform image for ${(0,src_platform/* formatPlatform */.Bq)(source.platform)}; ` +
                `asked for ${options.platforms.map(src_platform/* formatPlatform */.Bq).join(', ')}`);
        }
        return [source];
    }
    const listed = Array.isArray(root.manifests) ? root.manifests : [];
    const candidates = listed
        .filter(isDescriptor)
        .filter((m) => (!m.mediaType || (0,media_types/* isImageMediaType */.Yc)(m.mediaType)) &&
        m.platform &&
        typeof m.platform === 'object' &&
        typeof m.platform.os === 'string' &&
        typeof m.platform.architecture === 'string' &&
        m.platform.os !== 'unknown' &&
        !(0,media_types/* isBuildkitAttestation */.f5)(m));
    let chosen = candidates;
    if (options.platforms) {
        const missing = options.platforms.filter((p) => !candidates.some((m) => (0,src_platform/* platformMatches */.J5)(p, m.platform)));
        if (missing.length > 0) {
            throw new errors_SbomError('PLATFORM_NOT_FOUND', `${name}@${digest} has no ${missing.map(src_platform/* formatPlatform */.Bq).join(', ')}; it has ` +
                (candidates
                    .map((m) => (0,src_platform/* formatPlatform */.Bq)(m.platform))
                    .sort()
                    .join(', ') || 'no platform images'));
        }
        chosen = candidates.filter((m) => options.platforms.some((p) => (0,src_platform/* platformMatches */.J5)(p, m.platform)));
    }
    const sources = [];
    for (const m of chosen) {
        const bytes = await store.manifest(m.digest);
        verify(m.digest, bytes, 'manifest');
        sources.push(await sourceFor(store, { name, digest: m.digest, indexDigest: digest, tag: options.tag }, bytes, m.platform));
    }
    return sources;
}
async function sourceFor(store, subject, manifestBytes, indexPlatform) {
    const manifest = parseObject(manifestBytes, `manifest ${subject.name}@${subject.digest}`);
    if (!isDescriptor(manifest.config) ||
        !Array.isArray(manifest.layers) ||
        !manifest.layers.every(isDescriptor)) {
        throw new errors_SbomError('INVALID_IMAGE', `${subject.name}@${subject.digest} is not an image manifest`);
    }
    const configBytes = await store.blob(manifest.config);
    verify(manifest.config.digest, configBytes, 'config');
    const config = parseObject(configBytes, `config ${manifest.config.digest}`);
    const platform = indexPlatform
        ? {
            os: indexPlatform.os,
            architecture: indexPlatform.architecture,
            ...(indexPlatform.variant ? { variant: indexPlatform.variant } : {}),
        }
        : {
            os: config.os ?? 'linux',
            architecture: config.architecture ?? 'unknown',
            ...(config.variant ? { variant: config.variant } : {}),
        };
    const layers = manifest.layers.map((d) => ({
        digest: d.digest,
        mediaType: d.mediaType,
        size: d.size,
        open: () => store.openBlob(d),
    }));
    return { subject, platform, config, layers };
}

;// CONCATENATED MODULE: ./packages/sbom/src/registry-image.ts



function registryStore(registries, ref) {
    const client = registries.client(ref.registry);
    return {
        manifest: async (digest) => (await client.getManifest(ref.repository, digest)).bytes,
        blob: (d) => client.fetchBlob(ref.repository, d),
        openBlob: async (d) => client.openBlob(ref.repository, d),
    };
}
async function openRegistryImage(registries, image, options = {}) {
    const reference = typeof image === 'string' ? (0,src_reference/* parseReference */.F)(image, { input: options.input ?? 'image' }) : image;
    const client = registries.client(reference.registry);
    const notFound = (e) => {
        if (e instanceof src_errors/* RegistryError */.gl && e.code === 'NOT_FOUND') {
            throw new errors_SbomError('IMAGE_NOT_FOUND', `${reference.name}@${reference.reference} was not found`, {
                cause: e,
            });
        }
        throw e;
    };
    const digest = reference.digest ??
        (await client.getManifest(reference.repository, reference.reference).catch(notFound)).descriptor.digest;
    const sources = await resolveImage(registryStore(registries, reference), reference.name, digest, {
        ...options,
        tag: options.tag ?? reference.tag,
    }).catch(notFound);
    return { reference, digest, sources };
}

;// CONCATENATED MODULE: ./packages/sbom/src/image-sboms.ts





const DEFAULT_NAMES = {
    image: 'image',
    platforms: 'platforms',
    engine: 'engine',
    syftVersion: 'syft-version',
    syftSha256: 'syft-sha256',
};
async function sbomsForImage(request) {
    const names = { ...DEFAULT_NAMES, ...request.inputNames };
    const logger = request.logger ?? src_logger/* silentLogger */.q;
    const { formats, outDir } = request;
    const image = await openRegistryImage(request.registries, request.image, {
        platforms: request.platforms,
    }).catch((e) => {
        if (e instanceof errors_SbomError && e.code === 'IMAGE_NOT_FOUND')
            throw new errors/* InputError */.dz(names.image, e.message, 'INPUT_INVALID', { cause: e });
        if (e instanceof errors_SbomError && e.code === 'PLATFORM_NOT_FOUND')
            throw new errors/* InputError */.dz(names.platforms, e.message, 'INPUT_INVALID', { cause: e });
        throw e;
    });
    request.onResolved?.(image.digest);
    const result = { name: image.reference.name, digest: image.digest };
    if (request.dryRun) {
        const toRead = image.sources.map((s) => ({
            layers: s.layers.length,
            bytes: s.layers.reduce((n, l) => n + l.size, 0),
        }));
        return { ...result, platforms: planSboms(image, { formats, outDir }), toRead };
    }
    const syft = request.engine === 'syft' ? await Syft.install({ ...request.syft, logger }) : undefined;
    const platforms = await generateSboms(image, { ...request, syft, logger }).catch((e) => {
        if (e instanceof errors_SbomError && e.code === 'SYFT_NOT_FOUND')
            throw new errors/* ConfigurationError */.j1('MISSING_TOOL', `syft not found. Set ${names.syftVersion} and ${names.syftSha256} to install a pinned release, or use ${names.engine}: native`, { cause: e });
        throw e;
    });
    return { ...result, platforms };
}
function sbomArtifactName(sboms) {
    const repo = sboms.name
        .split('/')
        .pop()
        .replace(/[^A-Za-z0-9._-]+/g, '-');
    const platforms = sboms.platforms.map((r) => r.platform.replace(/\//g, '-')).join('_');
    return `sbom-${repo}-${sboms.digest.replace(/^sha256:/, '').slice(0, 12)}-${platforms}`;
}

;// CONCATENATED MODULE: ./packages/action-kit/src/bytes.ts
function formatBytes(n) {
    if (n < 1024)
        return `${n} B`;
    const units = ['KiB', 'MiB', 'GiB', 'TiB'];
    let value = n / 1024;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
    }
    return `${value.toFixed(1)} ${units[unit]}`;
}

;// CONCATENATED MODULE: ./packages/action-kit/src/summary.ts

class SummaryBuilder {
    parts = [];
    heading(text, level = 2) {
        this.parts.push(`${'#'.repeat(level)} ${text}\n`);
        return this;
    }
    paragraph(text) {
        this.parts.push(`${text}\n`);
        return this;
    }
    table(header, rows) {
        const line = (cells) => `| ${cells.map(escapeCell).join(' | ')} |`;
        this.parts.push([line(header), `| ${header.map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n') + '\n');
        return this;
    }
    code(text, lang = '') {
        const fence = text.includes('```') ? '````' : '```';
        this.parts.push(`${fence}${lang}\n${text}\n${fence}\n`);
        return this;
    }
    details(label, body) {
        this.parts.push(`<details><summary>${escapeHtml(label)}</summary>\n\n${body}\n</details>\n`);
        return this;
    }
    plan(plan) {
        this.parts.push(renderPlan(plan));
        return this;
    }
    toMarkdown() {
        return this.parts.join('\n');
    }
    async write() {
        if (!process.env.GITHUB_STEP_SUMMARY)
            return;
        await core/* summary */.z.addRaw(this.toMarkdown()).write();
    }
}
function renderPlan(plan) {
    const builder = new SummaryBuilder().heading(`Plan: ${plan.title}`, 3);
    if (plan.steps.length === 0)
        builder.paragraph('Nothing to do: everything is already in place.');
    else
        builder.table(['#', 'Action', 'Target', 'Detail'], plan.steps.map((s, i) => [String(i + 1), s.action, s.target, s.detail ?? '']));
    for (const note of plan.notes ?? [])
        builder.paragraph(note);
    return builder.toMarkdown();
}
function formatPlanText(plan) {
    const lines = [`Plan: ${plan.title}`];
    if (plan.steps.length === 0)
        lines.push('  nothing to do');
    plan.steps.forEach((s, i) => lines.push(`  ${i + 1}. ${s.action} ${s.target}${s.detail ? ` (${s.detail})` : ''}`));
    for (const note of plan.notes ?? [])
        lines.push(`  ${note}`);
    return lines.join('\n');
}
function escapeCell(text) {
    return escapeHtml(text).replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}
function escapeHtml(text) {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

;// CONCATENATED MODULE: ./actions/sbom/src/summary.ts


async function writePlanSummary(title, sboms, { formats, engine }) {
    const steps = sboms.platforms.flatMap((p, i) => formats.map((f) => ({
        action: 'write',
        target: p.files[f],
        detail: `${f} of ${p.platform}: ${sboms.toRead[i].layers} layers, ${formatBytes(sboms.toRead[i].bytes)} to read (${engine})`,
    })));
    await new SummaryBuilder()
        .plan({ title, steps, notes: ['dry-run: nothing was downloaded or written'] })
        .write();
}
async function writeSummary(title, { platforms: results }, artifact) {
    const summary = new SummaryBuilder().heading(title);
    const ecosystems = [...new Set(results.flatMap((r) => Object.keys(r.summary?.byEcosystem ?? {})))].sort();
    if (results.some((r) => r.summary)) {
        summary.table(['platform', 'packages', ...ecosystems, 'top licenses', 'not catalogued'], results.map((r) => [
            r.platform,
            String(r.summary?.total ?? '—'),
            ...ecosystems.map((e) => String(r.summary?.byEcosystem[e] ?? 0)),
            (r.summary?.topLicenses ?? []).map((l) => `${l.license} (${l.packages})`).join(', ') || '—',
            r.uncatalogued.map((u) => `${u.ecosystem} (${u.count})`).join(', ') || 'none',
        ]));
    }
    const uncatalogued = results.flatMap((r) => r.uncatalogued.map((u) => `${r.platform}: ${u.ecosystem} — ${u.reason}`));
    if (uncatalogued.length > 0)
        summary.paragraph(`**Not catalogued:** ${uncatalogued.join('; ')}`);
    summary.table(['platform', 'file', 'predicate type'], results.flatMap((r) => Object.entries(r.files).map(([f, p]) => [r.platform, p, formats/* PREDICATE_TYPES */.Cs[f]])));
    const warnings = results.flatMap((r) => r.warnings.map((w) => `${r.platform}: ${w}`));
    if (warnings.length > 0)
        summary.details(`${warnings.length} warnings`, warnings.map((w) => `- ${w}`).join('\n'));
    if (artifact)
        summary.paragraph(`Uploaded as artifact \`${artifact}\`.`);
    await summary.write();
}

// EXTERNAL MODULE: ./actions/sbom/src/inputs.ts
var src_inputs = __webpack_require__(2123);
;// CONCATENATED MODULE: ./actions/sbom/src/main.ts








async function main(inputs = (0,src_inputs/* readInputs */.K)()) {
    const logger = new src_logger/* ActionsLogger */.G();
    const { limits, formats, engine } = inputs;
    const outDir = external_node_path_default().resolve(inputs['output-dir']);
    const registries = (0,registry_auths/* openRegistries */.c)(inputs['registry-auths'], { logger, onSecret: core/* setSecret */.Pq, limits });
    try {
        const release = inputs['syft-version']
            ? { version: inputs['syft-version'], sha256: inputs['syft-sha256'] }
            : undefined;
        const sboms = await sbomsForImage({
            registries,
            image: inputs.image,
            platforms: inputs.platforms,
            formats,
            outDir,
            engine,
            syft: { release, auth: inputs['registry-auths'].find((a) => a.registry === inputs.image.registry) },
            limits,
            dryRun: inputs['dry-run'],
            onResolved: (digest) => (0,image_record/* assertImageRecordDigest */.rj)(inputs['image-record'], digest),
            logger,
        });
        const title = `SBOMs for ${sboms.name}@${sboms.digest}`;
        if (sboms.toRead) {
            writeOutputs(inputs, sboms);
            return await writePlanSummary(title, sboms, inputs);
        }
        let artifact;
        if (inputs['upload-artifact'] && !inputs.artifactRuntime)
            logger.warning('upload-artifact skipped: not running on a GitHub Actions runner (no ACTIONS_RUNTIME_TOKEN)');
        else if (inputs['upload-artifact']) {
            artifact = inputs['artifact-name'] ?? sbomArtifactName(sboms);
            const files = sboms.platforms.flatMap((r) => Object.values(r.files));
            await uploadArtifact(artifact, files, outDir, { runtime: inputs.artifactRuntime, logger });
            logger.info(`uploaded artifact ${artifact} (${files.length} files)`);
        }
        writeOutputs(inputs, sboms, artifact);
        await writeSummary(title, sboms, artifact);
    }
    finally {
        registries.close();
    }
}
function writeOutputs(inputs, { name, digest, platforms: results }, artifact) {
    const base = inputs['image-record'] ?? { schemaVersion: record/* IMAGE_RECORD_SCHEMA_VERSION */.FV, name, digest };
    const platforms = { ...base.platforms };
    for (const r of results)
        platforms[r.platform] = { ...platforms[r.platform], digest: r.digest, sboms: { ...r.files } };
    const files = (r) => Object.fromEntries(Object.entries(r.files).map(([f, p]) => [
        f,
        { path: p, predicateType: formats/* PREDICATE_TYPES */.Cs[f] },
    ]));
    setOutputs({
        digest,
        sboms: Object.fromEntries(results.map((r) => [
            r.platform,
            {
                digest: r.digest,
                files: files(r),
                packages: r.summary?.total ?? null,
                byEcosystem: r.summary?.byEcosystem ?? null,
                uncatalogued: r.uncatalogued.map((u) => u.ecosystem),
            },
        ])),
        paths: results.flatMap((r) => Object.values(r.files)).join('\n'),
        'artifact-name': artifact,
        'image-record': (0,image_record/* imageRecordOutput */.yn)({
            ...base,
            platforms,
            sbom: { engine: inputs.engine, ...(artifact ? { artifact } : {}) },
        }),
    }, { json: 'json' });
}


/***/ })

};
