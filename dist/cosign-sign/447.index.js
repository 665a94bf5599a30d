export const id = 447;
export const ids = [447];
export const modules = {

/***/ 32447:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  main: () => (/* binding */ main)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: ./node_modules/.pnpm/@actions+core@3.0.1/node_modules/@actions/core/lib/core.js + 16 modules
var core = __webpack_require__(72532);
// EXTERNAL MODULE: ./packages/action-kit/src/logger.ts
var src_logger = __webpack_require__(6718);
// EXTERNAL MODULE: ./packages/action-kit/src/image-record.ts
var image_record = __webpack_require__(6923);
// EXTERNAL MODULE: ./packages/action-kit/src/errors.ts
var errors = __webpack_require__(21901);
;// CONCATENATED MODULE: ./packages/action-kit/src/outputs.ts

/**
 * Sets every key as a plain output (objects as JSON, undefined skipped) and, with `json`, one more
 * output holding the whole record as JSON — what downstream jobs parse with fromJSON().
 */
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

;// CONCATENATED MODULE: ./packages/action-kit/src/summary.ts

/**
 * Builds job summary markdown. GitHub renders the summary as GFM; this escapes table cells so a
 * user value with `|` or a newline cannot break the table.
 */
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
    /** Appends to GITHUB_STEP_SUMMARY; a no-op outside a runner (no summary file). */
    async write() {
        if (!process.env.GITHUB_STEP_SUMMARY)
            return;
        await core/* summary */.z.addRaw(this.toMarkdown()).write();
    }
}
/** The dry-run plan every action prints: a table of what would happen, nothing written. */
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
/** Plain-text rendering of a plan for logs. */
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

// EXTERNAL MODULE: ./packages/image-record/src/record.ts + 1 modules
var record = __webpack_require__(82081);
// EXTERNAL MODULE: ./packages/oci/src/registry-auths.ts + 19 modules
var registry_auths = __webpack_require__(8708);
// EXTERNAL MODULE: ./packages/sign/src/trust.ts
var src_trust = __webpack_require__(44968);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: ./node_modules/.pnpm/@sigstore+protobuf-specs@0.5.2/node_modules/@sigstore/protobuf-specs/dist/index.js
var dist = __webpack_require__(21443);
// EXTERNAL MODULE: ./node_modules/.pnpm/@sigstore+verify@3.1.1/node_modules/@sigstore/verify/dist/index.js
var verify_dist = __webpack_require__(92379);
// EXTERNAL MODULE: ./packages/sign/src/errors.ts
var src_errors = __webpack_require__(39579);
// EXTERNAL MODULE: ./packages/sign/src/statement.ts
var src_statement = __webpack_require__(59611);
// EXTERNAL MODULE: ./node_modules/.pnpm/@sigstore+core@3.2.1/node_modules/@sigstore/core/dist/index.js
var core_dist = __webpack_require__(2808);
// EXTERNAL MODULE: ./node_modules/.pnpm/@sigstore+bundle@4.0.0/node_modules/@sigstore/bundle/dist/index.js
var bundle_dist = __webpack_require__(85756);
// EXTERNAL MODULE: ./node_modules/.pnpm/@sigstore+sign@4.1.1/node_modules/@sigstore/sign/dist/index.js
var sign_dist = __webpack_require__(75668);
;// CONCATENATED MODULE: ./packages/sign/src/signer.ts







