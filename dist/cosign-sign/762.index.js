export const id = 762;
export const ids = [762];
export const modules = {

/***/ 71762:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  main: () => (/* binding */ main)
});

// EXTERNAL MODULE: ./node_modules/.pnpm/@actions+core@3.0.1_patch_hash=d0b80bc56d6f80bc514f67ef975951fbda464788b3aa5d8fb603b456c85c83ad/node_modules/@actions/core/lib/core.js + 12 modules
var core = __webpack_require__(80479);
// EXTERNAL MODULE: ./packages/action-kit/src/logger.ts
var src_logger = __webpack_require__(6718);
// EXTERNAL MODULE: ./packages/action-kit/src/image-record.ts
var image_record = __webpack_require__(6923);
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
var record = __webpack_require__(82081);
// EXTERNAL MODULE: ./packages/oci/src/registry-auths.ts + 19 modules
var registry_auths = __webpack_require__(42286);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: ./packages/action-kit/src/errors.ts
var errors = __webpack_require__(21901);
// EXTERNAL MODULE: ./packages/sign/src/statement.ts
var src_statement = __webpack_require__(59611);
;// CONCATENATED MODULE: ./packages/sign/src/commands.ts

const COSIGN_TYPE = {
    [src_statement/* SPDX_PREDICATE */.I$]: 'spdxjson',
    [src_statement/* CYCLONEDX_PREDICATE */.my]: 'cyclonedx',
    [src_statement/* SLSA_PROVENANCE_V1_PREDICATE */.qd]: 'slsaprovenance1',
};
function cosignVerifyCommands(o) {
    const common = [];
    if (o.publicKeyPath) {
        common.push(`--key=${o.publicKeyPath}`);
        if (o.noTlog)
            common.push('--insecure-ignore-tlog=true');
    }
    else {
        if (o.identity?.subjectAlternativeName)
            common.push(`--certificate-identity=${o.identity.subjectAlternativeName}`);
        if (o.identity?.issuer)
            common.push(`--certificate-oidc-issuer=${o.identity.issuer}`);
    }
    if (o.trustedRootPath)
        common.push(`--trusted-root=${o.trustedRootPath}`);
    const lines = [['cosign', 'verify', ...common, o.image]];
    for (const type of o.predicateTypes ?? []) {
        if (type === src_statement/* COSIGN_SIGN_PREDICATE */.u)
            continue;
        lines.push(['cosign', 'verify-attestation', `--type=${COSIGN_TYPE[type] ?? type}`, ...common, o.image]);
    }
    return lines.map((argv) => argv.map(shellQuote).join(' '));
}
function shellQuote(arg) {
    return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

// EXTERNAL MODULE: ./packages/sign/src/errors.ts
var src_errors = __webpack_require__(39579);
;// CONCATENATED MODULE: ./packages/sign/src/identity.ts


const SIGSTORE_AUDIENCE = 'sigstore';
function githubIdentityProvider(options) {
    const audience = options.audience ?? SIGSTORE_AUDIENCE;
    const { getIDToken, onSecret } = options;
    let cached;
    return {
        getToken: () => {
            if (!options.canRequestToken) {
                return Promise.reject(new errors/* ConfigurationError */.j1('MISSING_PERMISSION', 'keyless signing needs a GitHub OIDC token, but this job cannot request one. ' +
                    'Add `permissions: id-token: write` to the job (and keep `contents: read`), or sign with a key instead.'));
            }
            cached ??= getIDToken(audience).then((token) => {
                onSecret(token);
                return token;
            }, (e) => {
                cached = undefined;
                throw new src_errors/* SignError */.u('IDENTITY_TOKEN_FAILED', `could not get a GitHub OIDC token: ${e.message}`, {
                    cause: e,
                });
            });
            return cached;
        },
    };
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: ./node_modules/.pnpm/tweetnacl@1.0.3/node_modules/tweetnacl/nacl-fast.js
var nacl_fast = __webpack_require__(60824);
var nacl_fast_default = /*#__PURE__*/__webpack_require__.n(nacl_fast);
;// CONCATENATED MODULE: ./packages/sign/src/keys.ts



const COSIGN_PEM_TYPE = 'ENCRYPTED COSIGN PRIVATE KEY';
const SIGSTORE_PEM_TYPE = 'ENCRYPTED SIGSTORE PRIVATE KEY';
const SCRYPT_PARAMS = [
    { N: 32768, r: 8, p: 1 },
    { N: 65536, r: 8, p: 1 },
    { N: 131072, r: 8, p: 1 },
];
const KEY_BYTES = 32;
async function loadSigningKey(pem, password) {
    const type = pemType(pem);
    let privateKey;
    if (type === SIGSTORE_PEM_TYPE || type === COSIGN_PEM_TYPE) {
        const der = await decryptCosignKey(pemBody(pem, type), password ?? '');
        privateKey = importPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    }
    else if (type === 'PRIVATE KEY' || type === 'EC PRIVATE KEY' || type === 'ENCRYPTED PRIVATE KEY') {
        const encrypted = type === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(pem);
        if (encrypted && !password) {
            throw new src_errors/* SignError */.u('KEY_DECRYPT_FAILED', 'the private key is encrypted and no password was given');
        }
        privateKey = importPrivateKey({ key: pem, format: 'pem', passphrase: encrypted ? password : undefined });
    }
    else {
        throw new src_errors/* SignError */.u('KEY_UNSUPPORTED', type ? `unsupported PEM block "${type}": expected an ECDSA P-256 private key` : 'the key is not PEM');
    }
    return toSigningKey(privateKey);
}
function importPrivateKey(options) {
    try {
        return (0,external_node_crypto_.createPrivateKey)(options);
    }
    catch (e) {
        const code = e.code ?? '';
        const bad = /BAD_DECRYPT|bad decrypt|ERR_OSSL_EVP_BAD_DECRYPT/i.test(`${code} ${e.message}`);
        throw new src_errors/* SignError */.u(bad ? 'KEY_DECRYPT_FAILED' : 'KEY_INVALID', bad ? 'wrong key password' : 'unreadable private key');
    }
}
function toSigningKey(privateKey) {
    if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
        const what = privateKey.asymmetricKeyType === 'ec'
            ? privateKey.asymmetricKeyDetails?.namedCurve
            : privateKey.asymmetricKeyType;
        throw new src_errors/* SignError */.u('KEY_UNSUPPORTED', `only ECDSA P-256 keys are supported, got ${what ?? 'unknown'}`);
    }
    const publicKey = (0,external_node_crypto_.createPublicKey)(privateKey);
    return {
        privateKey,
        publicKey,
        publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
        hint: publicKeyHint(publicKey),
    };
}
function publicKeyHint(key) {
    const pub = typeof key === 'string' ? (0,external_node_crypto_.createPublicKey)(key) : key.type === 'private' ? (0,external_node_crypto_.createPublicKey)(key) : key;
    const der = pub.export({ format: 'der', type: 'spki' });
    return (0,external_node_crypto_.createHash)('sha256').update(der).digest('base64');
}
function loadPublicKey(pem) {
    try {
        return (0,external_node_crypto_.createPublicKey)(pem);
    }
    catch (e) {
        throw new src_errors/* SignError */.u('KEY_INVALID', 'the public key is not a PEM SPKI public key', { cause: e });
    }
}
async function decryptCosignKey(body, password) {
    let data;
    try {
        data = JSON.parse(body.toString('utf8'));
    }
    catch (e) {
        throw new src_errors/* SignError */.u('KEY_INVALID', 'the cosign key is not valid: its PEM body is not JSON', { cause: e });
    }
    if (data?.kdf?.name !== 'scrypt' || data?.cipher?.name !== 'nacl/secretbox') {
        throw new src_errors/* SignError */.u('KEY_UNSUPPORTED', 'the cosign key uses an unknown KDF or cipher');
    }
    const { N, r, p } = data.kdf.params ?? {};
    if (!SCRYPT_PARAMS.some((s) => s.N === N && s.r === r && s.p === p)) {
        throw new src_errors/* SignError */.u('KEY_UNSUPPORTED', 'the cosign key has unsupported scrypt parameters');
    }
    const salt = Buffer.from(data.kdf.salt, 'base64');
    const nonce = Buffer.from(data.cipher.nonce, 'base64');
    const ciphertext = Buffer.from(data.ciphertext, 'base64');
    if (nonce.length !== (nacl_fast_default()).secretbox.nonceLength)
        throw new src_errors/* SignError */.u('KEY_INVALID', 'the cosign key nonce is malformed');
    const key = await scryptKey(password, salt, { N: N, r: r, p: p });
    const plain = nacl_fast_default().secretbox.open(ciphertext, nonce, key);
    key.fill(0);
    if (!plain)
        throw new src_errors/* SignError */.u('KEY_DECRYPT_FAILED', 'wrong key password (cosign key did not decrypt)');
    return Buffer.from(plain);
}
function scryptKey(password, salt, p) {
    return new Promise((resolve, reject) => (0,external_node_crypto_.scrypt)(Buffer.from(password, 'utf8'), salt, KEY_BYTES, { N: p.N, r: p.r, p: p.p, maxmem: 256 * 1024 * 1024 }, (err, key) => err ? reject(new src_errors/* SignError */.u('KEY_INVALID', 'scrypt failed', { cause: err })) : resolve(key)));
}
function pemType(pem) {
    return /-----BEGIN ([A-Z0-9 ]+)-----/.exec(pem)?.[1];
}
function pemBody(pem, type) {
    const m = new RegExp(`-----BEGIN ${type}-----([\\s\\S]*?)-----END ${type}-----`).exec(pem);
    if (!m)
        throw new src_errors/* SignError */.u('KEY_INVALID', `the ${type} PEM block is not terminated`);
    return Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
}

// EXTERNAL MODULE: ./node_modules/.pnpm/@sigstore+core@3.2.1/node_modules/@sigstore/core/dist/index.js
var dist = __webpack_require__(2808);
// EXTERNAL MODULE: ./node_modules/.pnpm/@sigstore+bundle@4.0.0/node_modules/@sigstore/bundle/dist/index.js
var bundle_dist = __webpack_require__(85756);
// EXTERNAL MODULE: ./node_modules/.pnpm/@sigstore+sign@4.1.1/node_modules/@sigstore/sign/dist/index.js
var sign_dist = __webpack_require__(75668);
// EXTERNAL MODULE: ./packages/oci-core/src/digest.ts
var digest = __webpack_require__(81858);
;// CONCATENATED MODULE: ./packages/sign/src/layout.ts



const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
const OCI_IMAGE_CONFIG = 'application/vnd.oci.image.config.v1+json';
const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
const DSSE_ENVELOPE = 'application/vnd.dsse.envelope.v1+json';
const EMPTY_JSON = Buffer.from('{}');
const ANNOTATION_BUNDLE_CONTENT = 'dev.sigstore.bundle.content';
const ANNOTATION_BUNDLE_PREDICATE = 'dev.sigstore.bundle.predicateType';
const ANNOTATION_CREATED = 'org.opencontainers.image.created';
const ANNOTATION_SIGNATURE = 'dev.cosignproject.cosign/signature';
const ANNOTATION_CERTIFICATE = 'dev.sigstore.cosign/certificate';
const ANNOTATION_CHAIN = 'dev.sigstore.cosign/chain';
const ANNOTATION_SET_BUNDLE = 'dev.sigstore.cosign/bundle';
const ANNOTATION_RFC3161 = 'dev.sigstore.cosign/rfc3161timestamp';
function blob(mediaType, bytes, annotations) {
    return {
        descriptor: {
            mediaType,
            digest: (0,digest/* computeDigest */.MK)(bytes),
            size: bytes.length,
            ...(annotations ? { annotations } : {}),
        },
        bytes,
    };
}
function referrersTag(subjectDigest) {
    const [alg, hex] = (0,src_statement/* splitDigest */.vo)(subjectDigest);
    return `${alg}-${hex}`;
}
function legacySignatureTag(subjectDigest) {
    return `${referrersTag(subjectDigest)}.sig`;
}
function legacyAttestationTag(subjectDigest) {
    return `${referrersTag(subjectDigest)}.att`;
}
function bundleReferrerManifest(subject, bundleBytes, predicateType, created = new Date()) {
    const config = blob(OCI_EMPTY, EMPTY_JSON);
    const layer = blob(BUNDLE_V03_MEDIA_TYPE, bundleBytes);
    const body = {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        artifactType: BUNDLE_V03_MEDIA_TYPE,
        config: config.descriptor,
        layers: [layer.descriptor],
        subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
        annotations: {
            [ANNOTATION_BUNDLE_CONTENT]: 'dsse-envelope',
            [ANNOTATION_BUNDLE_PREDICATE]: predicateType,
            [ANNOTATION_CREATED]: created.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        },
    };
    const manifest = blob(OCI_MANIFEST, Buffer.from(JSON.stringify(body)));
    manifest.descriptor.artifactType = BUNDLE_V03_MEDIA_TYPE;
    manifest.descriptor.annotations = body.annotations;
    return { manifest, layers: [layer], config };
}
function simpleSigningPayload(dockerReference, digest) {
    return Buffer.from(JSON.stringify({
        critical: {
            identity: { 'docker-reference': dockerReference },
            image: { 'docker-manifest-digest': digest },
            type: 'cosign container image signature',
        },
        optional: null,
    }));
}
function legacyImage(layers) {
    const zero = '0001-01-01T00:00:00Z';
    const config = blob(OCI_IMAGE_CONFIG, Buffer.from(JSON.stringify({
        architecture: '',
        created: zero,
        history: layers.map(() => ({ created: zero })),
        os: '',
        rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
        config: {},
    })));
    const body = {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: config.descriptor,
        layers,
    };
    return { manifest: blob(OCI_MANIFEST, Buffer.from(JSON.stringify(body))), config };
}

;// CONCATENATED MODULE: ./packages/sign/src/signer.ts








const BUNDLE_V03_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
class StatementSigner {
    options;
    builder;
    legacyBuilder;
    logger;
    lastChain = [];
    constructor(options) {
        this.options = options;
        this.logger = options.logger ?? src_logger/* silentLogger */.q;
        const fetchOptions = {
            retry: { retries: options.retries ?? 2, factor: 2, minTimeout: 250, maxTimeout: 2000 },
            timeout: options.timeoutMs ?? 15_000,
        };
        const { instance, identity } = options;
        let signer;
        if (identity.kind === 'keyless') {
            if (!instance.fulcioURL) {
                throw new errors/* ConfigurationError */.j1('INVALID_CONFIGURATION', 'keyless signing needs a Fulcio URL in `sigstore`');
            }
            const fulcio = new sign_dist/* FulcioSigner */.$o({
                fulcioBaseURL: instance.fulcioURL,
                identityProvider: identity.identityProvider,
                ...fetchOptions,
            });
            this.captureChain(fulcio);
            signer = fulcio;
        }
        else {
            signer = keySigner(identity.key);
        }
        const witnesses = [];
        if (instance.rekorURL) {
            witnesses.push(new sign_dist/* RekorWitness */.fU({
                rekorBaseURL: instance.rekorURL,
                entryType: instance.rekorEntryType ?? 'dsse',
                fetchOnConflict: true,
                ...fetchOptions,
            }));
        }
        if (instance.tsaURL)
            witnesses.push(new sign_dist/* TSAWitness */.gs({ tsaBaseURL: instance.tsaURL, ...fetchOptions }));
        this.builder = new sign_dist/* DSSEBundleBuilder */.VV({ signer, witnesses, certificateChain: false });
        this.legacyBuilder = new sign_dist/* MessageSignatureBundleBuilder */.z3({ signer, witnesses });
    }
    captureChain(fulcio) {
        const ca = fulcio.ca;
        const original = ca?.createSigningCertificate?.bind(ca);
        if (!ca || !original)
            return;
        ca.createSigningCertificate = async (...args) => {
            const chain = await original(...args);
            this.lastChain = chain;
            return chain;
        };
    }
    async signLegacyPayload(payload) {
        if (this.options.identity.kind === 'keyless')
            await this.options.identity.identityProvider.getToken();
        let bundle;
        try {
            bundle = await this.legacyBuilder.create({ data: payload });
        }
        catch (e) {
            throw this.translate(e);
        }
        if (bundle.content.$case !== 'messageSignature')
            throw new src_errors/* SignError */.u('SIGNING_FAILED', 'expected a message signature');
        const annotations = {
            [ANNOTATION_SIGNATURE]: Buffer.from(bundle.content.messageSignature.signature).toString('base64'),
        };
        const vm = bundle.verificationMaterial;
        const leaf = vm.content.$case === 'x509CertificateChain'
            ? vm.content.x509CertificateChain.certificates[0]?.rawBytes
            : vm.content.$case === 'certificate'
                ? vm.content.certificate.rawBytes
                : undefined;
        if (leaf) {
            annotations[ANNOTATION_CERTIFICATE] = dist.pem.fromDER(Buffer.from(leaf));
            const rest = this.lastChain.slice(1).map((c) => (c.endsWith('\n') ? c : `${c}\n`));
            if (rest.length)
                annotations[ANNOTATION_CHAIN] = rest.join('');
        }
        Object.assign(annotations, legacyWitnessAnnotations(vm.tlogEntries, vm.timestampVerificationData?.rfc3161Timestamps ?? []));
        return annotations;
    }
    get certificateChainPem() {
        const rest = this.lastChain.slice(1);
        return rest.length ? rest.map((c) => (c.endsWith('\n') ? c : `${c}\n`)).join('') : undefined;
    }
    async sign(statement) {
        const payload = Buffer.from(JSON.stringify(statement), 'utf8');
        if (this.options.identity.kind === 'keyless') {
            await this.options.identity.identityProvider.getToken();
        }
        this.logger.debug(`StatementSigner.sign: ${statement.predicateType} for ${statement.subject[0]?.name ?? '?'}`);
        let bundle;
        try {
            bundle = await this.builder.create({ data: payload, type: src_statement/* IN_TOTO_PAYLOAD_TYPE */.T4 });
        }
        catch (e) {
            throw this.translate(e);
        }
        const content = bundle.verificationMaterial.content;
        if (content.$case === 'publicKey' && this.options.identity.kind === 'key') {
            content.publicKey.hint = this.options.identity.key.hint;
        }
        const json = (0,bundle_dist.bundleToJSON)(bundle);
        let certificatePem;
        let certificateIdentity;
        if (content.$case === 'certificate') {
            const der = Buffer.from(content.certificate.rawBytes);
            const cert = dist.X509Certificate.parse(der);
            certificatePem = dist.pem.fromDER(der);
            certificateIdentity = certificateIdentityOf(cert);
        }
        const sig = bundle.content.dsseEnvelope.signatures[0]?.sig ?? Buffer.alloc(0);
        const vm = bundle.verificationMaterial;
        const attAnnotations = {
            [ANNOTATION_SIGNATURE]: '',
            predicateType: statement.predicateType,
            ...(certificatePem ? { [ANNOTATION_CERTIFICATE]: certificatePem } : {}),
            ...(certificatePem && this.certificateChainPem ? { [ANNOTATION_CHAIN]: this.certificateChainPem } : {}),
            ...legacyWitnessAnnotations(vm.tlogEntries, vm.timestampVerificationData?.rfc3161Timestamps ?? []),
        };
        return {
            legacyAttestation: {
                envelope: Buffer.from(JSON.stringify((0,bundle_dist.envelopeToJSON)(bundle.content.dsseEnvelope))),
                annotations: attAnnotations,
            },
            bundle: json,
            bytes: Buffer.from(JSON.stringify(json), 'utf8'),
            predicateType: statement.predicateType,
            certificatePem,
            certificateIdentity,
            signature: Buffer.from(sig),
            payload,
            tlogEntries: bundle.verificationMaterial.tlogEntries.length,
            timestamps: bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps.length ?? 0,
        };
    }
    translate(e) {
        if (e instanceof errors/* ConfigurationError */.j1 || e instanceof src_errors/* SignError */.u)
            return e;
        const code = e.code;
        const cause = e.cause;
        const detail = cause instanceof Error ? `: ${cause.message}` : '';
        const { instance } = this.options;
        switch (code) {
            case 'CA_CREATE_SIGNING_CERTIFICATE_ERROR':
                return new src_errors/* SignError */.u('CERTIFICATE_REQUEST_FAILED', `Fulcio at ${instance.fulcioURL} did not issue a signing certificate${detail}`, { cause: e });
            case 'IDENTITY_TOKEN_READ_ERROR':
            case 'IDENTITY_TOKEN_PARSE_ERROR':
                return new src_errors/* SignError */.u('IDENTITY_TOKEN_FAILED', 'the OIDC identity token could not be read or parsed');
            case 'TLOG_CREATE_ENTRY_ERROR':
            case 'TLOG_FETCH_ENTRY_ERROR':
                return new src_errors/* SignError */.u('TLOG_FAILED', `Rekor at ${instance.rekorURL} did not record the signature${detail}`, {
                    cause: e,
                });
            case 'TSA_CREATE_TIMESTAMP_ERROR':
                return new src_errors/* SignError */.u('TIMESTAMP_FAILED', `the timestamp authority at ${instance.tsaURL} failed${detail}`, {
                    cause: e,
                });
            default:
                return new src_errors/* SignError */.u('SIGNING_FAILED', (0,errors/* getErrorMessage */.u1)(e), { cause: e });
        }
    }
}
function keySigner(key) {
    return {
        sign: async (data) => ({
            signature: (0,external_node_crypto_.sign)('sha256', data, key.privateKey),
            key: { $case: 'publicKey', publicKey: key.publicKeyPem, hint: '' },
        }),
    };
}
const OID_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';
const OID_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';
function certificateIdentityOf(cert) {
    let issuer;
    const v2 = cert.extension(OID_ISSUER_V2);
    if (v2)
        issuer = v2.valueObj.subs?.[0]?.value.toString('ascii');
    else
        issuer = cert.extension(OID_ISSUER_V1)?.value.toString('ascii');
    return { subjectAlternativeName: cert.subjectAltName, issuer };
}
function legacyWitnessAnnotations(tlogEntries, timestamps) {
    const out = {};
    const entry = tlogEntries[0];
    if (entry?.inclusionPromise) {
        out[ANNOTATION_SET_BUNDLE] = JSON.stringify({
            SignedEntryTimestamp: Buffer.from(entry.inclusionPromise.signedEntryTimestamp).toString('base64'),
            Payload: {
                body: Buffer.from(entry.canonicalizedBody).toString('base64'),
                integratedTime: Number(entry.integratedTime),
                logIndex: Number(entry.logIndex),
                logID: Buffer.from(entry.logId?.keyId ?? Buffer.alloc(0)).toString('hex'),
            },
        });
    }
    const ts = timestamps[0];
    if (ts) {
        out[ANNOTATION_RFC3161] = JSON.stringify({
            SignedRFC3161Timestamp: Buffer.from(ts.signedTimestamp).toString('base64'),
        });
    }
    return out;
}

;// CONCATENATED MODULE: ./packages/sign/src/store.ts





async function resolveImage(registry, image) {
    const reference = image.digest ?? image.tag ?? 'latest';
    let fetched;
    try {
        fetched = await registry.getManifestIfExists(image.repository, reference);
    }
    catch (e) {
        throw new src_errors/* SignError */.u('REGISTRY_FAILED', `could not read ${image.registry}/${image.repository}@${reference}: ${e.message}`, { cause: e });
    }
    if (!fetched) {
        throw new src_errors/* SignError */.u('IMAGE_NOT_FOUND', `${image.registry}/${image.repository}${image.digest ? '@' : ':'}${reference} does not exist`);
    }
    if (image.digest && fetched.descriptor.digest !== image.digest) {
        throw new src_errors/* SignError */.u('REGISTRY_FAILED', `registry returned ${fetched.descriptor.digest} for ${image.digest}`);
    }
    return { digest: fetched.descriptor.digest, fetched };
}
function signingTargets(top, recursive) {
    const targets = [{ descriptor: top.descriptor }];
    if (!recursive || !top.manifest.manifests)
        return targets;
    for (const child of top.manifest.manifests) {
        if (child.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest')
            continue;
        const p = child.platform;
        targets.push({
            descriptor: child,
            platform: p ? [p.os, p.architecture, p.variant].filter(Boolean).join('/') : undefined,
        });
    }
    return targets;
}
async function signImage(options) {
    const logger = options.logger ?? src_logger/* silentLogger */.q;
    const { registry, image, signer } = options;
    const format = options.format ?? 'bundle';
    const name = `${image.registry}/${image.repository}`;
    const { digest, fetched } = await resolveImage(registry, image);
    logger.debug(`signImage: ${name}${image.digest ? '' : `:${image.tag ?? 'latest'}`} is ${digest}`);
    const targets = signingTargets(fetched, options.recursive ?? false);
    const result = {
        name,
        digest,
        resolvedFromTag: image.digest ? undefined : (image.tag ?? 'latest'),
        manifests: targets.map((t) => ({
            digest: t.descriptor.digest,
            mediaType: t.descriptor.mediaType,
            platform: t.platform,
            bundles: [],
        })),
        tlogEntries: 0,
    };
    if (options.dryRun)
        return result;
    const note = (s) => {
        result.tlogEntries += s.tlogEntries;
        result.identity ??= s.certificateIdentity;
    };
    for (const [i, target] of targets.entries()) {
        const out = result.manifests[i];
        const subject = { name, digest: target.descriptor.digest };
        if (format !== 'legacy') {
            const signed = await signer.sign((0,src_statement/* buildSignatureStatement */.sR)(subject));
            note(signed);
            out.bundles.push(await attachBundle(registry, image.repository, target.descriptor, signed));
        }
        if (format !== 'bundle') {
            const payload = simpleSigningPayload(name, subject.digest);
            const annotations = await signer.signLegacyPayload(payload);
            out.legacySignatureTag = await appendLegacyLayer(registry, image.repository, legacySignatureTag(subject.digest), blob(SIMPLE_SIGNING, payload, annotations));
        }
    }
    const top = result.manifests[0];
    const platformTargets = signingTargets(fetched, true).slice(1);
    for (const att of options.attestations ?? []) {
        if (att.platform && !platformTargets.some((t) => t.platform === att.platform))
            throw new src_errors/* SignError */.u('PREDICATE_INVALID', `${att.source ?? att.predicateType}: ${name}@${digest} has no ${att.platform} manifest (it has ${platformTargets.map((t) => t.platform).join(', ') || 'no platforms: it is not an index'})`);
    }
    for (const att of options.attestations ?? []) {
        const target = att.platform
            ? platformTargets.find((t) => t.platform === att.platform)
            : { descriptor: fetched.descriptor, platform: undefined };
        const subjectDigest = target.descriptor.digest;
        const statement = (0,src_statement/* buildStatement */.Y5)({ name, digest: subjectDigest }, att.predicateType, att.predicate);
        const signed = await signer.sign(statement);
        note(signed);
        let out = att.platform ? result.manifests.find((m) => m.digest === subjectDigest) : top;
        if (!out) {
            out = {
                digest: subjectDigest,
                mediaType: target.descriptor.mediaType,
                platform: target.platform,
                bundles: [],
            };
            result.manifests.push(out);
        }
        if (format !== 'legacy')
            out.bundles.push(await attachBundle(registry, image.repository, target.descriptor, signed));
        if (format !== 'bundle') {
            const layer = blob(DSSE_ENVELOPE, signed.legacyAttestation.envelope, signed.legacyAttestation.annotations);
            out.legacyAttestationTag = await appendLegacyLayer(registry, image.repository, legacyAttestationTag(subjectDigest), layer);
        }
    }
    return result;
}
async function attachBundle(registry, repository, subject, signed) {
    const { manifest, layers, config } = bundleReferrerManifest(subject, signed.bytes, signed.predicateType);
    await registry.pushBlob(repository, config.bytes, config.descriptor.mediaType);
    for (const layer of layers)
        await registry.pushBlob(repository, layer.bytes, layer.descriptor.mediaType);
    const pushed = await registry.pushReferrer(repository, manifest.bytes, manifest.descriptor.mediaType);
    return { referrerDigest: pushed.digest, predicateType: signed.predicateType };
}
async function appendLegacyLayer(registry, repository, tag, layer) {
    const existing = await registry.getManifestIfExists(repository, tag);
    const layers = [...(existing?.manifest.layers ?? [])];
    if (!layers.some((l) => l.digest === layer.descriptor.digest))
        layers.push(layer.descriptor);
    await registry.pushBlob(repository, layer.bytes, layer.descriptor.mediaType);
    const image = legacyImage(layers);
    await registry.pushBlob(repository, image.config.bytes, image.config.descriptor.mediaType);
    await registry.putManifest(repository, tag, image.manifest.bytes, image.manifest.descriptor.mediaType);
    return tag;
}
async function findBundles(registry, repository, digest) {
    const { descriptors } = await registry.getReferrers(repository, digest, {
        artifactType: BUNDLE_V03_MEDIA_TYPE,
    });
    const found = [];
    for (const d of descriptors) {
        const m = await registry.getManifest(repository, d.digest);
        const layer = m.manifest.layers?.find((l) => l.mediaType === BUNDLE_V03_MEDIA_TYPE);
        if (!layer)
            continue;
        const bytes = await registry.fetchBlob(repository, layer);
        let bundle;
        try {
            bundle = JSON.parse(bytes.toString('utf8'));
        }
        catch {
            bundle = undefined;
        }
        found.push({
            referrerDigest: d.digest,
            predicateType: m.manifest.annotations?.['dev.sigstore.bundle.predicateType'] ??
                d.annotations?.['dev.sigstore.bundle.predicateType'],
            bundle,
        });
    }
    return found;
}
async function legacyLayers(registry, repository, tag, mediaType) {
    const m = await registry.getManifestIfExists(repository, tag);
    const out = [];
    for (const layer of m?.manifest.layers ?? []) {
        if (layer.mediaType !== mediaType)
            continue;
        out.push({ bytes: await registry.fetchBlob(repository, layer), annotations: layer.annotations ?? {} });
    }
    return out;
}
async function findLegacySignatures(registry, repository, digest) {
    const layers = await legacyLayers(registry, repository, legacySignatureTag(digest), SIMPLE_SIGNING);
    return layers.map((l) => ({ payload: l.bytes, annotations: l.annotations }));
}
async function findLegacyAttestations(registry, repository, digest) {
    const layers = await legacyLayers(registry, repository, legacyAttestationTag(digest), DSSE_ENVELOPE);
    return layers.map((l) => ({ envelope: l.bytes, annotations: l.annotations }));
}

// EXTERNAL MODULE: ./packages/sign/src/trust.ts
var src_trust = __webpack_require__(44968);
// EXTERNAL MODULE: ./node_modules/.pnpm/@sigstore+protobuf-specs@0.5.2/node_modules/@sigstore/protobuf-specs/dist/index.js
var protobuf_specs_dist = __webpack_require__(21443);
// EXTERNAL MODULE: ./node_modules/.pnpm/@sigstore+verify@3.1.1/node_modules/@sigstore/verify/dist/index.js
var verify_dist = __webpack_require__(92379);
// EXTERNAL MODULE: ./packages/sign/src/policy.ts
var policy = __webpack_require__(21442);
;// CONCATENATED MODULE: ./packages/sign/src/verify.ts









function verifyBundle(bundleJSON, digest, options) {
    return verifyDsseBundle(parseBundle(bundleJSON), digest, options);
}
function verifyDsseBundle(bundle, digest, options) {
    const isKeyPolicy = options.policy.kind === 'key';
    const verifier = verifierFor(options);
    const keyCase = bundle.verificationMaterial.content.$case;
    if (isKeyPolicy && keyCase !== 'publicKey') {
        throw new src_errors/* VerifyError */.G('PUBLIC_KEY_MISMATCH', 'the bundle is signed with a certificate, but a public key was required');
    }
    if (!isKeyPolicy && keyCase === 'publicKey') {
        throw new src_errors/* VerifyError */.G('IDENTITY_MISMATCH', 'the bundle is signed with a key, but a certificate identity was required');
    }
    const entity = signedEntity(bundle, options);
    let signer;
    try {
        signer = verifier.verify(entity);
    }
    catch (e) {
        throw translateVerificationError(e);
    }
    if (options.policy.kind === 'certificate') {
        (0,policy/* validateCertificatePolicy */.YB)(options.policy);
        (0,policy/* checkCertificatePolicy */.O)(options.policy, leafCertificate(bundle));
    }
    const statement = parseStatement(bundle);
    const [algorithm, hex] = digest.split(':');
    if (!statement.subject.some((s) => algorithm && s.digest?.[algorithm] === hex)) {
        const got = statement.subject
            .map((s) => Object.entries(s.digest ?? {}).map(([a, h]) => `${a}:${h}`))
            .flat();
        throw new src_errors/* VerifyError */.G('SUBJECT_MISMATCH', `the signed statement is for ${got.join(', ') || 'no digest'}, not ${digest}`);
    }
    return {
        statement,
        predicateType: statement.predicateType,
        signer: {
            subjectAlternativeName: signer.identity?.subjectAlternativeName,
            issuer: signer.identity?.extensions?.issuer,
            publicKeyHint: keyCase === 'publicKey' ? bundle.verificationMaterial.content.publicKey.hint : undefined,
        },
        tlogEntries: entity.tlogEntries.length,
        timestamps: entity.timestamps.length,
    };
}
function parseBundle(json) {
    let bundle;
    try {
        bundle = (0,bundle_dist.bundleFromJSON)(json);
    }
    catch (e) {
        throw new src_errors/* VerifyError */.G('BUNDLE_INVALID', `not a valid Sigstore bundle: ${e.message}`, {
            cause: e,
        });
    }
    if (bundle.mediaType !== BUNDLE_V03_MEDIA_TYPE &&
        !bundle.mediaType.startsWith('application/vnd.dev.sigstore.bundle+json;version=0.')) {
        throw new src_errors/* VerifyError */.G('BUNDLE_INVALID', `bundle media type ${bundle.mediaType} is older than v0.3`);
    }
    if (bundle.mediaType.endsWith('version=0.1') || bundle.mediaType.endsWith('version=0.2')) {
        throw new src_errors/* VerifyError */.G('BUNDLE_INVALID', `bundle media type ${bundle.mediaType} is older than v0.3`);
    }
    if (bundle.content.$case !== 'dsseEnvelope') {
        throw new src_errors/* VerifyError */.G('BUNDLE_INVALID', 'the bundle holds a message signature, not a DSSE envelope');
    }
    return bundle;
}
function parseStatement(bundle) {
    if (bundle.content.$case !== 'dsseEnvelope')
        throw new src_errors/* VerifyError */.G('BUNDLE_INVALID', 'no DSSE envelope');
    const env = bundle.content.dsseEnvelope;
    if (env.payloadType !== src_statement/* IN_TOTO_PAYLOAD_TYPE */.T4) {
        throw new src_errors/* VerifyError */.G('BUNDLE_INVALID', `DSSE payload type is ${env.payloadType}, not ${src_statement/* IN_TOTO_PAYLOAD_TYPE */.T4}`);
    }
    let statement;
    try {
        statement = JSON.parse(Buffer.from(env.payload).toString('utf8'));
    }
    catch (e) {
        throw new src_errors/* VerifyError */.G('BUNDLE_INVALID', 'the DSSE payload is not JSON', { cause: e });
    }
    if (!statement || !Array.isArray(statement.subject) || typeof statement.predicateType !== 'string') {
        throw new src_errors/* VerifyError */.G('BUNDLE_INVALID', 'the DSSE payload is not an in-toto statement');
    }
    return statement;
}
function verifierFor(options) {
    const isKey = options.policy.kind === 'key';
    return new verify_dist/* Verifier */.BL(trustMaterialFor(options), {
        tlogThreshold: options.ignoreTlog ? 0 : (options.tlogThreshold ?? (isKey ? 0 : 1)),
        ctlogThreshold: options.ctlogThreshold ?? 1,
        timestampThreshold: options.timestampThreshold ?? (isKey ? 0 : 1),
    });
}
function signedEntity(bundle, options, data) {
    const entity = (0,verify_dist/* toSignedEntity */.DC)(bundle, data);
    if (!options.ignoreTlog)
        return entity;
    return {
        ...entity,
        tlogEntries: [],
        timestamps: entity.timestamps.filter((t) => t.$case !== 'transparency-log'),
    };
}
function trustMaterialFor(options) {
    const root = protobuf_specs_dist.TrustedRoot.fromJSON(options.trustedRoot ?? { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1' });
    const policy = options.policy;
    if (policy.kind !== 'key')
        return (0,verify_dist/* toTrustMaterial */.jO)(root);
    const key = loadPublicKey(policy.publicKeyPem);
    return (0,verify_dist/* toTrustMaterial */.jO)(root, () => ({
        publicKey: (0,external_node_crypto_.createPublicKey)(key.export({ format: 'pem', type: 'spki' })),
        validFor: () => true,
    }));
}
function leafCertificate(bundle) {
    const content = bundle.verificationMaterial.content;
    if (content.$case === 'certificate')
        return Buffer.from(content.certificate.rawBytes);
    if (content.$case === 'x509CertificateChain' && content.x509CertificateChain.certificates[0]) {
        return Buffer.from(content.x509CertificateChain.certificates[0].rawBytes);
    }
    throw new src_errors/* VerifyError */.G('CERTIFICATE_INVALID', 'the bundle carries no signing certificate');
}
function translateVerificationError(e) {
    const code = e.code ?? '';
    const message = e.message ?? String(e);
    const map = {
        SIGNATURE_ERROR: 'SIGNATURE_INVALID',
        CERTIFICATE_ERROR: 'CERTIFICATE_INVALID',
        TLOG_ERROR: 'TLOG_INVALID',
        TLOG_BODY_ERROR: 'TLOG_INVALID',
        TLOG_INCLUSION_PROOF_ERROR: 'TLOG_INVALID',
        TLOG_INCLUSION_PROMISE_ERROR: 'TLOG_INVALID',
        TLOG_MISSING_INCLUSION_ERROR: 'TLOG_INVALID',
        TIMESTAMP_ERROR: 'TIMESTAMP_INVALID',
        PUBLIC_KEY_ERROR: 'PUBLIC_KEY_MISMATCH',
        UNTRUSTED_SIGNER_ERROR: 'IDENTITY_MISMATCH',
    };
    return new src_errors/* VerifyError */.G(map[code] ?? 'SIGNATURE_INVALID', `verification failed: ${message}`, { cause: e });
}


;// CONCATENATED MODULE: ./packages/sign/src/verify-image.ts








const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
function provenanceBuilderProblem(predicate, repository) {
    const id = predicate?.runDetails?.builder
        ?.id;
    if (typeof id !== 'string')
        return 'the provenance names no builder (runDetails.builder.id)';
    const escaped = repository.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    if (!new RegExp(`^https?://[^/]+/${escaped}/\\.github/workflows/[^@/]+@.+$`, 'i').test(id))
        return `the provenance's builder is ${id}, not a workflow of ${repository}`;
    return undefined;
}
function rejection(digest, e, referrerDigest, prefix = '') {
    return {
        digest,
        ...(referrerDigest ? { referrerDigest } : {}),
        reason: `${prefix}${e.message}`,
        code: e.code ?? 'UNKNOWN',
    };
}
async function verifyImage(options) {
    const { registry, image } = options;
    const name = `${image.registry}/${image.repository}`;
    const { digest, fetched } = await resolveImage(registry, image);
    const targets = signingTargets(fetched, options.recursive ?? false);
    const result = { name, digest, manifests: [], attestations: [], rejected: [] };
    for (const [i, target] of targets.entries()) {
        const d = target.descriptor.digest;
        const signatures = [];
        const bundles = await findBundles(registry, image.repository, d);
        for (const found of bundles) {
            try {
                const v = verifyBundle(found.bundle, d, options);
                const sig = {
                    source: 'bundle',
                    predicateType: v.predicateType,
                    referrerDigest: found.referrerDigest,
                    signer: v.signer,
                };
                const builderProblem = v.predicateType === SLSA_PROVENANCE_V1 && options.provenanceBuilderRepository
                    ? provenanceBuilderProblem(v.statement.predicate, options.provenanceBuilderRepository)
                    : undefined;
                if (builderProblem) {
                    result.rejected.push({
                        digest: d,
                        referrerDigest: found.referrerDigest,
                        reason: builderProblem,
                        code: 'PROVENANCE_MISMATCH',
                    });
                    continue;
                }
                signatures.push(sig);
                if (i === 0 && v.predicateType !== src_statement/* COSIGN_SIGN_PREDICATE */.u)
                    result.attestations.push(sig);
            }
            catch (e) {
                result.rejected.push(rejection(d, e, found.referrerDigest));
            }
        }
        if (bundles.length === 0) {
            for (const legacy of await findLegacySignatures(registry, image.repository, d)) {
                try {
                    const signer = verifyLegacySignature(legacy.payload, legacy.annotations, d, options);
                    signatures.push({ source: 'legacy', predicateType: 'cosign container image signature', signer });
                }
                catch (e) {
                    result.rejected.push(rejection(d, e));
                }
            }
        }
        if (i === 0 && bundles.length === 0) {
            for (const legacy of await findLegacyAttestations(registry, image.repository, d)) {
                try {
                    const v = verifyDsseBundle(legacyAttestationBundle(legacy.envelope, legacy.annotations), d, options);
                    result.attestations.push({ source: 'legacy', predicateType: v.predicateType, signer: v.signer });
                }
                catch (e) {
                    result.rejected.push(rejection(d, e, undefined, 'legacy attestation: '));
                }
            }
        }
        result.manifests.push({ digest: d, platform: target.platform, signatures });
        if (signatures.length === 0) {
            const why = result.rejected.filter((r) => r.digest === d);
            const detail = why.length ? `; ${why.length} rejected: ${why.map((r) => r.reason).join(' | ')}` : '';
            throw Object.assign(new src_errors/* VerifyError */.G(why.length ? why[0].code : 'NO_SIGNATURES', `no valid signature for ${name}@${d}${target.platform ? ` (${target.platform})` : ''}${detail}`), { result });
        }
    }
    const required = (options.requirePredicateTypes ?? []).filter((t) => t !== src_statement/* COSIGN_SIGN_PREDICATE */.u);
    const onTop = (type) => result.attestations.some((a) => a.predicateType === type && !a.platform);
    const platforms = signingTargets(fetched, true).slice(1);
    if (required.some((t) => !onTop(t)) && platforms.length > 0) {
        for (const child of platforms) {
            const d = child.descriptor.digest;
            const seen = result.manifests.find((m) => m.digest === d);
            if (seen) {
                for (const sig of seen.signatures)
                    if (sig.predicateType !== src_statement/* COSIGN_SIGN_PREDICATE */.u)
                        result.attestations.push({ ...sig, platform: child.platform ?? d });
                continue;
            }
            for (const found of await findBundles(registry, image.repository, d)) {
                try {
                    const v = verifyBundle(found.bundle, d, options);
                    if (v.predicateType === src_statement/* COSIGN_SIGN_PREDICATE */.u)
                        continue;
                    result.attestations.push({
                        source: 'bundle',
                        predicateType: v.predicateType,
                        referrerDigest: found.referrerDigest,
                        signer: v.signer,
                        platform: child.platform ?? d,
                    });
                }
                catch (e) {
                    result.rejected.push(rejection(d, e, found.referrerDigest));
                }
            }
        }
    }
    for (const type of required) {
        if (onTop(type))
            continue;
        const without = platforms
            .map((c) => c.platform ?? c.descriptor.digest)
            .filter((p) => !result.attestations.some((a) => a.predicateType === type && a.platform === p));
        if (platforms.length > 0 && without.length === 0)
            continue;
        const refused = result.rejected.filter((r) => r.code === 'PROVENANCE_MISMATCH' && type === SLSA_PROVENANCE_V1);
        const detail = (platforms.length > 0 ? ` (neither on the index nor on ${without.join(', ')})` : '') +
            (refused.length ? `; refused: ${refused.map((r) => r.reason).join(' | ')}` : '');
        throw Object.assign(new src_errors/* VerifyError */.G('MISSING_ATTESTATION', `no valid ${type} attestation for ${name}@${digest}${detail}`), { result });
    }
    return result;
}
function verifyLegacySignature(payload, annotations, digest, options) {
    let doc;
    try {
        doc = JSON.parse(payload.toString('utf8'));
    }
    catch {
        throw new src_errors/* VerifyError */.G('BUNDLE_INVALID', 'legacy signature payload is not JSON');
    }
    const signed = doc.critical?.image?.['docker-manifest-digest'];
    if (signed !== digest)
        throw new src_errors/* VerifyError */.G('SUBJECT_MISMATCH', `legacy signature is for ${signed ?? 'nothing'}, not ${digest}`);
    const signature = Buffer.from(annotations[ANNOTATION_SIGNATURE] ?? '', 'base64');
    const certPem = annotations[ANNOTATION_CERTIFICATE];
    const isKey = options.policy.kind === 'key';
    if (isKey === Boolean(certPem)) {
        throw new src_errors/* VerifyError */.G(isKey ? 'PUBLIC_KEY_MISMATCH' : 'IDENTITY_MISMATCH', `legacy signature is ${certPem ? 'certificate' : 'key'}-based`);
    }
    const bundle = {
        mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        verificationMaterial: legacyVerificationMaterial(annotations),
        content: {
            $case: 'messageSignature',
            messageSignature: {
                messageDigest: {
                    algorithm: protobuf_specs_dist.HashAlgorithm.SHA2_256,
                    digest: (0,external_node_crypto_.createHash)('sha256').update(payload).digest(),
                },
                signature,
            },
        },
    };
    const verifier = verifierFor(options);
    const entity = signedEntity(bundle, options, payload);
    let signer;
    try {
        signer = verifier.verify(entity);
    }
    catch (e) {
        throw new src_errors/* VerifyError */.G('SIGNATURE_INVALID', `legacy signature: ${e.message}`, { cause: e });
    }
    if (options.policy.kind === 'certificate') {
        (0,policy/* validateCertificatePolicy */.YB)(options.policy);
        (0,policy/* checkCertificatePolicy */.O)(options.policy, pemToDer(certPem));
        return {
            subjectAlternativeName: signer.identity?.subjectAlternativeName,
            issuer: signer.identity?.extensions?.issuer,
        };
    }
    return {};
}
function legacyVerificationMaterial(annotations) {
    const certPem = annotations[ANNOTATION_CERTIFICATE];
    const tsa = annotations[ANNOTATION_RFC3161];
    const rfc3161Timestamps = tsa
        ? [
            {
                signedTimestamp: Buffer.from(JSON.parse(tsa).SignedRFC3161Timestamp, 'base64'),
            },
        ]
        : [];
    return {
        content: certPem
            ? { $case: 'certificate', certificate: { rawBytes: pemToDer(certPem) } }
            : { $case: 'publicKey', publicKey: { hint: '' } },
        tlogEntries: legacyTlogEntries(annotations[ANNOTATION_SET_BUNDLE]),
        timestampVerificationData: { rfc3161Timestamps },
    };
}
function legacyAttestationBundle(envelopeBytes, annotations) {
    let envelope;
    try {
        envelope = JSON.parse(envelopeBytes.toString('utf8'));
    }
    catch {
        throw new src_errors/* VerifyError */.G('BUNDLE_INVALID', 'legacy attestation layer is not a DSSE envelope (not JSON)');
    }
    if (typeof envelope.payload !== 'string' ||
        typeof envelope.payloadType !== 'string' ||
        !envelope.signatures) {
        throw new src_errors/* VerifyError */.G('BUNDLE_INVALID', 'legacy attestation layer is not a DSSE envelope');
    }
    return {
        mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        verificationMaterial: legacyVerificationMaterial(annotations),
        content: {
            $case: 'dsseEnvelope',
            dsseEnvelope: {
                payload: Buffer.from(envelope.payload, 'base64'),
                payloadType: envelope.payloadType,
                signatures: envelope.signatures.map((s) => ({
                    sig: Buffer.from(s.sig ?? '', 'base64'),
                    keyid: s.keyid ?? '',
                })),
            },
        },
    };
}
function pemToDer(pem) {
    return Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
}
function legacyTlogEntries(annotation) {
    if (!annotation)
        return [];
    const set = JSON.parse(annotation);
    const body = Buffer.from(set.Payload.body, 'base64');
    const parsed = JSON.parse(body.toString('utf8'));
    return [
        {
            logIndex: String(set.Payload.logIndex),
            logId: { keyId: Buffer.from(set.Payload.logID, 'hex') },
            kindVersion: { kind: parsed.kind, version: parsed.apiVersion },
            integratedTime: String(set.Payload.integratedTime),
            inclusionPromise: { signedEntryTimestamp: Buffer.from(set.SignedEntryTimestamp, 'base64') },
            inclusionProof: undefined,
            canonicalizedBody: body,
        },
    ];
}

;// CONCATENATED MODULE: ./packages/sign/src/image-gate.ts











const DEFAULT_NAMES = {
    image: 'image',
    key: 'key',
    keyPassword: 'key-password',
    attestations: 'attestations',
    sigstore: 'sigstore',
};
async function signAndAttest(request) {
    const names = { ...DEFAULT_NAMES, ...request.inputNames };
    const logger = request.logger ?? src_logger/* silentLogger */.q;
    try {
        const { identity } = request;
        const signer = new StatementSigner({
            identity: identity.kind === 'keyless'
                ? { kind: 'keyless', identityProvider: githubIdentityProvider(identity) }
                : { kind: 'key', key: await loadSigningKey(identity.pem, identity.password) },
            instance: request.instance,
            logger,
        });
        const attestations = request.attestations.map((a) => readAttestation(a, names.attestations));
        const result = await signImage({ ...request, signer, attestations, logger });
        const keyBased = identity.kind === 'key';
        const custom = request.instance.name === 'github' || request.instance.name === 'custom';
        const verifyCommands = cosignVerifyCommands({
            image: `${result.name}@${result.digest}`,
            identity: result.identity,
            publicKeyPath: keyBased ? 'cosign.pub' : undefined,
            noTlog: result.tlogEntries === 0,
            trustedRootPath: custom ? 'trusted_root.json' : undefined,
            predicateTypes: attestations.map((a) => a.predicateType),
        });
        return {
            ...result,
            verifyCommands,
            record: {
                format: request.format,
                dryRun: request.dryRun,
                identity: result.identity,
                manifests: result.manifests,
            },
        };
    }
    catch (e) {
        throw userFacing(e, request.instance, names);
    }
}
function readAttestation(spec, input) {
    let text;
    try {
        text = (0,external_node_fs_.readFileSync)(spec.path, 'utf8');
    }
    catch (e) {
        throw new errors/* InputError */.dz(input, `Cannot read ${spec.path} (from "${spec.source}"): ${e.message}`);
    }
    return {
        ...(0,src_statement/* parsePredicate */.rv)(spec.type, text, spec.predicateType),
        source: spec.source,
        platform: spec.platform,
    };
}
async function verifyImageGate(request) {
    const logger = request.logger ?? src_logger/* silentLogger */.q;
    const { policy } = request;
    try {
        const trust = policy.kind === 'key' && !request.trustGiven ? undefined : await (0,src_trust/* loadTrustedRoot */.K)(request.trust, logger);
        if (trust?.offline) {
            logger.warning(`Verifying with a trusted root that was not updated (${trust.source}): the TUF mirror could not be reached and ${request.offlineFallbackInput ?? 'tuf-offline-fallback'} is on`);
        }
        const result = await verifyImage({
            registry: request.registry,
            image: request.image,
            recursive: request.recursive,
            policy,
            requirePredicateTypes: request.requirePredicateTypes,
            trustedRoot: trust?.trustedRoot,
            provenanceBuilderRepository: policy.kind === 'key' ? undefined : policy.claims?.sourceRepository,
        });
        const signers = [
            ...new Set(result.manifests.flatMap((m) => m.signatures.map((x) => signerName(x.signer)))),
        ];
        const predicateTypes = (sigs) => [
            ...new Set(sigs.map((x) => x.predicateType)),
        ];
        const record = {
            verified: true,
            signers,
            attestations: predicateTypes(result.attestations),
            manifests: result.manifests.map((m) => ({
                digest: m.digest,
                platform: m.platform,
                predicateTypes: predicateTypes(m.signatures),
            })),
            rejected: result.rejected.length,
        };
        return { ...result, signers, trustSource: trust?.source, record };
    }
    catch (e) {
        if (e instanceof src_errors/* VerifyError */.G)
            throw new errors/* ConfigurationError */.j1('INVALID_CONFIGURATION', `Verification failed (${e.code}): ${e.message}`, {
                cause: e,
            });
        throw userFacing(e, undefined, { ...DEFAULT_NAMES, ...request.inputNames });
    }
}
function signerName(signer) {
    return signer.subjectAlternativeName ?? signer.publicKeyHint ?? 'key';
}
function userFacing(e, instance, names) {
    if (!(e instanceof src_errors/* SignError */.u))
        return e;
    const witnessFailed = ['CERTIFICATE_REQUEST_FAILED', 'TIMESTAMP_FAILED', 'TLOG_FAILED'];
    if (witnessFailed.includes(e.code) && instance?.name === 'github' && instance.chosenBy) {
        return new errors/* ConfigurationError */.j1('INVALID_CONFIGURATION', `GitHub's Sigstore instance, chosen because ${instance.chosenBy}, did not sign: ${e.message}. ` +
            `It serves private repositories of GitHub Enterprise Cloud organisations. To sign with the public-good instance instead — which publishes this repository's name and the image digest in the public transparency log — set \`${names.sigstore}: public-good\`; or sign with a \`${names.key}\` and \`${names.sigstore}: none\``, { cause: e });
    }
    const input = (name, message) => new errors/* InputError */.dz(name, message, 'INPUT_INVALID', { cause: e });
    switch (e.code) {
        case 'KEY_DECRYPT_FAILED':
            return input(names.keyPassword, `Input "${names.keyPassword}" does not decrypt \`${names.key}\``);
        case 'KEY_INVALID':
        case 'KEY_UNSUPPORTED':
            return input(names.key, `Input "${names.key}": ${e.message}`);
        case 'IMAGE_NOT_FOUND':
            return input(names.image, e.message);
        case 'PREDICATE_INVALID':
        case 'PREDICATE_TOO_LARGE':
            return input(names.attestations, e.message);
        case 'SIGNING_FAILED':
            return e;
        default:
            return new errors/* ConfigurationError */.j1('INVALID_CONFIGURATION', e.message, { cause: e });
    }
}

// EXTERNAL MODULE: ./actions/cosign-sign/src/inputs.ts + 3 modules
var src_inputs = __webpack_require__(62473);
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

;// CONCATENATED MODULE: ./actions/cosign-sign/src/summary.ts


async function writeSignedSummary(inputs, result) {
    const dryRun = inputs['dry-run'];
    const s = new SummaryBuilder().heading(dryRun ? `Would sign ${result.name}` : `Signed ${result.name}`);
    if (result.resolvedFromTag)
        s.paragraph(`Tag \`${result.resolvedFromTag}\` resolved to \`${result.digest}\`; only the digest was signed.`);
    const san = result.identity?.subjectAlternativeName;
    const who = san ? `${san} (issuer ${result.identity?.issuer ?? '?'})` : inputs.keyless ? 'keyless' : 'key';
    const chosen = inputs.sigstore.chosenBy ? ` (auto: ${inputs.sigstore.chosenBy})` : '';
    s.paragraph(`Identity: ${who} · Sigstore: ${inputs.sigstore.name}${chosen} · format: ${inputs['signature-format']} · tlog entries: ${result.tlogEntries}`);
    const rows = result.manifests.flatMap((m) => {
        const row = (what, stored) => [m.platform ?? 'index/manifest', m.digest, what, stored];
        return [
            ...m.bundles.map((b) => row(b.predicateType, `referrer ${b.referrerDigest}`)),
            ...(m.legacySignatureTag ? [row('cosign ≤ 2.5 signature', `tag ${m.legacySignatureTag}`)] : []),
            ...(m.legacyAttestationTag ? [row('cosign ≤ 2.5 attestations', `tag ${m.legacyAttestationTag}`)] : []),
            ...(dryRun ? [row('would sign', '')] : []),
        ];
    });
    s.table(['manifest', 'digest', 'what', 'stored as'], rows);
    await s.paragraph('Verify with:').code(result.verifyCommands.join('\n'), 'sh').write();
}
async function writeVerifiedSummary(result) {
    const s = new SummaryBuilder().heading(`Verified ${result.name}@${result.digest}`);
    if (result.trustSource)
        s.paragraph(`Trusted root: ${result.trustSource}`);
    s.table(['manifest', 'digest', 'signatures', 'signer'], result.manifests.map((m) => [
        m.platform ?? 'index/manifest',
        m.digest,
        m.signatures.map((x) => `${x.source}: ${x.predicateType}`).join(', '),
        m.signatures.map((x) => signerName(x.signer)).join(', '),
    ]));
    if (result.rejected.length)
        s.details(`${result.rejected.length} bundle(s) rejected`, result.rejected.map((r) => `- ${r.referrerDigest ?? r.digest}: ${r.reason}`).join('\n'));
    await s.write();
}

;// CONCATENATED MODULE: ./actions/cosign-sign/src/main.ts







async function main(inputs = (0,src_inputs/* readInputs */.K)()) {
    const logger = new src_logger/* ActionsLogger */.G();
    const registries = (0,registry_auths/* openRegistries */.c)(inputs['registry-auths'], { logger, onSecret: core/* setSecret */.Pq });
    const registry = registries.client(inputs.image.registry);
    const image = inputs.image;
    if (image.digest)
        (0,image_record/* assertImageRecordDigest */.rj)(inputs['image-record'], image.digest);
    try {
        if (inputs.mode === 'verify') {
            const result = await verifyImageGate({
                registry,
                image,
                recursive: inputs.recursive,
                policy: inputs['public-key']
                    ? { kind: 'key', publicKeyPem: inputs['public-key'] }
                    : (0,src_inputs/* certificatePolicy */.o)(inputs),
                trust: inputs.trust,
                trustGiven: inputs['trust-given'],
                requirePredicateTypes: inputs['require-attestations'],
                logger,
            });
            return await reportVerified(inputs, result);
        }
        const result = await signAndAttest({
            registry,
            image,
            identity: inputs.keyless
                ? {
                    kind: 'keyless',
                    getIDToken: core/* getIDToken */.V9,
                    onSecret: core/* setSecret */.Pq,
                    canRequestToken: inputs.canRequestIdToken,
                }
                : { kind: 'key', pem: inputs.key, password: inputs['key-password'] },
            instance: inputs.sigstore,
            format: inputs['signature-format'],
            recursive: inputs.recursive,
            attestations: inputs.attestations,
            dryRun: inputs['dry-run'],
            logger,
        });
        await reportSigned(inputs, result);
    }
    finally {
        registries.close();
    }
}
function baseRecord(inputs, name, digest) {
    (0,image_record/* assertImageRecordDigest */.rj)(inputs['image-record'], digest);
    return inputs['image-record'] ?? { schemaVersion: record/* IMAGE_RECORD_SCHEMA_VERSION */.FV, name, digest };
}
async function reportSigned(inputs, result) {
    const dryRun = inputs['dry-run'];
    setOutputs({
        digest: result.digest,
        'signed-digests': dryRun ? '' : result.manifests.map((m) => m.digest).join('\n'),
        bundles: Object.fromEntries(result.manifests.map((m) => [m.digest, m.bundles])),
        'verify-commands': result.verifyCommands.join('\n'),
        'image-record': (0,image_record/* imageRecordOutput */.yn)({
            ...baseRecord(inputs, result.name, result.digest),
            signatures: result.record,
        }),
    }, { json: 'json' });
    await writeSignedSummary(inputs, result);
}
async function reportVerified(inputs, result) {
    setOutputs({
        digest: result.digest,
        verified: true,
        'signed-digests': result.manifests.map((m) => m.digest).join('\n'),
        attestations: result.attestations.map((a) => a.predicateType),
        signers: result.signers,
        'image-record': (0,image_record/* imageRecordOutput */.yn)({
            ...baseRecord(inputs, result.name, result.digest),
            verification: result.record,
        }),
    }, { json: 'json' });
    await writeVerifiedSummary(result);
}


/***/ })

};