const BUNDLE_V03_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
/** Signs in-toto statements as DSSE bundles v0.3, the format `cosign sign` v3 writes. */
class StatementSigner {
    options;
    builder;
    legacyBuilder;
    logger;
    /** The last chain Fulcio returned (leaf first), for the legacy `chain` annotation. */
    lastChain = [];
    constructor(options) {
        this.options = options;
        this.logger = options.logger ?? src_logger/* silentLogger */.qq;
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
        // certificateChain: false → bundle v0.3 with a single leaf certificate, as cosign v3 writes.
        this.builder = new sign_dist/* DSSEBundleBuilder */.VV({ signer, witnesses, certificateChain: false });
        // Only for cosign ≤ 2.5's `.sig` layer, which needs a plain signature over the simple-signing payload
        // and a hashedrekord entry; the bundle it builds is taken apart into annotations, never stored.
        this.legacyBuilder = new sign_dist/* MessageSignatureBundleBuilder */.z3({ signer, witnesses });
    }
    /**
     * FulcioSigner keeps only the leaf of the chain Fulcio returns; cosign's legacy `chain` annotation wants
     * the rest. The CA client is a private field of sigstore-js 4.1: when it is not there the chain is
     * simply omitted (cosign verifies against its trusted root either way).
     */
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
    /** Signs cosign ≤ 2.5's simple-signing payload; returns the `.sig` layer annotations. */
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
            throw new Error('expected a message signature');
        const annotations = {
            'dev.cosignproject.cosign/signature': Buffer.from(bundle.content.messageSignature.signature).toString('base64'),
        };
        const vm = bundle.verificationMaterial;
        const leaf = vm.content.$case === 'x509CertificateChain'
            ? vm.content.x509CertificateChain.certificates[0]?.rawBytes
            : vm.content.$case === 'certificate'
                ? vm.content.certificate.rawBytes
                : undefined;
        if (leaf) {
            annotations['dev.sigstore.cosign/certificate'] = core_dist.pem.fromDER(Buffer.from(leaf));
            const rest = this.lastChain.slice(1).map((c) => (c.endsWith('\n') ? c : `${c}\n`));
            if (rest.length)
                annotations['dev.sigstore.cosign/chain'] = rest.join('');
        }
        Object.assign(annotations, legacyWitnessAnnotations(vm.tlogEntries, vm.timestampVerificationData?.rfc3161Timestamps ?? []));
        return annotations;
    }
    /** The leaf certificate chain (PEM, without the leaf) from the most recent Fulcio call. */
    get certificateChainPem() {
        const rest = this.lastChain.slice(1);
        return rest.length ? rest.map((c) => (c.endsWith('\n') ? c : `${c}\n`)).join('') : undefined;
    }
    async sign(statement) {
        const payload = Buffer.from(JSON.stringify(statement), 'utf8');
        if (this.options.identity.kind === 'keyless') {
            // Ask for the token first so a missing `id-token: write` surfaces as itself, not wrapped by sigstore-js.
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
        // See keySigner: the hint goes into the verification material only, as cosign writes it.
        if (content.$case === 'publicKey' && this.options.identity.kind === 'key') {
            content.publicKey.hint = this.options.identity.key.hint;
        }
        const json = (0,bundle_dist.bundleToJSON)(bundle);
        let certificatePem;
        let certificateIdentity;
        if (content.$case === 'certificate') {
            const der = Buffer.from(content.certificate.rawBytes);
            const cert = core_dist.X509Certificate.parse(der);
            certificatePem = core_dist.pem.fromDER(der);
            certificateIdentity = certificateIdentityOf(cert);
        }
        const sig = bundle.content.dsseEnvelope.signatures[0]?.sig ?? Buffer.alloc(0);
        const vm = bundle.verificationMaterial;
        const attAnnotations = {
            'dev.cosignproject.cosign/signature': '',
            predicateType: statement.predicateType,
            ...(certificatePem ? { 'dev.sigstore.cosign/certificate': certificatePem } : {}),
            ...(certificatePem && this.certificateChainPem
                ? { 'dev.sigstore.cosign/chain': this.certificateChainPem }
                : {}),
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
                // sigstore-js puts the raw token into the parse error's message: never pass it on.
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
                return e instanceof Error ? e : new Error(String(e));
        }
    }
}
/**
 * A @sigstore/sign Signer over a local key: ECDSA P-256 / SHA-256, DER signature. The hint is left empty here:
 * @sigstore/bundle copies it into the DSSE signature's `keyid`, and cosign (go-securesystemslib) skips a signature
 * whose keyid is not its own SSH-style fingerprint of the key, so `cosign verify --key` finds no valid signature.
 * cosign writes an empty keyid and the hint only in the verification material; StatementSigner.sign does the same.
 */
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
/**
 * cosign's legacy `bundle` annotation (a Rekor SET: cosign's `RekorBundle` JSON) and RFC 3161 annotation,
 * from a bundle's witness material.
 */
function legacyWitnessAnnotations(tlogEntries, timestamps) {
    const out = {};
    const entry = tlogEntries[0];
    if (entry?.inclusionPromise) {
        out['dev.sigstore.cosign/bundle'] = JSON.stringify({
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
        out['dev.sigstore.cosign/rfc3161timestamp'] = JSON.stringify({
            SignedRFC3161Timestamp: Buffer.from(ts.signedTimestamp).toString('base64'),
        });
    }
    return out;
}

;// CONCATENATED MODULE: ./packages/sign/src/layout.ts



/** Layouts cosign reads, byte for byte where it matters (shared/docs/formats.md). */
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
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
const ANNOTATION_PREDICATE_TYPE = 'predicateType';
function sha256(bytes) {
    return `sha256:${(0,external_node_crypto_.createHash)('sha256').update(bytes).digest('hex')}`;
}
function blob(mediaType, bytes, annotations) {
    return {
        descriptor: {
            mediaType,
            digest: sha256(bytes),
            size: bytes.length,
            ...(annotations ? { annotations } : {}),
        },
        bytes,
    };
}
/** The referrers tag schema: `sha256-<hex>` for the index of referrers of a subject. */
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
/**
 * The OCI 1.1 artifact manifest `cosign sign` v3 pushes for a bundle: empty config, one layer (the
 * bundle), `subject` = the signed image, and the annotations cosign uses to filter.
 */
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
/** cosign ≤ 2.5's simple-signing payload for an image digest. */
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
/**
 * The `.sig` / `.att` image cosign ≤ 2.5 keeps under a tag: an OCI manifest whose config is the
 * go-containerregistry config of an image made of the given (uncompressed) layers.
 */
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
function emptyReferrersIndex() {
    return { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] };
}

;// CONCATENATED MODULE: ./packages/sign/src/store.ts





/** Resolves a tag or checks a digest exists; every later step uses only the returned digest. */
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
/** The manifests `recursive` covers: the index and each platform manifest (BuildKit attestation manifests excluded). */
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
/**
 * Signs an image the way cosign does: one `cosign/sign/v1` bundle per manifest (the index and, with
 * `recursive`, every platform manifest) attached as an OCI referrer, and/or cosign ≤ 2.5's `.sig` layer;
 * then one bundle per attestation on the top-level digest.
 */
async function signImage(options) {
    const logger = options.logger ?? src_logger/* silentLogger */.qq;
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
    // Every platform asked for must exist before anything is signed: no half-attested image.
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
/** Stores a signed statement as cosign v3 does: empty config, bundle layer, artifact manifest with subject. */
async function attachBundle(registry, repository, subject, signed) {
    const { manifest, layers, config } = bundleReferrerManifest(subject, signed.bytes, signed.predicateType);
    await registry.pushBlob(repository, config.bytes, config.descriptor.mediaType);
    for (const layer of layers)
        await registry.pushBlob(repository, layer.bytes, layer.descriptor.mediaType);
    const pushed = await registry.pushReferrer(repository, manifest.bytes, manifest.descriptor.mediaType);
    return { referrerDigest: pushed.digest, predicateType: signed.predicateType };
}
/**
 * Appends a layer to cosign ≤ 2.5's `.sig`/`.att` image under `tag`, as cosign does (existing signatures
 * are kept; an identical layer is not added twice). Read-modify-write: callers sign one digest at a time.
 */
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
/** Bundles stored as referrers of `digest` (referrers API, else the tag schema), with their bytes. */
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
/** The layers of one media type in a cosign ≤ 2.5 `.sig`/`.att` image under `tag`: bytes and annotations. */
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
/** cosign ≤ 2.5 signature layers under `sha256-<hex>.sig`: payload bytes and annotations. */
async function findLegacySignatures(registry, repository, digest) {
    const layers = await legacyLayers(registry, repository, legacySignatureTag(digest), SIMPLE_SIGNING);
    return layers.map((l) => ({ payload: l.bytes, annotations: l.annotations }));
}
/** cosign ≤ 2.5 attestation layers under `sha256-<hex>.att`: DSSE envelope bytes and annotations. */
async function findLegacyAttestations(registry, repository, digest) {
    const layers = await legacyLayers(registry, repository, legacyAttestationTag(digest), DSSE_ENVELOPE);
    return layers.map((l) => ({ envelope: l.bytes, annotations: l.annotations }));
}

// EXTERNAL MODULE: ./node_modules/.pnpm/tweetnacl@1.0.3/node_modules/tweetnacl/nacl-fast.js
var nacl_fast = __webpack_require__(60824);
var nacl_fast_default = /*#__PURE__*/__webpack_require__.n(nacl_fast);
;// CONCATENATED MODULE: ./packages/sign/src/keys.ts



const COSIGN_PEM_TYPE = 'ENCRYPTED COSIGN PRIVATE KEY';
const SIGSTORE_PEM_TYPE = 'ENCRYPTED SIGSTORE PRIVATE KEY';
/**
 * The scrypt parameter sets go-securesystemslib's `encrypted` package accepts (Legacy, Standard, OWASP);
 * it refuses anything else, and so do we: an attacker-chosen N would be a memory bomb.
 */
const SCRYPT_PARAMS = [
    { N: 32768, r: 8, p: 1 },
    { N: 65536, r: 8, p: 1 },
    { N: 131072, r: 8, p: 1 },
];
const STANDARD_SCRYPT = SCRYPT_PARAMS[1];
const SALT_BYTES = 32;
const KEY_BYTES = 32;
/**
 * Loads an ECDSA P-256 private key from PEM: PKCS#8 (`PRIVATE KEY`), encrypted PKCS#8
 * (`ENCRYPTED PRIVATE KEY`), SEC1 (`EC PRIVATE KEY`) or cosign's own scrypt + secretbox format
 * (`ENCRYPTED SIGSTORE PRIVATE KEY`, older `ENCRYPTED COSIGN PRIVATE KEY`). cosign.key files made
 * without a password are still encrypted, under the empty passphrase.
 */
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
        // OpenSSL reports a wrong passphrase as a decode failure; never echo the key material.
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
/** base64(sha256(SPKI DER)), the hint cosign writes into `verificationMaterial.publicKey.hint`. */
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
/** Decrypts the base64 body of a cosign PEM block to the PKCS#8 DER it protects. */
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
/**
 * Encrypts PKCS#8 DER the way `cosign generate-key-pair` does (go-securesystemslib `encrypted.Encrypt`,
 * Standard scrypt strength) and returns the PEM block cosign reads.
 */
async function encryptCosignKey(pkcs8Der, password, options = {}) {
    const params = options.params ?? STANDARD_SCRYPT;
    const salt = randomBytes(SALT_BYTES);
    const nonce = randomBytes(nacl.secretbox.nonceLength);
    const key = await scryptKey(password, salt, params);
    const ciphertext = nacl.secretbox(pkcs8Der, nonce, key);
    key.fill(0);
    const json = {
        kdf: { name: 'scrypt', params: { N: params.N, r: params.r, p: params.p }, salt: salt.toString('base64') },
        cipher: { name: 'nacl/secretbox', nonce: Buffer.from(nonce).toString('base64') },
        ciphertext: Buffer.from(ciphertext).toString('base64'),
    };
    return toPem(options.pemType ?? SIGSTORE_PEM_TYPE, Buffer.from(JSON.stringify(json)));
}
/** A new P-256 key pair in cosign's format: what `cosign generate-key-pair` writes to cosign.key/cosign.pub. */
async function generateCosignKeyPair(password) {
    const { generateKeyPairSync } = await Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 77598, 23));
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    return {
        privateKeyPem: await encryptCosignKey(der, password),
        publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    };
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
function toPem(type, der) {
    const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
    return `-----BEGIN ${type}-----\n${lines.join('\n')}\n-----END ${type}-----\n`;
}

// EXTERNAL MODULE: ./packages/sign/src/policy.ts
var policy = __webpack_require__(21442);
;// CONCATENATED MODULE: ./packages/sign/src/verify.ts









/**
 * Verifies one Sigstore bundle the way `cosign verify` v3 does for an image: bundle ≥ v0.3 with a DSSE
 * envelope, signature and key material against the trusted root and thresholds, the signer against the
 * identity policy, and an in-toto statement whose subject includes `digest`.
 */
function verifyBundle(bundleJSON, digest, options) {
    return verifyDsseBundle(parseBundle(bundleJSON), digest, options);
}
/** verifyBundle for a bundle already parsed (or assembled from cosign ≤ 2.5's `.att` layer). */
function verifyDsseBundle(bundle, digest, options) {
    const isKeyPolicy = options.policy.kind === 'key';
    const trust = trustMaterialFor(options);
    const verifier = new verify_dist/* Verifier */.BL(trust, {
        tlogThreshold: options.ignoreTlog ? 0 : (options.tlogThreshold ?? (isKeyPolicy ? 0 : 1)),
        ctlogThreshold: options.ctlogThreshold ?? 1,
        timestampThreshold: options.timestampThreshold ?? (isKeyPolicy ? 0 : 1),
    });
    const keyCase = bundle.verificationMaterial.content.$case;
    if (isKeyPolicy && keyCase !== 'publicKey') {
        throw new src_errors/* VerifyError */.G('PUBLIC_KEY_MISMATCH', 'the bundle is signed with a certificate, but a public key was required');
    }
    if (!isKeyPolicy && keyCase === 'publicKey') {
        throw new src_errors/* VerifyError */.G('IDENTITY_MISMATCH', 'the bundle is signed with a key, but a certificate identity was required');
    }
    let entity = (0,verify_dist/* toSignedEntity */.DC)(bundle);
    if (options.ignoreTlog) {
        entity = {
            ...entity,
            tlogEntries: [],
            timestamps: entity.timestamps.filter((t) => t.$case !== 'transparency-log'),
        };
    }
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
    // cosign v3 refuses v0.1/v0.2 bundles for images; so do we.
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
function trustMaterialFor(options) {
    const root = dist.TrustedRoot.fromJSON(options.trustedRoot ?? { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1' });
    const policy = options.policy;
    if (policy.kind !== 'key')
        return (0,verify_dist/* toTrustMaterial */.jO)(root);
    // Like `cosign verify --key`: the given key is the key, whatever hint the bundle carries.
    const key = loadPublicKey(policy.publicKeyPem);
    return (0,verify_dist/* toTrustMaterial */.jO)(root, () => ({
        publicKey: (0,external_node_crypto_.createPublicKey)(key.export({ format: 'pem', type: 'spki' })),
        validFor: () => true,
    }));
}
/** The signing certificate of a bundle (v0.3: `certificate`; older: the first of `x509CertificateChain`). */
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
/** Why a SLSA provenance statement's builder is not a workflow of `repository`, or undefined when it is. */
function provenanceBuilderProblem(predicate, repository) {
    const id = predicate?.runDetails?.builder
        ?.id;
    if (typeof id !== 'string')
        return 'the provenance names no builder (runDetails.builder.id)';
    const escaped = repository.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    // <server>/<owner>/<name>/.github/workflows/<file>@<ref>: the caller's workflow that ran the build.
    if (!new RegExp(`^https?://[^/]+/${escaped}/\\.github/workflows/[^@/]+@.+$`, 'i').test(id))
        return `the provenance's builder is ${id}, not a workflow of ${repository}`;
    return undefined;
}
/** A bundle or legacy layer that did not verify, as the report keeps it: where, what, and the error's code. */
function rejection(digest, e, referrerDigest, prefix = '') {
    return {
        digest,
        ...(referrerDigest ? { referrerDigest } : {}),
        reason: `${prefix}${e.message}`,
        code: e.code ?? 'UNKNOWN',
    };
}
/**
 * `cosign verify` for one image: bundles found by the referrers API or tag schema must verify against
 * the trusted root and policy and name this digest; with no bundles at all, cosign ≤ 2.5 `.sig` layers
 * are checked instead. Like cosign v3, any valid bundle counts as a signature, whatever its predicate.
 */
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
        // cosign ≤ 2.5 (and cosign v3 with --new-bundle-format=false) keeps attestations under `sha256-<hex>.att`;
        // like signatures, they are read only when the digest has no bundle at all.
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
    // Per-platform attestations (each platform's SBOM on its own manifest, as supply-chain.yml attests them):
    // a type missing on the index is satisfied only when every platform manifest has a valid one.
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
/**
 * A cosign ≤ 2.5 `.sig` layer: simple-signing payload for this digest, signature by the key or by the
 * annotated certificate (chained to the trusted root, SET checked against the Rekor key).
 */
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
    const signature = Buffer.from(annotations['dev.cosignproject.cosign/signature'] ?? '', 'base64');
    const certPem = annotations['dev.sigstore.cosign/certificate'];
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
                    algorithm: dist.HashAlgorithm.SHA2_256,
                    digest: (0,external_node_crypto_.createHash)('sha256').update(payload).digest(),
                },
                signature,
            },
        },
    };
    const verifier = new verify_dist/* Verifier */.BL(trustMaterialFor(options), {
        tlogThreshold: options.ignoreTlog ? 0 : (options.tlogThreshold ?? (isKey ? 0 : 1)),
        ctlogThreshold: options.ctlogThreshold ?? 1,
        timestampThreshold: options.timestampThreshold ?? (isKey ? 0 : 1),
    });
    let entity = (0,verify_dist/* toSignedEntity */.DC)(bundle, payload);
    if (options.ignoreTlog)
        entity = {
            ...entity,
            tlogEntries: [],
            timestamps: entity.timestamps.filter((t) => t.$case !== 'transparency-log'),
        };
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
/**
 * What the annotations of a cosign ≤ 2.5 `.sig`/`.att` layer hold, as a bundle's verification material: the
 * certificate (or nothing, for a key), the Rekor SET as a tlog entry with an inclusion promise, the RFC 3161 timestamp.
 */
function legacyVerificationMaterial(annotations) {
    const certPem = annotations['dev.sigstore.cosign/certificate'];
    const tsa = annotations['dev.sigstore.cosign/rfc3161timestamp'];
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
        tlogEntries: legacyTlogEntries(annotations['dev.sigstore.cosign/bundle']),
        timestampVerificationData: { rfc3161Timestamps },
    };
}
/** A cosign ≤ 2.5 `.att` layer (a DSSE envelope and its annotations) as the bundle it would be in v3's format. */
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
/** cosign's RekorBundle annotation → a bundle tlog entry with an inclusion promise. */
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

;// CONCATENATED MODULE: ./packages/sign/src/identity.ts


/** The audience Fulcio expects on GitHub OIDC tokens. */
const SIGSTORE_AUDIENCE = 'sigstore';
/**
 * Identity tokens from GitHub Actions OIDC (the action passes `core.getIDToken`). The runner only sets
 * ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN when the job has `permissions: id-token: write`, so their absence
 * is a workflow mistake, reported as such. The token goes to `onSecret` (the action's `core.setSecret`) as soon as
 * it is obtained. Both come from the caller: this package does not depend on the Actions toolkit.
 */
function githubIdentityProvider(options) {
    const env = options.env ?? process.env;
    const audience = options.audience ?? SIGSTORE_AUDIENCE;
    const { getIDToken, onSecret } = options;
    let cached;
    return {
        getToken: () => {
            if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
                return Promise.reject(new errors/* ConfigurationError */.j1('MISSING_PERMISSION', 'keyless signing needs a GitHub OIDC token, but this job cannot request one. ' +
                    'Add `permissions: id-token: write` to the job (and keep `contents: read`), or sign with a key instead.'));
            }
            // One token per run: Fulcio is asked once per bundle, and the runner's endpoint is rate limited.
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
/** A token obtained elsewhere (e.g. SIGSTORE_ID_TOKEN); given to `onSecret` (masked) when handed out. */
function staticIdentityProvider(token, onSecret) {
    return {
        getToken: async () => {
            onSecret(token);
            return token;
        },
    };
}
/** Unverified claims of a JWT, for reporting which identity was used (Fulcio does the real check). */
function tokenClaims(token) {
    const part = token.split('.')[1];
    if (!part)
        return {};
    try {
        return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    }
    catch {
        return {};
    }
}

;// CONCATENATED MODULE: ./packages/sign/src/commands.ts

/** cosign's `--type` names for the predicate types we write. */
const COSIGN_TYPE = {
    [src_statement/* SPDX_PREDICATE */.I$]: 'spdxjson',
    [src_statement/* CYCLONEDX_PREDICATE */.my]: 'cyclonedx',
    [src_statement/* SLSA_PROVENANCE_V1_PREDICATE */.qd]: 'slsaprovenance1',
};
/** The `cosign verify` / `cosign verify-attestation` lines a user can paste (argv quoted for a POSIX shell). */
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

// EXTERNAL MODULE: ./actions/cosign-sign/src/inputs.ts + 2 modules
var src_inputs = __webpack_require__(2573);
;// CONCATENATED MODULE: ./actions/cosign-sign/src/main.ts







async function main(inputs = (0,src_inputs/* readInputs */.K)()) {
    const logger = new src_logger/* ActionsLogger */.G4();
    const registries = (0,registry_auths/* openRegistries */.c)(inputs['registry-auths'], {
        logger,
        onSecret: (secret) => core/* setSecret */.Pq(secret),
    });
    const registry = registries.client(inputs.image.registry);
    const image = {
        registry: inputs.image.registry,
        repository: inputs.image.repository,
        tag: inputs.image.tag,
        digest: inputs.image.digest,
    };
    // A record about another image is refused before anything is signed or verified (for a tag, once resolved).
    if (image.digest)
        (0,image_record/* assertImageRecordDigest */.rj)(inputs['image-record'], image.digest);
    try {
        if (inputs.mode === 'verify') {
            // A key policy needs a trusted root only to check log entries and timestamps the user asked for.
            const trust = inputs['public-key'] && !inputs['trust-given']
                ? undefined
                : await (0,src_trust/* loadTrustedRoot */.K)(inputs.trust, logger);
            if (trust?.offline) {
                core/* warning */.$e(`Verifying with a trusted root that was not updated (${trust.source}): the TUF mirror could not be reached and tuf-offline-fallback is on`);
            }
            const result = await verifyImage({
                registry,
                image,
                recursive: inputs.recursive,
                trustedRoot: trust?.trustedRoot,
                requirePredicateTypes: inputs['require-attestations'],
                // The provenance must come from a build in the repository the signature is bound to.
                provenanceBuilderRepository: inputs['public-key'] ? undefined : inputs['source-repository'],
                policy: inputs['public-key']
                    ? { kind: 'key', publicKeyPem: inputs['public-key'] }
                    : (0,src_inputs/* certificatePolicy */.o)(inputs),
            });
            await reportVerified(inputs, result, trust?.source);
            return;
        }
        const signer = new StatementSigner({
            identity: inputs.keyless
                ? {
                    kind: 'keyless',
                    identityProvider: githubIdentityProvider({
                        getIDToken: (audience) => core/* getIDToken */.V9(audience),
                        onSecret: (secret) => core/* setSecret */.Pq(secret),
                    }),
                }
                : { kind: 'key', key: await loadSigningKey(inputs.key, inputs['key-password']) },
            instance: inputs.sigstore,
            logger,
        });
        const attestations = inputs.attestations.map((a) => {
            let text;
            try {
                text = (0,external_node_fs_.readFileSync)(a.path, 'utf8');
            }
            catch (e) {
                throw new errors/* InputError */.dz('attestations', `Cannot read ${a.path} (from "${a.source}"): ${e.message}`);
            }
            return { ...(0,src_statement/* parsePredicate */.rv)(a.type, text, a.predicateType), source: a.source, platform: a.platform };
        });
        const result = await signImage({
            registry,
            image,
            signer,
            format: inputs['signature-format'],
            recursive: inputs.recursive,
            attestations,
            dryRun: inputs['dry-run'],
            logger,
        });
        await reportSigned(inputs, result, attestations);
    }
    catch (e) {
        throw asUserFacing(e, inputs);
    }
    finally {
        registries.close();
    }
}
/** Domain failures are the user's to act on, not internal errors: give them the input they concern. */
function asUserFacing(e, inputs) {
    const witnessFailed = ['CERTIFICATE_REQUEST_FAILED', 'TIMESTAMP_FAILED', 'TLOG_FAILED'];
    if (e instanceof src_errors/* SignError */.u &&
        witnessFailed.includes(e.code) &&
        inputs.sigstore.name === 'github' &&
        inputs.sigstore.chosenBy) {
        // Never fall back to the public log on our own: that would publish a private repository's names.
        return new errors/* ConfigurationError */.j1('INVALID_CONFIGURATION', `GitHub's Sigstore instance, chosen because ${inputs.sigstore.chosenBy}, did not sign: ${e.message}. ` +
            "It serves private repositories of GitHub Enterprise Cloud organisations. To sign with the public-good instance instead — which publishes this repository's name and the image digest in the public transparency log — set `sigstore: public-good`; or sign with a `key` and `sigstore: none`", { cause: e });
    }
    if (e instanceof src_errors/* SignError */.u) {
        if (e.code === 'KEY_DECRYPT_FAILED')
            return new errors/* InputError */.dz('key-password', 'Input "key-password" does not decrypt `key`', 'INPUT_INVALID', {
                cause: e,
            });
        if (e.code === 'KEY_INVALID' || e.code === 'KEY_UNSUPPORTED')
            return new errors/* InputError */.dz('key', `Input "key": ${e.message}`, 'INPUT_INVALID', { cause: e });
        if (e.code === 'IMAGE_NOT_FOUND')
            return new errors/* InputError */.dz('image', e.message, 'INPUT_INVALID', { cause: e });
        if (e.code === 'PREDICATE_INVALID' || e.code === 'PREDICATE_TOO_LARGE')
            return new errors/* InputError */.dz('attestations', e.message, 'INPUT_INVALID', { cause: e });
        return new errors/* ConfigurationError */.j1('INVALID_CONFIGURATION', e.message, { cause: e });
    }
    if (e instanceof src_errors/* VerifyError */.G)
        return new errors/* ConfigurationError */.j1('INVALID_CONFIGURATION', `Verification failed (${e.code}): ${e.message}`, {
            cause: e,
        });
    return e;
}
/** The input record (checked against the digest the tag resolved to) or a new one about this image. */
function baseRecord(inputs, name, digest) {
    (0,image_record/* assertImageRecordDigest */.rj)(inputs['image-record'], digest);
    return inputs['image-record'] ?? { schemaVersion: record/* IMAGE_RECORD_SCHEMA_VERSION */.FV, name, digest };
}
async function reportSigned(inputs, result, attestations) {
    const ref = `${result.name}@${result.digest}`;
    const keyBased = !inputs.keyless;
    const commands = cosignVerifyCommands({
        image: ref,
        identity: result.identity,
        publicKeyPath: keyBased ? 'cosign.pub' : undefined,
        noTlog: result.tlogEntries === 0,
        trustedRootPath: inputs.sigstore.name === 'github' || inputs.sigstore.name === 'custom'
            ? 'trusted_root.json'
            : undefined,
        predicateTypes: attestations.map((a) => a.predicateType),
    });
    const bundles = Object.fromEntries(result.manifests.map((m) => [m.digest, m.bundles]));
    const record = (0,image_record/* imageRecordOutput */.yn)({
        ...baseRecord(inputs, result.name, result.digest),
        signatures: {
            format: inputs['signature-format'],
            dryRun: inputs['dry-run'],
            ...(result.identity ? { identity: result.identity } : {}),
            manifests: result.manifests.map((m) => ({
                digest: m.digest,
                mediaType: m.mediaType,
                ...(m.platform ? { platform: m.platform } : {}),
                bundles: m.bundles.map((b) => ({ referrerDigest: b.referrerDigest, predicateType: b.predicateType })),
                ...(m.legacySignatureTag ? { legacySignatureTag: m.legacySignatureTag } : {}),
                ...(m.legacyAttestationTag ? { legacyAttestationTag: m.legacyAttestationTag } : {}),
            })),
        },
    });
    setOutputs({
        digest: result.digest,
        'signed-digests': inputs['dry-run'] ? '' : result.manifests.map((m) => m.digest).join('\n'),
        bundles,
        'verify-commands': commands.join('\n'),
        'image-record': record,
    }, { json: 'json' });
    const s = new SummaryBuilder().heading(inputs['dry-run'] ? `Would sign ${result.name}` : `Signed ${result.name}`);
    if (result.resolvedFromTag)
        s.paragraph(`Tag \`${result.resolvedFromTag}\` resolved to \`${result.digest}\`; only the digest was signed.`);
    const who = result.identity?.subjectAlternativeName
        ? `${result.identity.subjectAlternativeName} (issuer ${result.identity.issuer ?? '?'})`
        : keyBased
            ? 'key'
            : 'keyless';
    s.paragraph(`Identity: ${who} · Sigstore: ${inputs.sigstore.name}${inputs.sigstore.chosenBy ? ` (auto: ${inputs.sigstore.chosenBy})` : ''} · format: ${inputs['signature-format']} · tlog entries: ${result.tlogEntries}`);
    const rows = [];
    for (const m of result.manifests) {
        for (const b of m.bundles)
            rows.push([m.platform ?? 'index/manifest', m.digest, b.predicateType, `referrer ${b.referrerDigest}`]);
        if (m.legacySignatureTag)
            rows.push([
                m.platform ?? 'index/manifest',
                m.digest,
                'cosign ≤ 2.5 signature',
                `tag ${m.legacySignatureTag}`,
            ]);
        if (m.legacyAttestationTag)
            rows.push([
                m.platform ?? 'index/manifest',
                m.digest,
                'cosign ≤ 2.5 attestations',
                `tag ${m.legacyAttestationTag}`,
            ]);
        if (inputs['dry-run'])
            rows.push([m.platform ?? 'index/manifest', m.digest, 'would sign', '']);
    }
    s.table(['manifest', 'digest', 'what', 'stored as'], rows);
    s.paragraph('Verify with:').code(commands.join('\n'), 'sh');
    await s.write();
}
async function reportVerified(inputs, result, trustSource) {
    const signers = [
        ...new Set(result.manifests.flatMap((m) => m.signatures.map((x) => x.signer.subjectAlternativeName ?? x.signer.publicKeyHint ?? 'key'))),
    ];
    setOutputs({
        digest: result.digest,
        verified: true,
        'signed-digests': result.manifests.map((m) => m.digest).join('\n'),
        attestations: result.attestations.map((a) => a.predicateType),
        signers,
        'image-record': (0,image_record/* imageRecordOutput */.yn)({
            ...baseRecord(inputs, result.name, result.digest),
            verification: {
                verified: true,
                signers,
                attestations: [...new Set(result.attestations.map((a) => a.predicateType))],
                manifests: result.manifests.map((m) => ({
                    digest: m.digest,
                    ...(m.platform ? { platform: m.platform } : {}),
                    predicateTypes: [...new Set(m.signatures.map((x) => x.predicateType))],
                })),
                rejected: result.rejected.length,
            },
        }),
    }, { json: 'json' });
    const s = new SummaryBuilder().heading(`Verified ${result.name}@${result.digest}`);
    if (trustSource)
        s.paragraph(`Trusted root: ${trustSource}`);
    s.table(['manifest', 'digest', 'signatures', 'signer'], result.manifests.map((m) => [
        m.platform ?? 'index/manifest',
        m.digest,
        m.signatures.map((x) => `${x.source}: ${x.predicateType}`).join(', '),
        m.signatures.map((x) => x.signer.subjectAlternativeName ?? x.signer.publicKeyHint ?? 'key').join(', '),
    ]));
    if (result.rejected.length)
        s.details(`${result.rejected.length} bundle(s) rejected`, result.rejected.map((r) => `- ${r.referrerDigest ?? r.digest}: ${r.reason}`).join('\n'));
    await s.write();
}


/***/ })

};
