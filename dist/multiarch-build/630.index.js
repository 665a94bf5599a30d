export const id = 630;
export const ids = [630];
export const modules = {

/***/ 70630:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  main: () => (/* binding */ main)
});

// EXTERNAL MODULE: ./node_modules/.pnpm/@actions+core@3.0.1_patch_hash=d0b80bc56d6f80bc514f67ef975951fbda464788b3aa5d8fb603b456c85c83ad/node_modules/@actions/core/lib/core.js + 15 modules
var core = __webpack_require__(90644);
;// CONCATENATED MODULE: ./packages/action-kit/src/logger.ts

class ActionsLogger {
    debug(message) {
        core/* debug */.Yz(message);
    }
    info(message) {
        core/* info */.pq(message);
    }
    warning(message) {
        core/* warning */.$e(message);
    }
    error(message) {
        core/* error */.z3(message);
    }
    group(title, fn) {
        return core/* group */.Os(title, fn);
    }
}
const silentLogger = {
    debug() { },
    info() { },
    warning() { },
    error() { },
    group: (_title, fn) => fn(),
};

;// CONCATENATED MODULE: ./packages/image-record/src/validate.generated.ts
const validate = validate20;
/* harmony default export */ const validate_generated = ((/* unused pure expression or super */ null && (validate20)));
const schema31 = { "$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "https://github.com/deliverkit/deliverkit/schemas/image-record.schema.json", "title": "deliverkit image record", "description": "The hand-off between deliverkit's actions and workflows: one image, by digest, and what each step did to it. multiarch-build writes it; sbom, cosign-sign and multi-registry-push read it, add their part and write it again. It must stay under GitHub's 1 MB job-output limit: writers drop the detail named in `omitted` first.", "type": "object", "required": ["schemaVersion", "name", "digest"], "additionalProperties": false, "properties": { "schemaVersion": { "description": "1 for this schema. A reader refuses a version it does not know.", "const": 1 }, "name": { "description": "The repository the image was built into or first read from: registry/repository, no tag or digest.", "$ref": "#/$defs/repository" }, "digest": { "description": "The image: an index digest for a multi-platform image, else a manifest digest.", "$ref": "#/$defs/digest" }, "mediaType": { "$ref": "#/$defs/mediaType" }, "tags": { "description": "Tags pushed with the build, without the repository.", "type": "array", "maxItems": 1000, "items": { "$ref": "#/$defs/tag" } }, "platforms": { "description": "Per platform (os/arch[/variant]) of the image: its manifest digest and the SBOM files made for it.", "type": "object", "maxProperties": 64, "propertyNames": { "$ref": "#/$defs/platform" }, "additionalProperties": { "$ref": "#/$defs/platformRecord" } }, "build": { "description": "How the image was built (multiarch-build).", "type": "object", "required": ["builder"], "additionalProperties": false, "properties": { "builder": { "enum": ["buildx", "buildah", "none"] }, "mode": { "description": "multi: every platform in one build; single: one platform, a bare manifest; merge: an index assembled from per-platform builds.", "enum": ["multi", "single", "merge"] }, "source": { "$ref": "#/$defs/text" }, "provenance": { "description": "Path of the SLSA provenance file the build wrote, when it wrote one.", "$ref": "#/$defs/text" } } }, "sbom": { "description": "Which engine made the SBOMs listed per platform (sbom).", "type": "object", "required": ["engine"], "additionalProperties": false, "properties": { "engine": { "enum": ["native", "syft"] }, "artifact": { "description": "The workflow artifact holding the SBOM files.", "$ref": "#/$defs/text" } } }, "signatures": { "description": "What cosign-sign signed and attached, per manifest (the index and, when recursive, each platform).", "type": "object", "required": ["format", "manifests", "dryRun"], "additionalProperties": false, "properties": { "format": { "enum": ["bundle", "legacy", "both"] }, "dryRun": { "type": "boolean" }, "identity": { "$ref": "#/$defs/identity" }, "manifests": { "type": "array", "maxItems": 256, "items": { "type": "object", "required": ["digest", "bundles"], "additionalProperties": false, "properties": { "digest": { "$ref": "#/$defs/digest" }, "mediaType": { "$ref": "#/$defs/mediaType" }, "platform": { "$ref": "#/$defs/platform" }, "bundles": { "type": "array", "maxItems": 256, "items": { "type": "object", "required": ["referrerDigest", "predicateType"], "additionalProperties": false, "properties": { "referrerDigest": { "$ref": "#/$defs/digest" }, "predicateType": { "$ref": "#/$defs/text" } } } }, "legacySignatureTag": { "$ref": "#/$defs/tag" }, "legacyAttestationTag": { "$ref": "#/$defs/tag" } } } } } }, "verification": { "description": "What cosign-sign verified (mode verify): the signers and attestation types that passed the policy.", "type": "object", "required": ["verified", "signers", "attestations", "manifests"], "additionalProperties": false, "properties": { "verified": { "const": true }, "signers": { "type": "array", "maxItems": 256, "items": { "$ref": "#/$defs/text" } }, "attestations": { "type": "array", "maxItems": 256, "items": { "$ref": "#/$defs/text" } }, "manifests": { "type": "array", "maxItems": 256, "items": { "type": "object", "required": ["digest", "predicateTypes"], "additionalProperties": false, "properties": { "digest": { "$ref": "#/$defs/digest" }, "platform": { "$ref": "#/$defs/platform" }, "predicateTypes": { "type": "array", "maxItems": 256, "items": { "$ref": "#/$defs/text" } } } } }, "rejected": { "description": "How many bundles were found but did not verify (details are in the step's log and summary).", "type": "integer", "minimum": 0 } } }, "destinations": { "description": "Per repository (registry/repository) the image was pushed or copied to.", "type": "object", "maxProperties": 64, "propertyNames": { "$ref": "#/$defs/repository" }, "additionalProperties": { "$ref": "#/$defs/destination" } }, "omitted": { "description": "Fields a writer left out so the record stays under GitHub's 1 MB job-output limit.", "type": "array", "maxItems": 64, "items": { "$ref": "#/$defs/text" } } }, "$defs": { "digest": { "type": "string", "pattern": "^sha256:[0-9a-f]{64}$" }, "mediaType": { "type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$" }, "repository": { "type": "string", "pattern": "^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\\.[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[0-9]{1,5})?(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*){0,16}$" }, "tag": { "type": "string", "pattern": "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$" }, "platform": { "type": "string", "pattern": "^[a-z0-9_.-]{1,32}/[a-z0-9_.-]{1,32}(?:/[a-z0-9_.-]{1,32})?$" }, "text": { "type": "string", "pattern": "^[\\s\\S]{1,4096}$" }, "identity": { "type": "object", "additionalProperties": false, "properties": { "subjectAlternativeName": { "$ref": "#/$defs/text" }, "issuer": { "$ref": "#/$defs/text" }, "publicKeyHint": { "$ref": "#/$defs/text" } } }, "platformRecord": { "type": "object", "required": ["digest"], "additionalProperties": false, "properties": { "digest": { "$ref": "#/$defs/digest" }, "sboms": { "description": "SBOM file per format (spdx-json, cyclonedx-json), relative to the workspace or in the `sbom.artifact`.", "type": "object", "maxProperties": 8, "propertyNames": { "enum": ["spdx-json", "cyclonedx-json"] }, "additionalProperties": { "$ref": "#/$defs/text" } } } }, "destination": { "type": "object", "required": ["digest", "tags", "status"], "additionalProperties": false, "properties": { "digest": { "$ref": "#/$defs/digest" }, "tags": { "type": "array", "maxItems": 1000, "items": { "$ref": "#/$defs/tag" } }, "references": { "description": "name@digest and name:tag for each tag (convenience for the next step).", "type": "array", "maxItems": 1001, "items": { "$ref": "#/$defs/text" } }, "status": { "enum": ["pushed", "copied", "unchanged", "planned", "failed"] }, "error": { "$ref": "#/$defs/text" }, "blobs": { "type": "object", "additionalProperties": false, "required": ["uploaded", "mounted", "skipped"], "properties": { "uploaded": { "$ref": "#/$defs/count" }, "mounted": { "$ref": "#/$defs/count" }, "skipped": { "$ref": "#/$defs/count" } } }, "manifests": { "type": "object", "additionalProperties": false, "required": ["pushed", "skipped"], "properties": { "pushed": { "$ref": "#/$defs/count" }, "skipped": { "$ref": "#/$defs/count" } } }, "bytesUploaded": { "$ref": "#/$defs/count" }, "referrers": { "$ref": "#/$defs/count" }, "referrersCopied": { "$ref": "#/$defs/count" }, "durationMs": { "$ref": "#/$defs/count" } } }, "count": { "type": "integer", "minimum": 0 } } };
const schema32 = { "type": "string", "pattern": "^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\\.[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[0-9]{1,5})?(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*){0,16}$" };
const schema33 = { "type": "string", "pattern": "^sha256:[0-9a-f]{64}$" };
const schema34 = { "type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$" };
const schema35 = { "type": "string", "pattern": "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$" };
const schema36 = { "type": "string", "pattern": "^[a-z0-9_.-]{1,32}/[a-z0-9_.-]{1,32}(?:/[a-z0-9_.-]{1,32})?$" };
const schema39 = { "type": "string", "pattern": "^[\\s\\S]{1,4096}$" };
const func1 = Object.prototype.hasOwnProperty;
const pattern4 = new RegExp("^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\\.[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[0-9]{1,5})?(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*){0,16}$", "u");
const pattern5 = new RegExp("^sha256:[0-9a-f]{64}$", "u");
const pattern6 = new RegExp("^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$", "u");
const pattern7 = new RegExp("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", "u");
const pattern8 = new RegExp("^[a-z0-9_.-]{1,32}/[a-z0-9_.-]{1,32}(?:/[a-z0-9_.-]{1,32})?$", "u");
const pattern10 = new RegExp("^[\\s\\S]{1,4096}$", "u");
const schema37 = { "type": "object", "required": ["digest"], "additionalProperties": false, "properties": { "digest": { "$ref": "#/$defs/digest" }, "sboms": { "description": "SBOM file per format (spdx-json, cyclonedx-json), relative to the workspace or in the `sbom.artifact`.", "type": "object", "maxProperties": 8, "propertyNames": { "enum": ["spdx-json", "cyclonedx-json"] }, "additionalProperties": { "$ref": "#/$defs/text" } } } };
function validate21(data, { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {}) { let vErrors = null; let errors = 0; const evaluated0 = validate21.evaluated; if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
} if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
} if (errors === 0) {
    if (data && typeof data == "object" && !Array.isArray(data)) {
        let missing0;
        if ((data.digest === undefined) && (missing0 = "digest")) {
            validate21.errors = [{ instancePath, schemaPath: "#/required", keyword: "required", params: { missingProperty: missing0 }, message: "must have required property '" + missing0 + "'" }];
            return false;
        }
        else {
            const _errs1 = errors;
            for (const key0 in data) {
                if (!((key0 === "digest") || (key0 === "sboms"))) {
                    validate21.errors = [{ instancePath, schemaPath: "#/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: key0 }, message: "must NOT have additional properties" }];
                    return false;
                    break;
                }
            }
            if (_errs1 === errors) {
                if (data.digest !== undefined) {
                    let data0 = data.digest;
                    const _errs2 = errors;
                    const _errs3 = errors;
                    if (errors === _errs3) {
                        if (typeof data0 === "string") {
                            if (!pattern5.test(data0)) {
                                validate21.errors = [{ instancePath: instancePath + "/digest", schemaPath: "#/$defs/digest/pattern", keyword: "pattern", params: { pattern: "^sha256:[0-9a-f]{64}$" }, message: "must match pattern \"" + "^sha256:[0-9a-f]{64}$" + "\"" }];
                                return false;
                            }
                        }
                        else {
                            validate21.errors = [{ instancePath: instancePath + "/digest", schemaPath: "#/$defs/digest/type", keyword: "type", params: { type: "string" }, message: "must be string" }];
                            return false;
                        }
                    }
                    var valid0 = _errs2 === errors;
                }
                else {
                    var valid0 = true;
                }
                if (valid0) {
                    if (data.sboms !== undefined) {
                        let data1 = data.sboms;
                        const _errs5 = errors;
                        if (errors === _errs5) {
                            if (data1 && typeof data1 == "object" && !Array.isArray(data1)) {
                                if (Object.keys(data1).length > 8) {
                                    validate21.errors = [{ instancePath: instancePath + "/sboms", schemaPath: "#/properties/sboms/maxProperties", keyword: "maxProperties", params: { limit: 8 }, message: "must NOT have more than 8 properties" }];
                                    return false;
                                }
                                else {
                                    for (const key1 in data1) {
                                        const _errs7 = errors;
                                        if (!((key1 === "spdx-json") || (key1 === "cyclonedx-json"))) {
                                            const err0 = { instancePath: instancePath + "/sboms", schemaPath: "#/properties/sboms/propertyNames/enum", keyword: "enum", params: { allowedValues: schema37.properties.sboms.propertyNames.enum }, message: "must be equal to one of the allowed values", propertyName: key1 };
                                            if (vErrors === null) {
                                                vErrors = [err0];
                                            }
                                            else {
                                                vErrors.push(err0);
                                            }
                                            errors++;
                                        }
                                        var valid2 = _errs7 === errors;
                                        if (!valid2) {
                                            const err1 = { instancePath: instancePath + "/sboms", schemaPath: "#/properties/sboms/propertyNames", keyword: "propertyNames", params: { propertyName: key1 }, message: "property name must be valid" };
                                            if (vErrors === null) {
                                                vErrors = [err1];
                                            }
                                            else {
                                                vErrors.push(err1);
                                            }
                                            errors++;
                                            validate21.errors = vErrors;
                                            return false;
                                            break;
                                        }
                                    }
                                    if (valid2) {
                                        for (const key2 in data1) {
                                            let data2 = data1[key2];
                                            const _errs9 = errors;
                                            const _errs10 = errors;
                                            if (errors === _errs10) {
                                                if (typeof data2 === "string") {
                                                    if (!pattern10.test(data2)) {
                                                        validate21.errors = [{ instancePath: instancePath + "/sboms/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"), schemaPath: "#/$defs/text/pattern", keyword: "pattern", params: { pattern: "^[\\s\\S]{1,4096}$" }, message: "must match pattern \"" + "^[\\s\\S]{1,4096}$" + "\"" }];
                                                        return false;
                                                    }
                                                }
                                                else {
                                                    validate21.errors = [{ instancePath: instancePath + "/sboms/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"), schemaPath: "#/$defs/text/type", keyword: "type", params: { type: "string" }, message: "must be string" }];
                                                    return false;
                                                }
                                            }
                                            var valid3 = _errs9 === errors;
                                            if (!valid3) {
                                                break;
                                            }
                                        }
                                    }
                                }
                            }
                            else {
                                validate21.errors = [{ instancePath: instancePath + "/sboms", schemaPath: "#/properties/sboms/type", keyword: "type", params: { type: "object" }, message: "must be object" }];
                                return false;
                            }
                        }
                        var valid0 = _errs5 === errors;
                    }
                    else {
                        var valid0 = true;
                    }
                }
            }
        }
    }
    else {
        validate21.errors = [{ instancePath, schemaPath: "#/type", keyword: "type", params: { type: "object" }, message: "must be object" }];
        return false;
    }
} validate21.errors = vErrors; return errors === 0; }
validate21.evaluated = { "props": true, "dynamicProps": false, "dynamicItems": false };
const schema43 = { "type": "object", "additionalProperties": false, "properties": { "subjectAlternativeName": { "$ref": "#/$defs/text" }, "issuer": { "$ref": "#/$defs/text" }, "publicKeyHint": { "$ref": "#/$defs/text" } } };
function validate23(data, { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {}) { let vErrors = null; let errors = 0; const evaluated0 = validate23.evaluated; if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
} if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
} if (errors === 0) {
    if (data && typeof data == "object" && !Array.isArray(data)) {
        const _errs1 = errors;
        for (const key0 in data) {
            if (!(((key0 === "subjectAlternativeName") || (key0 === "issuer")) || (key0 === "publicKeyHint"))) {
                validate23.errors = [{ instancePath, schemaPath: "#/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: key0 }, message: "must NOT have additional properties" }];
                return false;
                break;
            }
        }
        if (_errs1 === errors) {
            if (data.subjectAlternativeName !== undefined) {
                let data0 = data.subjectAlternativeName;
                const _errs2 = errors;
                const _errs3 = errors;
                if (errors === _errs3) {
                    if (typeof data0 === "string") {
                        if (!pattern10.test(data0)) {
                            validate23.errors = [{ instancePath: instancePath + "/subjectAlternativeName", schemaPath: "#/$defs/text/pattern", keyword: "pattern", params: { pattern: "^[\\s\\S]{1,4096}$" }, message: "must match pattern \"" + "^[\\s\\S]{1,4096}$" + "\"" }];
                            return false;
                        }
                    }
                    else {
                        validate23.errors = [{ instancePath: instancePath + "/subjectAlternativeName", schemaPath: "#/$defs/text/type", keyword: "type", params: { type: "string" }, message: "must be string" }];
                        return false;
                    }
                }
                var valid0 = _errs2 === errors;
            }
            else {
                var valid0 = true;
            }
            if (valid0) {
                if (data.issuer !== undefined) {
                    let data1 = data.issuer;
                    const _errs5 = errors;
                    const _errs6 = errors;
                    if (errors === _errs6) {
                        if (typeof data1 === "string") {
                            if (!pattern10.test(data1)) {
                                validate23.errors = [{ instancePath: instancePath + "/issuer", schemaPath: "#/$defs/text/pattern", keyword: "pattern", params: { pattern: "^[\\s\\S]{1,4096}$" }, message: "must match pattern \"" + "^[\\s\\S]{1,4096}$" + "\"" }];
                                return false;
                            }
                        }
                        else {
                            validate23.errors = [{ instancePath: instancePath + "/issuer", schemaPath: "#/$defs/text/type", keyword: "type", params: { type: "string" }, message: "must be string" }];
                            return false;
                        }
                    }
                    var valid0 = _errs5 === errors;
                }
                else {
                    var valid0 = true;
                }
                if (valid0) {
                    if (data.publicKeyHint !== undefined) {
                        let data2 = data.publicKeyHint;
                        const _errs8 = errors;
                        const _errs9 = errors;
                        if (errors === _errs9) {
                            if (typeof data2 === "string") {
                                if (!pattern10.test(data2)) {
                                    validate23.errors = [{ instancePath: instancePath + "/publicKeyHint", schemaPath: "#/$defs/text/pattern", keyword: "pattern", params: { pattern: "^[\\s\\S]{1,4096}$" }, message: "must match pattern \"" + "^[\\s\\S]{1,4096}$" + "\"" }];
                                    return false;
                                }
                            }
                            else {
                                validate23.errors = [{ instancePath: instancePath + "/publicKeyHint", schemaPath: "#/$defs/text/type", keyword: "type", params: { type: "string" }, message: "must be string" }];
                                return false;
                            }
                        }
                        var valid0 = _errs8 === errors;
                    }
                    else {
                        var valid0 = true;
                    }
                }
            }
        }
    }
    else {
        validate23.errors = [{ instancePath, schemaPath: "#/type", keyword: "type", params: { type: "object" }, message: "must be object" }];
        return false;
    }
} validate23.errors = vErrors; return errors === 0; }
validate23.evaluated = { "props": true, "dynamicProps": false, "dynamicItems": false };
const schema60 = { "type": "object", "required": ["digest", "tags", "status"], "additionalProperties": false, "properties": { "digest": { "$ref": "#/$defs/digest" }, "tags": { "type": "array", "maxItems": 1000, "items": { "$ref": "#/$defs/tag" } }, "references": { "description": "name@digest and name:tag for each tag (convenience for the next step).", "type": "array", "maxItems": 1001, "items": { "$ref": "#/$defs/text" } }, "status": { "enum": ["pushed", "copied", "unchanged", "planned", "failed"] }, "error": { "$ref": "#/$defs/text" }, "blobs": { "type": "object", "additionalProperties": false, "required": ["uploaded", "mounted", "skipped"], "properties": { "uploaded": { "$ref": "#/$defs/count" }, "mounted": { "$ref": "#/$defs/count" }, "skipped": { "$ref": "#/$defs/count" } } }, "manifests": { "type": "object", "additionalProperties": false, "required": ["pushed", "skipped"], "properties": { "pushed": { "$ref": "#/$defs/count" }, "skipped": { "$ref": "#/$defs/count" } } }, "bytesUploaded": { "$ref": "#/$defs/count" }, "referrers": { "$ref": "#/$defs/count" }, "referrersCopied": { "$ref": "#/$defs/count" }, "durationMs": { "$ref": "#/$defs/count" } } };
const schema65 = { "type": "integer", "minimum": 0 };
function validate25(data, { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {}) { let vErrors = null; let errors = 0; const evaluated0 = validate25.evaluated; if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
} if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
} if (errors === 0) {
    if (data && typeof data == "object" && !Array.isArray(data)) {
        let missing0;
        if ((((data.digest === undefined) && (missing0 = "digest")) || ((data.tags === undefined) && (missing0 = "tags"))) || ((data.status === undefined) && (missing0 = "status"))) {
            validate25.errors = [{ instancePath, schemaPath: "#/required", keyword: "required", params: { missingProperty: missing0 }, message: "must have required property '" + missing0 + "'" }];
            return false;
        }
        else {
            const _errs1 = errors;
            for (const key0 in data) {
                if (!(func1.call(schema60.properties, key0))) {
                    validate25.errors = [{ instancePath, schemaPath: "#/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: key0 }, message: "must NOT have additional properties" }];
                    return false;
                    break;
                }
            }
            if (_errs1 === errors) {
                if (data.digest !== undefined) {
                    let data0 = data.digest;
                    const _errs2 = errors;
                    const _errs3 = errors;
                    if (errors === _errs3) {
                        if (typeof data0 === "string") {
                            if (!pattern5.test(data0)) {
                                validate25.errors = [{ instancePath: instancePath + "/digest", schemaPath: "#/$defs/digest/pattern", keyword: "pattern", params: { pattern: "^sha256:[0-9a-f]{64}$" }, message: "must match pattern \"" + "^sha256:[0-9a-f]{64}$" + "\"" }];
                                return false;
                            }
                        }
                        else {
                            validate25.errors = [{ instancePath: instancePath + "/digest", schemaPath: "#/$defs/digest/type", keyword: "type", params: { type: "string" }, message: "must be string" }];
                            return false;
                        }
                    }
                    var valid0 = _errs2 === errors;
                }
                else {
                    var valid0 = true;
                }
                if (valid0) {
                    if (data.tags !== undefined) {
                        let data1 = data.tags;
                        const _errs5 = errors;
                        if (errors === _errs5) {
                            if (Array.isArray(data1)) {
                                if (data1.length > 1000) {
                                    validate25.errors = [{ instancePath: instancePath + "/tags", schemaPath: "#/properties/tags/maxItems", keyword: "maxItems", params: { limit: 1000 }, message: "must NOT have more than 1000 items" }];
                                    return false;
                                }
                                else {
                                    var valid2 = true;
                                    const len0 = data1.length;
                                    for (let i0 = 0; i0 < len0; i0++) {
                                        let data2 = data1[i0];
                                        const _errs7 = errors;
                                        const _errs8 = errors;
                                        if (errors === _errs8) {
                                            if (typeof data2 === "string") {
                                                if (!pattern7.test(data2)) {
                                                    validate25.errors = [{ instancePath: instancePath + "/tags/" + i0, schemaPath: "#/$defs/tag/pattern", keyword: "pattern", params: { pattern: "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$" }, message: "must match pattern \"" + "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$" + "\"" }];
                                                    return false;
                                                }
                                            }
                                            else {
                                                validate25.errors = [{ instancePath: instancePath + "/tags/" + i0, schemaPath: "#/$defs/tag/type", keyword: "type", params: { type: "string" }, message: "must be string" }];
                                                return false;
                                            }
                                        }
                                        var valid2 = _errs7 === errors;
                                        if (!valid2) {
                                            break;
                                        }
                                    }
                                }
                            }
                            else {
                                validate25.errors = [{ instancePath: instancePath + "/tags", schemaPath: "#/properties/tags/type", keyword: "type", params: { type: "array" }, message: "must be array" }];
                                return false;
                            }
                        }
                        var valid0 = _errs5 === errors;
                    }
                    else {
                        var valid0 = true;
                    }
                    if (valid0) {
                        if (data.references !== undefined) {
                            let data3 = data.references;
                            const _errs10 = errors;
                            if (errors === _errs10) {
                                if (Array.isArray(data3)) {
                                    if (data3.length > 1001) {
                                        validate25.errors = [{ instancePath: instancePath + "/references", schemaPath: "#/properties/references/maxItems", keyword: "maxItems", params: { limit: 1001 }, message: "must NOT have more than 1001 items" }];
                                        return false;
                                    }
                                    else {
                                        var valid4 = true;
                                        const len1 = data3.length;
                                        for (let i1 = 0; i1 < len1; i1++) {
                                            let data4 = data3[i1];
                                            const _errs12 = errors;
                                            const _errs13 = errors;
                                            if (errors === _errs13) {
                                                if (typeof data4 === "string") {
                                                    if (!pattern10.test(data4)) {
                                                        validate25.errors = [{ instancePath: instancePath + "/references/" + i1, schemaPath: "#/$defs/text/pattern", keyword: "pattern", params: { pattern: "^[\\s\\S]{1,4096}$" }, message: "must match pattern \"" + "^[\\s\\S]{1,4096}$" + "\"" }];
                                                        return false;
                                                    }
                                                }
                                                else {
                                                    validate25.errors = [{ instancePath: instancePath + "/references/" + i1, schemaPath: "#/$defs/text/type", keyword: "type", params: { type: "string" }, message: "must be string" }];
                                                    return false;
                                                }
                                            }
                                            var valid4 = _errs12 === errors;
                                            if (!valid4) {
                                                break;
                                            }
                                        }
                                    }
                                }
                                else {
                                    validate25.errors = [{ instancePath: instancePath + "/references", schemaPath: "#/properties/references/type", keyword: "type", params: { type: "array" }, message: "must be array" }];
                                    return false;
                                }
                            }
                            var valid0 = _errs10 === errors;
                        }
                        else {
                            var valid0 = true;
                        }
                        if (valid0) {
                            if (data.status !== undefined) {
                                let data5 = data.status;
                                const _errs15 = errors;
                                if (!(((((data5 === "pushed") || (data5 === "copied")) || (data5 === "unchanged")) || (data5 === "planned")) || (data5 === "failed"))) {
                                    validate25.errors = [{ instancePath: instancePath + "/status", schemaPath: "#/properties/status/enum", keyword: "enum", params: { allowedValues: schema60.properties.status.enum }, message: "must be equal to one of the allowed values" }];
                                    return false;
                                }
                                var valid0 = _errs15 === errors;
                            }
                            else {
                                var valid0 = true;
                            }
                            if (valid0) {
                                if (data.error !== undefined) {
                                    let data6 = data.error;
                                    const _errs16 = errors;
                                    const _errs17 = errors;
                                    if (errors === _errs17) {
                                        if (typeof data6 === "string") {
                                            if (!pattern10.test(data6)) {
                                                validate25.errors = [{ instancePath: instancePath + "/error", schemaPath: "#/$defs/text/pattern", keyword: "pattern", params: { pattern: "^[\\s\\S]{1,4096}$" }, message: "must match pattern \"" + "^[\\s\\S]{1,4096}$" + "\"" }];
                                                return false;
                                            }
                                        }
                                        else {
                                            validate25.errors = [{ instancePath: instancePath + "/error", schemaPath: "#/$defs/text/type", keyword: "type", params: { type: "string" }, message: "must be string" }];
                                            return false;
                                        }
                                    }
                                    var valid0 = _errs16 === errors;
                                }
                                else {
                                    var valid0 = true;
                                }
                                if (valid0) {
                                    if (data.blobs !== undefined) {
                                        let data7 = data.blobs;
                                        const _errs19 = errors;
                                        if (errors === _errs19) {
                                            if (data7 && typeof data7 == "object" && !Array.isArray(data7)) {
                                                let missing1;
                                                if ((((data7.uploaded === undefined) && (missing1 = "uploaded")) || ((data7.mounted === undefined) && (missing1 = "mounted"))) || ((data7.skipped === undefined) && (missing1 = "skipped"))) {
                                                    validate25.errors = [{ instancePath: instancePath + "/blobs", schemaPath: "#/properties/blobs/required", keyword: "required", params: { missingProperty: missing1 }, message: "must have required property '" + missing1 + "'" }];
                                                    return false;
                                                }
                                                else {
                                                    const _errs21 = errors;
                                                    for (const key1 in data7) {
                                                        if (!(((key1 === "uploaded") || (key1 === "mounted")) || (key1 === "skipped"))) {
                                                            validate25.errors = [{ instancePath: instancePath + "/blobs", schemaPath: "#/properties/blobs/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: key1 }, message: "must NOT have additional properties" }];
                                                            return false;
                                                            break;
                                                        }
                                                    }
                                                    if (_errs21 === errors) {
                                                        if (data7.uploaded !== undefined) {
                                                            let data8 = data7.uploaded;
                                                            const _errs22 = errors;
                                                            const _errs23 = errors;
                                                            if (!(((typeof data8 == "number") && (!(data8 % 1) && !isNaN(data8))) && (isFinite(data8)))) {
                                                                validate25.errors = [{ instancePath: instancePath + "/blobs/uploaded", schemaPath: "#/$defs/count/type", keyword: "type", params: { type: "integer" }, message: "must be integer" }];
                                                                return false;
                                                            }
                                                            if (errors === _errs23) {
                                                                if ((typeof data8 == "number") && (isFinite(data8))) {
                                                                    if (data8 < 0 || isNaN(data8)) {
                                                                        validate25.errors = [{ instancePath: instancePath + "/blobs/uploaded", schemaPath: "#/$defs/count/minimum", keyword: "minimum", params: { comparison: ">=", limit: 0 }, message: "must be >= 0" }];
                                                                        return false;
                                                                    }
                                                                }
                                                            }
                                                            var valid7 = _errs22 === errors;
                                                        }
                                                        else {
                                                            var valid7 = true;
                                                        }
                                                        if (valid7) {
                                                            if (data7.mounted !== undefined) {
                                                                let data9 = data7.mounted;
                                                                const _errs25 = errors;
                                                                const _errs26 = errors;
                                                                if (!(((typeof data9 == "number") && (!(data9 % 1) && !isNaN(data9))) && (isFinite(data9)))) {
                                                                    validate25.errors = [{ instancePath: instancePath + "/blobs/mounted", schemaPath: "#/$defs/count/type", keyword: "type", params: { type: "integer" }, message: "must be integer" }];
                                                                    return false;
                                                                }
                                                                if (errors === _errs26) {
                                                                    if ((typeof data9 == "number") && (isFinite(data9))) {
                                                                        if (data9 < 0 || isNaN(data9)) {
                                                                            validate25.errors = [{ instancePath: instancePath + "/blobs/mounted", schemaPath: "#/$defs/count/minimum", keyword: "minimum", params: { comparison: ">=", limit: 0 }, message: "must be >= 0" }];
                                                                            return false;
                                                                        }
                                                                    }
                                                                }
                                                                var valid7 = _errs25 === errors;
                                                            }
                                                            else {
                                                                var valid7 = true;
                                                            }
                                                            if (valid7) {
                                                                if (data7.skipped !== undefined) {
                                                                    let data10 = data7.skipped;
                                                                    const _errs28 = errors;
                                                                    const _errs29 = errors;
                                                                    if (!(((typeof data10 == "number") && (!(data10 % 1) && !isNaN(data10))) && (isFinite(data10)))) {
                                                                        validate25.errors = [{ instancePath: instancePath + "/blobs/skipped", schemaPath: "#/$defs/count/type", keyword: "type", params: { type: "integer" }, message: "must be integer" }];
                                                                        return false;
                                                                    }
                                                                    if (errors === _errs29) {
                                                                        if ((typeof data10 == "number") && (isFinite(data10))) {
                                                                            if (data10 < 0 || isNaN(data10)) {
                                                                                validate25.errors = [{ instancePath: instancePath + "/blobs/skipped", schemaPath: "#/$defs/count/minimum", keyword: "minimum", params: { comparison: ">=", limit: 0 }, message: "must be >= 0" }];
                                                                                return false;
                                                                            }
                                                                        }
                                                                    }
                                                                    var valid7 = _errs28 === errors;
                                                                }
                                                                else {
                                                                    var valid7 = true;
                                                                }
                                                            }
                                                        }
                                                    }
                                                }
                                            }
                                            else {
                                                validate25.errors = [{ instancePath: instancePath + "/blobs", schemaPath: "#/properties/blobs/type", keyword: "type", params: { type: "object" }, message: "must be object" }];
                                                return false;
                                            }
                                        }
                                        var valid0 = _errs19 === errors;
                                    }
                                    else {
                                        var valid0 = true;
                                    }
                                    if (valid0) {
                                        if (data.manifests !== undefined) {
                                            let data11 = data.manifests;
                                            const _errs31 = errors;
                                            if (errors === _errs31) {
                                                if (data11 && typeof data11 == "object" && !Array.isArray(data11)) {
                                                    let missing2;
                                                    if (((data11.pushed === undefined) && (missing2 = "pushed")) || ((data11.skipped === undefined) && (missing2 = "skipped"))) {
                                                        validate25.errors = [{ instancePath: instancePath + "/manifests", schemaPath: "#/properties/manifests/required", keyword: "required", params: { missingProperty: missing2 }, message: "must have required property '" + missing2 + "'" }];
                                                        return false;
                                                    }
                                                    else {
                                                        const _errs33 = errors;
                                                        for (const key2 in data11) {
                                                            if (!((key2 === "pushed") || (key2 === "skipped"))) {
                                                                validate25.errors = [{ instancePath: instancePath + "/manifests", schemaPath: "#/properties/manifests/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: key2 }, message: "must NOT have additional properties" }];
                                                                return false;
                                                                break;
                                                            }
                                                        }
                                                        if (_errs33 === errors) {
                                                            if (data11.pushed !== undefined) {
                                                                let data12 = data11.pushed;
                                                                const _errs34 = errors;
                                                                const _errs35 = errors;
                                                                if (!(((typeof data12 == "number") && (!(data12 % 1) && !isNaN(data12))) && (isFinite(data12)))) {
                                                                    validate25.errors = [{ instancePath: instancePath + "/manifests/pushed", schemaPath: "#/$defs/count/type", keyword: "type", params: { type: "integer" }, message: "must be integer" }];
                                                                    return false;
                                                                }
                                                                if (errors === _errs35) {
                                                                    if ((typeof data12 == "number") && (isFinite(data12))) {
                                                                        if (data12 < 0 || isNaN(data12)) {
                                                                            validate25.errors = [{ instancePath: instancePath + "/manifests/pushed", schemaPath: "#/$defs/count/minimum", keyword: "minimum", params: { comparison: ">=", limit: 0 }, message: "must be >= 0" }];
                                                                            return false;
                                                                        }
                                                                    }
                                                                }
                                                                var valid11 = _errs34 === errors;
                                                            }
                                                            else {
                                                                var valid11 = true;
                                                            }
                                                            if (valid11) {
                                                                if (data11.skipped !== undefined) {
                                                                    let data13 = data11.skipped;
                                                                    const _errs37 = errors;
                                                                    const _errs38 = errors;
                                                                    if (!(((typeof data13 == "number") && (!(data13 % 1) && !isNaN(data13))) && (isFinite(data13)))) {
                                                                        validate25.errors = [{ instancePath: instancePath + "/manifests/skipped", schemaPath: "#/$defs/count/type", keyword: "type", params: { type: "integer" }, message: "must be integer" }];
                                                                        return false;
                                                                    }
                                                                    if (errors === _errs38) {
                                                                        if ((typeof data13 == "number") && (isFinite(data13))) {
                                                                            if (data13 < 0 || isNaN(data13)) {
                                                                                validate25.errors = [{ instancePath: instancePath + "/manifests/skipped", schemaPath: "#/$defs/count/minimum", keyword: "minimum", params: { comparison: ">=", limit: 0 }, message: "must be >= 0" }];
                                                                                return false;
                                                                            }
                                                                        }
                                                                    }
                                                                    var valid11 = _errs37 === errors;
                                                                }
                                                                else {
                                                                    var valid11 = true;
                                                                }
                                                            }
                                                        }
                                                    }
                                                }
                                                else {
                                                    validate25.errors = [{ instancePath: instancePath + "/manifests", schemaPath: "#/properties/manifests/type", keyword: "type", params: { type: "object" }, message: "must be object" }];
                                                    return false;
                                                }
                                            }
                                            var valid0 = _errs31 === errors;
                                        }
                                        else {
                                            var valid0 = true;
                                        }
                                        if (valid0) {
                                            if (data.bytesUploaded !== undefined) {
                                                let data14 = data.bytesUploaded;
                                                const _errs40 = errors;
                                                const _errs41 = errors;
                                                if (!(((typeof data14 == "number") && (!(data14 % 1) && !isNaN(data14))) && (isFinite(data14)))) {
                                                    validate25.errors = [{ instancePath: instancePath + "/bytesUploaded", schemaPath: "#/$defs/count/type", keyword: "type", params: { type: "integer" }, message: "must be integer" }];
                                                    return false;
                                                }
                                                if (errors === _errs41) {
                                                    if ((typeof data14 == "number") && (isFinite(data14))) {
                                                        if (data14 < 0 || isNaN(data14)) {
                                                            validate25.errors = [{ instancePath: instancePath + "/bytesUploaded", schemaPath: "#/$defs/count/minimum", keyword: "minimum", params: { comparison: ">=", limit: 0 }, message: "must be >= 0" }];
                                                            return false;
                                                        }
                                                    }
                                                }
                                                var valid0 = _errs40 === errors;
                                            }
                                            else {
                                                var valid0 = true;
                                            }
                                            if (valid0) {
                                                if (data.referrers !== undefined) {
                                                    let data15 = data.referrers;
                                                    const _errs43 = errors;
                                                    const _errs44 = errors;
                                                    if (!(((typeof data15 == "number") && (!(data15 % 1) && !isNaN(data15))) && (isFinite(data15)))) {
                                                        validate25.errors = [{ instancePath: instancePath + "/referrers", schemaPath: "#/$defs/count/type", keyword: "type", params: { type: "integer" }, message: "must be integer" }];
                                                        return false;
                                                    }
                                                    if (errors === _errs44) {
                                                        if ((typeof data15 == "number") && (isFinite(data15))) {
                                                            if (data15 < 0 || isNaN(data15)) {
                                                                validate25.errors = [{ instancePath: instancePath + "/referrers", schemaPath: "#/$defs/count/minimum", keyword: "minimum", params: { comparison: ">=", limit: 0 }, message: "must be >= 0" }];
                                                                return false;
                                                            }
                                                        }
                                                    }
                                                    var valid0 = _errs43 === errors;
                                                }
                                                else {
                                                    var valid0 = true;
                                                }
                                                if (valid0) {
                                                    if (data.referrersCopied !== undefined) {
                                                        let data16 = data.referrersCopied;
                                                        const _errs46 = errors;
                                                        const _errs47 = errors;
                                                        if (!(((typeof data16 == "number") && (!(data16 % 1) && !isNaN(data16))) && (isFinite(data16)))) {
                                                            validate25.errors = [{ instancePath: instancePath + "/referrersCopied", schemaPath: "#/$defs/count/type", keyword: "type", params: { type: "integer" }, message: "must be integer" }];
                                                            return false;
                                                        }
                                                        if (errors === _errs47) {
                                                            if ((typeof data16 == "number") && (isFinite(data16))) {
                                                                if (data16 < 0 || isNaN(data16)) {
                                                                    validate25.errors = [{ instancePath: instancePath + "/referrersCopied", schemaPath: "#/$defs/count/minimum", keyword: "minimum", params: { comparison: ">=", limit: 0 }, message: "must be >= 0" }];
                                                                    return false;
                                                                }
                                                            }
                                                        }
                                                        var valid0 = _errs46 === errors;
                                                    }
                                                    else {
                                                        var valid0 = true;
                                                    }
                                                    if (valid0) {
                                                        if (data.durationMs !== undefined) {
                                                            let data17 = data.durationMs;
                                                            const _errs49 = errors;
                                                            const _errs50 = errors;
                                                            if (!(((typeof data17 == "number") && (!(data17 % 1) && !isNaN(data17))) && (isFinite(data17)))) {
                                                                validate25.errors = [{ instancePath: instancePath + "/durationMs", schemaPath: "#/$defs/count/type", keyword: "type", params: { type: "integer" }, message: "must be integer" }];
                                                                return false;
                                                            }
                                                            if (errors === _errs50) {
                                                                if ((typeof data17 == "number") && (isFinite(data17))) {
                                                                    if (data17 < 0 || isNaN(data17)) {
                                                                        validate25.errors = [{ instancePath: instancePath + "/durationMs", schemaPath: "#/$defs/count/minimum", keyword: "minimum", params: { comparison: ">=", limit: 0 }, message: "must be >= 0" }];
                                                                        return false;
                                                                    }
                                                                }
                                                            }
                                                            var valid0 = _errs49 === errors;
                                                        }
                                                        else {
                                                            var valid0 = true;
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    else {
        validate25.errors = [{ instancePath, schemaPath: "#/type", keyword: "type", params: { type: "object" }, message: "must be object" }];
        return false;
    }
} validate25.errors = vErrors; return errors === 0; }
validate25.evaluated = { "props": true, "dynamicProps": false, "dynamicItems": false };
function validate20(data, { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {}) { ; let vErrors = null; let errors = 0; const evaluated0 = validate20.evaluated; if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
} if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
} if (errors === 0) {
    if (data && typeof data == "object" && !Array.isArray(data)) {
        let missing0;
        if ((((data.schemaVersion === undefined) && (missing0 = "schemaVersion")) || ((data.name === undefined) && (missing0 = "name"))) || ((data.digest === undefined) && (missing0 = "digest"))) {
            validate20.errors = [{ instancePath, schemaPath: "#/required", keyword: "required", params: { missingProperty: missing0 }, message: "must have required property '" + missing0 + "'" }];
            return false;
        }
        else {
            const _errs1 = errors;
            for (const key0 in data) {
                if (!(func1.call(schema31.properties, key0))) {
                    validate20.errors = [{ instancePath, schemaPath: "#/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: key0 }, message: "must NOT have additional properties" }];
                    return false;
                    break;
                }
            }
            if (_errs1 === errors) {
                if (data.schemaVersion !== undefined) {
                    const _errs2 = errors;
                    if (1 !== data.schemaVersion) {
                        validate20.errors = [{ instancePath: instancePath + "/schemaVersion", schemaPath: "#/properties/schemaVersion/const", keyword: "const", params: { allowedValue: 1 }, message: "must be equal to constant" }];
                        return false;
                    }
                    var valid0 = _errs2 === errors;
                }
                else {
                    var valid0 = true;
                }
                if (valid0) {
                    if (data.name !== undefined) {
                        let data1 = data.name;
                        const _errs3 = errors;
                        const _errs4 = errors;
                        if (errors === _errs4) {
                            if (typeof data1 === "string") {
                                if (!pattern4.test(data1)) {
                                    validate20.errors = [{ instancePath: instancePath + "/name", schemaPath: "#/$defs/repository/pattern", keyword: "pattern", params: { pattern: "^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\\.[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[0-9]{1,5})?(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*){0,16}$" }, message: "must match pattern \"" + "^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\\.[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[0-9]{1,5})?(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*){0,16}$" + "\"" }];
                                    return false;
                                }
                            }
                            else {
                                validate20.errors = [{ instancePath: instancePath + "/name", schemaPath: "#/$defs/repository/type", keyword: "type", params: { type: "string" }, message: "must be string" }];
                                return false;
                            }
                        }
                        var valid0 = _errs3 === errors;
                    }
                    else {
                        var valid0 = true;
                    }
                    if (valid0) {
                        if (data.digest !== undefined) {
                            let data2 = data.digest;
                            const _errs6 = errors;
                            const _errs7 = errors;
                            if (errors === _errs7) {
                                if (typeof data2 === "string") {
                                    if (!pattern5.test(data2)) {
                                        validate20.errors = [{ instancePath: instancePath + "/digest", schemaPath: "#/$defs/digest/pattern", keyword: "pattern", params: { pattern: "^sha256:[0-9a-f]{64}$" }, message: "must match pattern \"" + "^sha256:[0-9a-f]{64}$" + "\"" }];
                                        return false;
                                    }
                                }
                                else {
                                    validate20.errors = [{ instancePath: instancePath + "/digest", schemaPath: "#/$defs/digest/type", keyword: "type", params: { type: "string" }, message: "must be string" }];
                                    return false;
                                }
                            }
                            var valid0 = _errs6 === errors;
                        }
                        else {
                            var valid0 = true;
                        }
                        if (valid0) {
                            if (data.mediaType !== undefined) {
                                let data3 = data.mediaType;
                                const _errs9 = errors;
                                const _errs10 = errors;
                                if (errors === _errs10) {
                                    if (typeof data3 === "string") {
                                        if (!pattern6.test(data3)) {
                                            validate20.errors = [{ instancePath: instancePath + "/mediaType", schemaPath: "#/$defs/mediaType/pattern", keyword: "pattern", params: { pattern: "^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$" }, message: "must match pattern \"" + "^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$" + "\"" }];
                                            return false;
                                        }
                                    }
                                    else {
                                        validate20.errors = [{ instancePath: instancePath + "/mediaType", schemaPath: "#/$defs/mediaType/type", keyword: "type", params: { type: "string" }, message: "must be string" }];
                                        return false;
                                    }
                                }
                                var valid0 = _errs9 === errors;
                            }
                            else {
                                var valid0 = true;
                            }
                            if (valid0) {
                                if (data.tags !== undefined) {
                                    let data4 = data.tags;
                                    const _errs12 = errors;
                                    if (errors === _errs12) {
                                        if (Array.isArray(data4)) {
                                            if (data4.length > 1000) {
                                                validate20.errors = [{ instancePath: instancePath + "/tags", schemaPath: "#/properties/tags/maxItems", keyword: "maxItems", params: { limit: 1000 }, message: "must NOT have more than 1000 items" }];
                                                return false;
                                            }
                                            else {
                                                var valid4 = true;
                                                const len0 = data4.length;
                                                for (let i0 = 0; i0 < len0; i0++) {
                                                    let data5 = data4[i0];
                                                    const _errs14 = errors;
                                                    const _errs15 = errors;
                                                    if (errors === _errs15) {
                                                        if (typeof data5 === "string") {
                                                            if (!pattern7.test(data5)) {
                                                                validate20.errors = [{ instancePath: instancePath + "/tags/" + i0, schemaPath: "#/$defs/tag/pattern", keyword: "pattern", params: { pattern: "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$" }, message: "must match pattern \"" + "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$" + "\"" }];
                                                                return false;
                                                            }
                                                        }
                                                        else {
                                                            validate20.errors = [{ instancePath: instancePath + "/tags/" + i0, schemaPath: "#/$defs/tag/type", keyword: "type", params: { type: "string" }, message: "must be string" }];
                                                            return false;
                                                        }
                                                    }
                                                    var valid4 = _errs14 === errors;
                                                    if (!valid4) {
                                                        break;
                                                    }
                                                }
                                            }
                                        }
                                        else {
                                            validate20.errors = [{ instancePath: instancePath + "/tags", schemaPath: "#/properties/tags/type", keyword: "type", params: { type: "array" }, message: "must be array" }];
                                            return false;
                                        }
                                    }
                                    var valid0 = _errs12 === errors;
                                }
                                else {
                                    var valid0 = true;
                                }
                                if (valid0) {
                                    if (data.platforms !== undefined) {
                                        let data6 = data.platforms;
                                        const _errs17 = errors;
                                        if (errors === _errs17) {
                                            if (data6 && typeof data6 == "object" && !Array.isArray(data6)) {
                                                if (Object.keys(data6).length > 64) {
                                                    validate20.errors = [{ instancePath: instancePath + "/platforms", schemaPath: "#/properties/platforms/maxProperties", keyword: "maxProperties", params: { limit: 64 }, message: "must NOT have more than 64 properties" }];
                                                    return false;
                                                }
                                                else {
                                                    for (const key1 in data6) {
                                                        const _errs19 = errors;
                                                        const _errs20 = errors;
                                                        if (errors === _errs20) {
                                                            if (typeof key1 === "string") {
                                                                if (!pattern8.test(key1)) {
                                                                    const err0 = { instancePath: instancePath + "/platforms", schemaPath: "#/$defs/platform/pattern", keyword: "pattern", params: { pattern: "^[a-z0-9_.-]{1,32}/[a-z0-9_.-]{1,32}(?:/[a-z0-9_.-]{1,32})?$" }, message: "must match pattern \"" + "^[a-z0-9_.-]{1,32}/[a-z0-9_.-]{1,32}(?:/[a-z0-9_.-]{1,32})?$" + "\"", propertyName: key1 };
                                                                    if (vErrors === null) {
                                                                        vErrors = [err0];
                                                                    }
                                                                    else {
                                                                        vErrors.push(err0);
                                                                    }
                                                                    errors++;
                                                                }
                                                            }
                                                            else {
                                                                const err1 = { instancePath: instancePath + "/platforms", schemaPath: "#/$defs/platform/type", keyword: "type", params: { type: "string" }, message: "must be string", propertyName: key1 };
                                                                if (vErrors === null) {
                                                                    vErrors = [err1];
                                                                }
                                                                else {
                                                                    vErrors.push(err1);
                                                                }
                                                                errors++;
                                                            }
                                                        }
                                                        var valid6 = _errs19 === errors;
                                                        if (!valid6) {
                                                            const err2 = { instancePath: instancePath + "/platforms", schemaPath: "#/properties/platforms/propertyNames", keyword: "propertyNames", params: { propertyName: key1 }, message: "property name must be valid" };
                                                            if (vErrors === null) {
                                                                vErrors = [err2];
                                                            }
                                                            else {
                                                                vErrors.push(err2);
                                                            }
                                                            errors++;
                                                            validate20.errors = vErrors;
                                                            return false;
                                                            break;
                                                        }
                                                    }
                                                    if (valid6) {
                                                        for (const key2 in data6) {
                                                            const _errs23 = errors;
                                                            if (!(validate21(data6[key2], { instancePath: instancePath + "/platforms/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"), parentData: data6, parentDataProperty: key2, rootData, dynamicAnchors }))) {
                                                                vErrors = vErrors === null ? validate21.errors : vErrors.concat(validate21.errors);
                                                                errors = vErrors.length;
                                                            }
                                                            var valid8 = _errs23 === errors;
                                                            if (!valid8) {
                                                                break;
                                                            }
                                                        }
                                                    }
                                                }
                                            }
                                            else {
                                                validate20.errors = [{ instancePath: instancePath + "/platforms", schemaPath: "#/properties/platforms/type", keyword: "type", params: { type: "object" }, message: "must be object" }];
                                                return false;
                                            }
                                        }
                                        var valid0 = _errs17 === errors;
                                    }
                                    else {
                                        var valid0 = true;
                                    }
                                    if (valid0) {
                                        if (data.build !== undefined) {
                                            let data8 = data.build;
                                            const _errs24 = errors;
                                            if (errors === _errs24) {
                                                if (data8 && typeof data8 == "object" && !Array.isArray(data8)) {
                                                    let missing1;
                                                    if ((data8.builder === undefined) && (missing1 = "builder")) {
                                                        validate20.errors = [{ instancePath: instancePath + "/build", schemaPath: "#/properties/build/required", keyword: "required", params: { missingProperty: missing1 }, message: "must have required property '" + missing1 + "'" }];
                                                        return false;
                                                    }
                                                    else {
                                                        const _errs26 = errors;
                                                        for (const key3 in data8) {
                                                            if (!((((key3 === "builder") || (key3 === "mode")) || (key3 === "source")) || (key3 === "provenance"))) {
                                                                validate20.errors = [{ instancePath: instancePath + "/build", schemaPath: "#/properties/build/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: key3 }, message: "must NOT have additional properties" }];
                                                                return false;
                                                                break;
                                                            }
                                                        }
                                                        if (_errs26 === errors) {
                                                            if (data8.builder !== undefined) {
                                                                let data9 = data8.builder;
                                                                const _errs27 = errors;
                                                                if (!(((data9 === "buildx") || (data9 === "buildah")) || (data9 === "none"))) {
                                                                    validate20.errors = [{ instancePath: instancePath + "/build/builder", schemaPath: "#/properties/build/properties/builder/enum", keyword: "enum", params: { allowedValues: schema31.properties.build.properties.builder.enum }, message: "must be equal to one of the allowed values" }];
                                                                    return false;
                                                                }
                                                                var valid9 = _errs27 === errors;
                                                            }
                                                            else {
                                                                var valid9 = true;
                                                            }
                                                            if (valid9) {
                                                                if (data8.mode !== undefined) {
                                                                    let data10 = data8.mode;
                                                                    const _errs28 = errors;
                                                                    if (!(((data10 === "multi") || (data10 === "single")) || (data10 === "merge"))) {
                                                                        validate20.errors = [{ instancePath: instancePath + "/build/mode", schemaPath: "#/properties/build/properties/mode/enum", keyword: "enum", params: { allowedValues: schema31.properties.build.properties.mode.enum }, message: "must be equal to one of the allowed values" }];
                                                                        return false;
                                                                    }
                                                                    var valid9 = _errs28 === errors;
                                                                }
                                                                else {
                                                                    var valid9 = true;
                                                                }
                                                                if (valid9) {
                                                                    if (data8.source !== undefined) {
                                                                        let data11 = data8.source;
                                                                        const _errs29 = errors;
                                                                        const _errs30 = errors;
                                                                        if (errors === _errs30) {
                                                                            if (typeof data11 === "string") {
                                                                                if (!pattern10.test(data11)) {
                                                                                    validate20.errors = [{ instancePath: instancePath + "/build/source", schemaPath: "#/$defs/text/pattern", keyword: "pattern", params: { pattern: "^[\\s\\S]{1,4096}$" }, message: "must match pattern \"" + "^[\\s\\S]{1,4096}$" + "\"" }];
                                                                                    return false;
                                                                                }
                                                                            }
                                                                            else {
                                                                                validate20.errors = [{ instancePath: instancePath + "/build/source", schemaPath: "#/$defs/text/type", keyword: "type", params: { type: "string" }, message: "must be string" }];
                                                                                return false;
                                                                            }
                                                                        }
                                                                        var valid9 = _errs29 === errors;
                                                                    }
                                                                    else {
                                                                        var valid9 = true;
                                                                    }
                                                                    if (valid9) {
                                                                        if (data8.provenance !== undefined) {
                                                                            let data12 = data8.provenance;
                                                                            const _errs32 = errors;
                                                                            const _errs33 = errors;
                                                                            if (errors === _errs33) {
                                                                                if (typeof data12 === "string") {
                                                                                    if (!pattern10.test(data12)) {
                                                                                        validate20.errors = [{ instancePath: instancePath + "/build/provenance", schemaPath: "#/$defs/text/pattern", keyword: "pattern", params: { pattern: "^[\\s\\S]{1,4096}$" }, message: "must match pattern \"" + "^[\\s\\S]{1,4096}$" + "\"" }];
                                                                                        return false;
                                                                                    }
                                                                                }
                                                                                else {
                                                                                    validate20.errors = [{ instancePath: instancePath + "/build/provenance", schemaPath: "#/$defs/text/type", keyword: "type", params: { type: "string" }, message: "must be string" }];
                                                                                    return false;
                                                                                }
                                                                            }
                                                                            var valid9 = _errs32 === errors;
                                                                        }
                                                                        else {
                                                                            var valid9 = true;
                                                                        }
                                                                    }
                                                                }
                                                            }
                                                        }
                                                    }
                                                }
                                                else {
                                                    validate20.errors = [{ instancePath: instancePath + "/build", schemaPath: "#/properties/build/type", keyword: "type", params: { type: "object" }, message: "must be object" }];
                                                    return false;
                                                }
                                            }
                                            var valid0 = _errs24 === errors;
                                        }
                                        else {
                                            var valid0 = true;
                                        }
                                        if (valid0) {
                                            if (data.sbom !== undefined) {
                                                let data13 = data.sbom;
                                                const _errs35 = errors;
                                                if (errors === _errs35) {
                                                    if (data13 && typeof data13 == "object" && !Array.isArray(data13)) {
                                                        let missing2;
                                                        if ((data13.engine === undefined) && (missing2 = "engine")) {
                                                            validate20.errors = [{ instancePath: instancePath + "/sbom", schemaPath: "#/properties/sbom/required", keyword: "required", params: { missingProperty: missing2 }, message: "must have required property '" + missing2 + "'" }];
                                                            return false;
                                                        }
                                                        else {
                                                            const _errs37 = errors;
                                                            for (const key4 in data13) {
                                                                if (!((key4 === "engine") || (key4 === "artifact"))) {
                                                                    validate20.errors = [{ instancePath: instancePath + "/sbom", schemaPath: "#/properties/sbom/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: key4 }, message: "must NOT have additional properties" }];
                                                                    return false;
                                                                    break;
                                                                }
                                                            }
                                                            if (_errs37 === errors) {
                                                                if (data13.engine !== undefined) {
                                                                    let data14 = data13.engine;
                                                                    const _errs38 = errors;
                                                                    if (!((data14 === "native") || (data14 === "syft"))) {
                                                                        validate20.errors = [{ instancePath: instancePath + "/sbom/engine", schemaPath: "#/properties/sbom/properties/engine/enum", keyword: "enum", params: { allowedValues: schema31.properties.sbom.properties.engine.enum }, message: "must be equal to one of the allowed values" }];
                                                                        return false;
                                                                    }
                                                                    var valid12 = _errs38 === errors;
                                                                }
                                                                else {
                                                                    var valid12 = true;
                                                                }
                                                                if (valid12) {
                                                                    if (data13.artifact !== undefined) {
                                                                        let data15 = data13.artifact;
                                                                        const _errs39 = errors;
                                                                        const _errs40 = errors;
                                                                        if (errors === _errs40) {
                                                                            if (typeof data15 === "string") {
                                                                                if (!pattern10.test(data15)) {
                                                                                    validate20.errors = [{ instancePath: instancePath + "/sbom/artifact", schemaPath: "#/$defs/text/pattern", keyword: "pattern", params: { pattern: "^[\\s\\S]{1,4096}$" }, message: "must match pattern \"" + "^[\\s\\S]{1,4096}$" + "\"" }];
                                                                                    return false;
                                                                                }
                                                                            }
                                                                            else {
                                                                                validate20.errors = [{ instancePath: instancePath + "/sbom/artifact", schemaPath: "#/$defs/text/type", keyword: "type", params: { type: "string" }, message: "must be string" }];
                                                                                return false;
                                                                            }
                                                                        }
                                                                        var valid12 = _errs39 === errors;
                                                                    }
                                                                    else {
                                                                        var valid12 = true;
                                                                    }
                                                                }
                                                            }
                                                        }
                                                    }
                                                    else {
                                                        validate20.errors = [{ instancePath: instancePath + "/sbom", schemaPath: "#/properties/sbom/type", keyword: "type", params: { type: "object" }, message: "must be object" }];
                                                        return false;
                                                    }
                                                }
                                                var valid0 = _errs35 === errors;
                                            }
                                            else {
                                                var valid0 = true;
                                            }
                                            if (valid0) {
                                                if (data.signatures !== undefined) {
                                                    let data16 = data.signatures;
                                                    const _errs42 = errors;
                                                    if (errors === _errs42) {
                                                        if (data16 && typeof data16 == "object" && !Array.isArray(data16)) {
                                                            let missing3;
                                                            if ((((data16.format === undefined) && (missing3 = "format")) || ((data16.manifests === undefined) && (missing3 = "manifests"))) || ((data16.dryRun === undefined) && (missing3 = "dryRun"))) {
                                                                validate20.errors = [{ instancePath: instancePath + "/signatures", schemaPath: "#/properties/signatures/required", keyword: "required", params: { missingProperty: missing3 }, message: "must have required property '" + missing3 + "'" }];
                                                                return false;
                                                            }
                                                            else {
                                                                const _errs44 = errors;
                                                                for (const key5 in data16) {
                                                                    if (!((((key5 === "format") || (key5 === "dryRun")) || (key5 === "identity")) || (key5 === "manifests"))) {
                                                                        validate20.errors = [{ instancePath: instancePath + "/signatures", schemaPath: "#/properties/signatures/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: key5 }, message: "must NOT have additional properties" }];
                                                                        return false;
                                                                        break;
                                                                    }
                                                                }
                                                                if (_errs44 === errors) {
                                                                    if (data16.format !== undefined) {
                                                                        let data17 = data16.format;
                                                                        const _errs45 = errors;
                                                                        if (!(((data17 === "bundle") || (data17 === "legacy")) || (data17 === "both"))) {
                                                                            validate20.errors = [{ instancePath: instancePath + "/signatures/format", schemaPath: "#/properties/signatures/properties/format/enum", keyword: "enum", params: { allowedValues: schema31.properties.signatures.properties.format.enum }, message: "must be equal to one of the allowed values" }];
                                                                            return false;
                                                                        }
                                                                        var valid14 = _errs45 === errors;
                                                                    }
                                                                    else {
                                                                        var valid14 = true;
                                                                    }
                                                                    if (valid14) {
                                                                        if (data16.dryRun !== undefined) {
                                                                            const _errs46 = errors;
                                                                            if (typeof data16.dryRun !== "boolean") {
                                                                                validate20.errors = [{ instancePath: instancePath + "/signatures/dryRun", schemaPath: "#/properties/signatures/properties/dryRun/type", keyword: "type", params: { type: "boolean" }, message: "must be boolean" }];
                                                                                return false;
                                                                            }
                                                                            var valid14 = _errs46 === errors;
                                                                        }
                                                                        else {
                                                                            var valid14 = true;
                                                                        }
                                                                        if (valid14) {
                                                                            if (data16.identity !== undefined) {
                                                                                const _errs48 = errors;
                                                                                if (!(validate23(data16.identity, { instancePath: instancePath + "/signatures/identity", parentData: data16, parentDataProperty: "identity", rootData, dynamicAnchors }))) {
                                                                                    vErrors = vErrors === null ? validate23.errors : vErrors.concat(validate23.errors);
                                                                                    errors = vErrors.length;
                                                                                }
                                                                                var valid14 = _errs48 === errors;
                                                                            }
                                                                            else {
                                                                                var valid14 = true;
                                                                            }
                                                                            if (valid14) {
                                                                                if (data16.manifests !== undefined) {
                                                                                    let data20 = data16.manifests;
                                                                                    const _errs49 = errors;
                                                                                    if (errors === _errs49) {
                                                                                        if (Array.isArray(data20)) {
                                                                                            if (data20.length > 256) {
                                                                                                validate20.errors = [{ instancePath: instancePath + "/signatures/manifests", schemaPath: "#/properties/signatures/properties/manifests/maxItems", keyword: "maxItems", params: { limit: 256 }, message: "must NOT have more than 256 items" }];
                                                                                                return false;
                                                                                            }
                                                                                            else {
                                                                                                var valid15 = true;
                                                                                                const len1 = data20.length;
                                                                                                for (let i1 = 0; i1 < len1; i1++) {
                                                                                                    let data21 = data20[i1];
                                                                                                    const _errs51 = errors;
                                                                                                    if (errors === _errs51) {
                                                                                                        if (data21 && typeof data21 == "object" && !Array.isArray(data21)) {
                                                                                                            let missing4;
                                                                                                            if (((data21.digest === undefined) && (missing4 = "digest")) || ((data21.bundles === undefined) && (missing4 = "bundles"))) {
                                                                                                                validate20.errors = [{ instancePath: instancePath + "/signatures/manifests/" + i1, schemaPath: "#/properties/signatures/properties/manifests/items/required", keyword: "required", params: { missingProperty: missing4 }, message: "must have required property '" + missing4 + "'" }];
                                                                                                                return false;
                                                                                                            }
                                                                                                            else {
                                                                                                                const _errs53 = errors;
                                                                                                                for (const key6 in data21) {
                                                                                                                    if (!((((((key6 === "digest") || (key6 === "mediaType")) || (key6 === "platform")) || (key6 === "bundles")) || (key6 === "legacySignatureTag")) || (key6 === "legacyAttestationTag"))) {
                                                                                                                        validate20.errors = [{ instancePath: instancePath + "/signatures/manifests/" + i1, schemaPath: "#/properties/signatures/properties/manifests/items/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: key6 }, message: "must NOT have additional properties" }];
                                                                                                                        return false;
                                                                                                                        break;
                                                                                                                    }
                                                                                                                }
                                                                                                                if (_errs53 === errors) {
                                                                                                                    if (data21.digest !== undefined) {
                                                                                                                        let data22 = data21.digest;
                                                                                                                        const _errs54 = errors;
                                                                                                                        const _errs55 = errors;
                                                                                                                        if (errors === _errs55) {
                                                                                                                            if (typeof data22 === "string") {
                                                                                                                                if (!pattern5.test(data22)) {
                                                                                                                                    validate20.errors = [{ instancePath: instancePath + "/signatures/manifests/" + i1 + "/digest", schemaPath: "#/$defs/digest/pattern", keyword: "pattern", params: { pattern: "^sha256:[0-9a-f]{64}$" }, message: "must match pattern \"" + "^sha256:[0-9a-f]{64}$" + "\"" }];
                                                                                                                                    return false;
                                                                                                                                }
                                                                                                                            }
                                                                                                                            else {
                                                                                                                                validate20.errors = [{ instancePath: instancePath + "/signatures/manifests/" + i1 + "/digest", schemaPath: "#/$defs/digest/type", keyword: "type", params: { type: "string" }, message: "must be string" }];
                                                                                                                                return false;
                                                                                                                            }
                                                                                                                        }
                                                                                                                        var valid16 = _errs54 === errors;
                                                                                                                    }
                                                                                                                    else {
                                                                                                                        var valid16 = true;
                                                                                                                    }
                                                                                                                    if (valid16) {
                                                                                                                        if (data21.mediaType !== undefined) {
                                                                                                                            let data23 = data21.mediaType;
                                                                                                                            const _errs57 = errors;
                                                                                                                            const _errs58 = errors;
                                                                                                                            if (errors === _errs58) {
                                                                                                                                if (typeof data23 === "string") {
                                                                                                                                    if (!pattern6.test(data23)) {
                                                                                                                                        validate20.errors = [{ instancePath: instancePath + "/signatures/manifests/" + i1 + "/mediaType", schemaPath: "#/$defs/mediaType/pattern", keyword: "pattern", params: { pattern: "^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$" }, message: "must match pattern \"" + "^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$" + "\"" }];
                                                                                                                                        return false;
                                                                                                                                    }
                                                                                                                                }
                                                                                                                                else {
                                                                                                                                    validate20.errors = [{ instancePath: instancePath + "/signatures/manifests/" + i1 + "/mediaType", schemaPath: "#/$defs/mediaType/type", keyword: "type", params: { type: "string" }, message: "must be string" }];
                                                                                                                                    return false;
                                                                                                                                }
                                                                                                                            }
                                                                                                                            var valid16 = _errs57 === errors;
                                                                                                                        }
                                                                                                                        else {
                                                                                                                            var valid16 = true;
                                                                                                                        }
                                                                                                                        if (valid16) {
                                                                                                                            if (data21.platform !== undefined) {
                                                                                                                                let data24 = data21.platform;
                                                                                                                                const _errs60 = errors;
                                                                                                                                const _errs61 = errors;
                                                                                                                                if (errors === _errs61) {
                                                                                                                                    if (typeof data24 === "string") {
                                                                                                                                        if (!pattern8.test(data24)) {
                                                                                                                                            validate20.errors = [{ instancePath: instancePath + "/signatures/manifests/" + i1 + "/platform", schemaPath: "#/$defs/platform/pattern", keyword: "pattern", params: { pattern: "^[a-z0-9_.-]{1,32}/[a-z0-9_.-]{1,32}(?:/[a-z0-9_.-]{1,32})?$" }, message: "must match pattern \"" + "^[a-z0-9_.-]{1,32}/[a-z0-9_.-]{1,32}(?:/[a-z0-9_.-]{1,32})?$" + "\"" }];
                                                                                                                                            return false;
                                                                                                                                        }
                                                                                                                                    }
                                                                                                                                    else {
                                                                                                                                        validate20.errors = [{ instancePath: instancePath + "/signatures/manifests/" + i1 + "/platform", schemaPath: "#/$defs/platform/type", keyword: "type", params: { type: "string" }, message: "must be string" }];
                                                                                                                                        return false;
                                                                                                                                    }
                                                                                                                                }
                                                                                                                                var valid16 = _errs60 === errors;
                                                                                                                            }
                                                                                                                            else {
                                                                                                                                var valid16 = true;
                                                                                                                            }
                                                                                                                            if (valid16) {
                                                                                                                                if (data21.bundles !== undefined) {
                                                                                                                                    let data25 = data21.bundles;
                                                                                                                                    const _errs63 = errors;
                                                                                                                                    if (errors === _errs63) {
                                                                                                                                        if (Array.isArray(data25)) {
                                                                                                                                            if (data25.length > 256) {
                                                                                                                                                validate20.errors = [{ instancePath: instancePath + "/signatures/manifests/" + i1 + "/bundles", schemaPath: "#/properties/signatures/properties/manifests/items/properties/bundles/maxItems", keyword: "maxItems", params: { limit: 256 }, message: "must NOT have more than 256 items" }];
                                                                                                                                                return false;
                                                                                                                                            }
                                                                                                                                            else {
                                                                                                                                                var valid20 = true;
                                                                                                                                                const len2 = data25.length;
                                                                                                                                                for (let i2 = 0; i2 < len2; i2++) {
                                                                                                                                                    let data26 = data25[i2];
                                                                                                                                                    const _errs65 = errors;
                                                                                                                                                    if (errors === _errs65) {
                                                                                                                                                        if (data26 && typeof data26 == "object" && !Array.isArray(data26)) {
                                                                                                                                                            let missing5;
                                                                                                                                                            if (((data26.referrerDigest === undefined) && (missing5 = "referrerDigest")) || ((data26.predicateType === undefined) && (missing5 = "predicateType"))) {
                                                                                                                                                                validate20.errors = [{ instancePath: instancePath + "/signatures/manifests/" + i1 + "/bundles/" + i2, schemaPath: "#/properties/signatures/properties/manifests/items/properties/bundles/items/required", keyword: "required", params: { missingProperty: missing5 }, message: "must have required property '" + missing5 + "'" }];
                                                                                                                                                                return false;
                                                                                                                                                            }
                                                                                                                                                            else {
                                                                                                                                                                const _errs67 = errors;
                                                                                                                                                                for (const key7 in data26) {
                                                                                                                                                                    if (!((key7 === "referrerDigest") || (key7 === "predicateType"))) {
                                                                                                                                                                        validate20.errors = [{ instancePath: instancePath + "/signatures/manifests/" + i1 + "/bundles/" + i2, schemaPath: "#/properties/signatures/properties/manifests/items/properties/bundles/items/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: key7 }, message: "must NOT have additional properties" }];
                                                                                                                                                                        return false;
                                                                                                                                                                        break;
                                                                                                                                                                    }
                                                                                                                                                                }
                                                                                                                                                                if (_errs67 === errors) {
                                                                                                                                                                    if (data26.referrerDigest !== undefined) {
                                                                                                                                                                        let data27 = data26.referrerDigest;
                                                                                                                                                                        const _errs68 = errors;
                                                                                                                                                                        const _errs69 = errors;
                                                                                                                                                                        if (errors === _errs69) {
                                                                                                                                                                            if (typeof data27 === "string") {
                                                                                                                                                                                if (!pattern5.test(data27)) {
                                                                                                                                                                                    validate20.errors = [{ instancePath: instancePath + "/signatures/manifests/" + i1 + "/bundles/" + i2 + "/referrerDigest", schemaPath: "#/$defs/digest/pattern", keyword: "pattern", params: { pattern: "^sha256:[0-9a-f]{64}$" }, message: "must match pattern \"" + "^sha256:[0-9a-f]{64}$" + "\"" }];
                                                                                                                                                                                    return false;
                                                                                                                                                                                }
                                                                                                                                                                            }
                                                                                                                                                                            else {
                                                                                                                                                                                validate20.errors = [{ instancePath: instancePath + "/signatures/manifests/" + i1 + "/bundles/" + i2 + "/referrerDigest", schemaPath: "#/$defs/digest/type", keyword: "type", params: { type: "string" }, message: "must be string" }];
                                                                                                                                                                                return false;
                                                                                                                                                                            }
                                                                                                                                                                        }
                                                                                                                                                                        var valid21 = _errs68 === errors;
                                                                                                                                                                    }
                                                                                                                                                                    else {
                                                                                                                                                                        var valid21 = true;
                                                                                                                                                                    }
                                                                                                                                                                    if (valid21) {
                                                                                                                                                                        if (data26.predicateType !== undefined) {
                                                                                                                                                                            let data28 = data26.predicateType;
                                                                                                                                                                            const _errs71 = errors;
                                                                                                                                                                            const _errs72 = errors;
                                                                                                                                                                            if (errors === _errs72) {
                                                                                                                                                                                if (typeof data28 === "string") {
                                                                                                                                                                                    if (!pattern10.test(data28)) {
                                                                                                                                                                                        validate20.errors = [{ instancePath: instancePath + "/signatures/manifests/" + i1 + "/bundles/" + i2 + "/predicateType", schemaPath: "#/$defs/text/pattern", keyword: "pattern", params: { pattern: "^[\\s\\S]{1,4096}$" }, message: "must match pattern \"" + "^[\\s\\S]{1,4096}$" + "\"" }];
                                                                                                                                                                                        return false;
                                                                                                                                                                                    }
                                                                                                                                                                                }
                                                                                                                                                                                else {
                                                                                                                                                                                    validate20.errors = [{ instancePath: instancePath + "/signatures/manifests/" + i1 + "/bundles/" + i2 + "/predicateType", schemaPath: "#/$defs/text/type", keyword: "type", params: { type: "string" }, message: "must be string" }];
                                                                                                                                                                                    return false;
                                                                                                                                                                                }
                                                                                                                                                                            }
                                                                                                                                                                            var valid21 = _errs71 === errors;
                                                                                                                                                                        }
                                                                                                                                                                        else {
                                                                                                                                                                            var valid21 = true;
                                                                                                                                                                        }
                                                                                                                                                                    }
                                                                                                                                                                }
                                                                                                                                                            }
                                                                                                                                                        }
                                                                                                                                                        else {
                                                                                                                                                            validate20.errors = [{ instancePath: instancePath + "/signatures/manifests/" + i1 + "/bundles/" + i2, schemaPath: "#/properties/signatures/properties/manifests/items/properties/bundles/items/type", keyword: "type", params: { type: "object" }, message: "must be object" }];
                                                                                                                                                            return false;
                                                                                                                                                        }
                                                                                                                                                    }
                                                                                                                                                    var valid20 = _errs65 === errors;
                                                                                                                                                    if (!valid20) {
                                                                                                                                                        break;
                                                                                                                                                    }
                                                                                                                                                }
                                                                                                                                            }
                                                                                                                                        }
                                                                                                                                        else {
                                                                                                                                            validate20.errors = [{ instancePath: instancePath + "/signatures/manifests/" + i1 + "/bundles", schemaPath: "#/properties/signatures/properties/manifests/items/properties/bundles/type", keyword: "type", params: { type: "array" }, message: "must be array" }];
                                                                                                                                            return false;
                                                                                                                                        }
                                                                                                                                    }
                                                                                                                                    var valid16 = _errs63 === errors;
                                                                                                                                }
                                                                                                                                else {
                                                                                                                                    var valid16 = true;
                                                                                                                                }
                                                                                                                                if (valid16) {
                                                                                                                                    if (data21.legacySignatureTag !== undefined) {
                                                                                                                                        let data29 = data21.legacySignatureTag;
                                                                                                                                        const _errs74 = errors;
                                                                                                                                        const _errs75 = errors;
                                                                                                                                        if (errors === _errs75) {
                                                                                                                                            if (typeof data29 === "string") {
                                                                                                                                                if (!pattern7.test(data29)) {
                                                                                                                                                    validate20.errors = [{ instancePath: instancePath + "/signatures/manifests/" + i1 + "/legacySignatureTag", schemaPath: "#/$defs/tag/pattern", keyword: "pattern", params: { pattern: "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$" }, message: "must match pattern \"" + "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$" + "\"" }];
                                                                                                                                                    return false;
                                                                                                                                                }
                                                                                                                                            }
                                                                                                                                            else {
                                                                                                                                                validate20.errors = [{ instancePath: instancePath + "/signatures/manifests/" + i1 + "/legacySignatureTag", schemaPath: "#/$defs/tag/type", keyword: "type", params: { type: "string" }, message: "must be string" }];
                                                                                                                                                return false;
                                                                                                                                            }
                                                                                                                                        }
                                                                                                                                        var valid16 = _errs74 === errors;
                                                                                                                                    }
                                                                                                                                    else {
                                                                                                                                        var valid16 = true;
                                                                                                                                    }
                                                                                                                                    if (valid16) {
                                                                                                                                        if (data21.legacyAttestationTag !== undefined) {
                                                                                                                                            let data30 = data21.legacyAttestationTag;
                                                                                                                                            const _errs77 = errors;
                                                                                                                                            const _errs78 = errors;
                                                                                                                                            if (errors === _errs78) {
                                                                                                                                                if (typeof data30 === "string") {
                                                                                                                                                    if (!pattern7.test(data30)) {
                                                                                                                                                        validate20.errors = [{ instancePath: instancePath + "/signatures/manifests/" + i1 + "/legacyAttestationTag", schemaPath: "#/$defs/tag/pattern", keyword: "pattern", params: { pattern: "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$" }, message: "must match pattern \"" + "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$" + "\"" }];
                                                                                                                                                        return false;
                                                                                                                                                    }
                                                                                                                                                }
                                                                                                                                                else {
                                                                                                                                                    validate20.errors = [{ instancePath: instancePath + "/signatures/manifests/" + i1 + "/legacyAttestationTag", schemaPath: "#/$defs/tag/type", keyword: "type", params: { type: "string" }, message: "must be string" }];
                                                                                                                                                    return false;
                                                                                                                                                }
                                                                                                                                            }
                                                                                                                                            var valid16 = _errs77 === errors;
                                                                                                                                        }
                                                                                                                                        else {
                                                                                                                                            var valid16 = true;
                                                                                                                                        }
                                                                                                                                    }
                                                                                                                                }
                                                                                                                            }
                                                                                                                        }
                                                                                                                    }
                                                                                                                }
                                                                                                            }
                                                                                                        }
                                                                                                        else {
                                                                                                            validate20.errors = [{ instancePath: instancePath + "/signatures/manifests/" + i1, schemaPath: "#/properties/signatures/properties/manifests/items/type", keyword: "type", params: { type: "object" }, message: "must be object" }];
                                                                                                            return false;
                                                                                                        }
                                                                                                    }
                                                                                                    var valid15 = _errs51 === errors;
                                                                                                    if (!valid15) {
                                                                                                        break;
                                                                                                    }
                                                                                                }
                                                                                            }
                                                                                        }
                                                                                        else {
                                                                                            validate20.errors = [{ instancePath: instancePath + "/signatures/manifests", schemaPath: "#/properties/signatures/properties/manifests/type", keyword: "type", params: { type: "array" }, message: "must be array" }];
                                                                                            return false;
                                                                                        }
                                                                                    }
                                                                                    var valid14 = _errs49 === errors;
                                                                                }
                                                                                else {
                                                                                    var valid14 = true;
                                                                                }
                                                                            }
                                                                        }
                                                                    }
                                                                }
                                                            }
                                                        }
                                                        else {
                                                            validate20.errors = [{ instancePath: instancePath + "/signatures", schemaPath: "#/properties/signatures/type", keyword: "type", params: { type: "object" }, message: "must be object" }];
                                                            return false;
                                                        }
                                                    }
                                                    var valid0 = _errs42 === errors;
                                                }
                                                else {
                                                    var valid0 = true;
                                                }
                                                if (valid0) {
                                                    if (data.verification !== undefined) {
                                                        let data31 = data.verification;
                                                        const _errs80 = errors;
                                                        if (errors === _errs80) {
                                                            if (data31 && typeof data31 == "object" && !Array.isArray(data31)) {
                                                                let missing6;
                                                                if (((((data31.verified === undefined) && (missing6 = "verified")) || ((data31.signers === undefined) && (missing6 = "signers"))) || ((data31.attestations === undefined) && (missing6 = "attestations"))) || ((data31.manifests === undefined) && (missing6 = "manifests"))) {
                                                                    validate20.errors = [{ instancePath: instancePath + "/verification", schemaPath: "#/properties/verification/required", keyword: "required", params: { missingProperty: missing6 }, message: "must have required property '" + missing6 + "'" }];
                                                                    return false;
                                                                }
                                                                else {
                                                                    const _errs82 = errors;
                                                                    for (const key8 in data31) {
                                                                        if (!(((((key8 === "verified") || (key8 === "signers")) || (key8 === "attestations")) || (key8 === "manifests")) || (key8 === "rejected"))) {
                                                                            validate20.errors = [{ instancePath: instancePath + "/verification", schemaPath: "#/properties/verification/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: key8 }, message: "must NOT have additional properties" }];
                                                                            return false;
                                                                            break;
                                                                        }
                                                                    }
                                                                    if (_errs82 === errors) {
                                                                        if (data31.verified !== undefined) {
                                                                            const _errs83 = errors;
                                                                            if (true !== data31.verified) {
                                                                                validate20.errors = [{ instancePath: instancePath + "/verification/verified", schemaPath: "#/properties/verification/properties/verified/const", keyword: "const", params: { allowedValue: true }, message: "must be equal to constant" }];
                                                                                return false;
                                                                            }
                                                                            var valid26 = _errs83 === errors;
                                                                        }
                                                                        else {
                                                                            var valid26 = true;
                                                                        }
                                                                        if (valid26) {
                                                                            if (data31.signers !== undefined) {
                                                                                let data33 = data31.signers;
                                                                                const _errs84 = errors;
                                                                                if (errors === _errs84) {
                                                                                    if (Array.isArray(data33)) {
                                                                                        if (data33.length > 256) {
                                                                                            validate20.errors = [{ instancePath: instancePath + "/verification/signers", schemaPath: "#/properties/verification/properties/signers/maxItems", keyword: "maxItems", params: { limit: 256 }, message: "must NOT have more than 256 items" }];
                                                                                            return false;
                                                                                        }
                                                                                        else {
                                                                                            var valid27 = true;
                                                                                            const len3 = data33.length;
                                                                                            for (let i3 = 0; i3 < len3; i3++) {
                                                                                                let data34 = data33[i3];
                                                                                                const _errs86 = errors;
                                                                                                const _errs87 = errors;
                                                                                                if (errors === _errs87) {
                                                                                                    if (typeof data34 === "string") {
                                                                                                        if (!pattern10.test(data34)) {
                                                                                                            validate20.errors = [{ instancePath: instancePath + "/verification/signers/" + i3, schemaPath: "#/$defs/text/pattern", keyword: "pattern", params: { pattern: "^[\\s\\S]{1,4096}$" }, message: "must match pattern \"" + "^[\\s\\S]{1,4096}$" + "\"" }];
                                                                                                            return false;
                                                                                                        }
                                                                                                    }
                                                                                                    else {
                                                                                                        validate20.errors = [{ instancePath: instancePath + "/verification/signers/" + i3, schemaPath: "#/$defs/text/type", keyword: "type", params: { type: "string" }, message: "must be string" }];
                                                                                                        return false;
                                                                                                    }
                                                                                                }
                                                                                                var valid27 = _errs86 === errors;
                                                                                                if (!valid27) {
                                                                                                    break;
                                                                                                }
                                                                                            }
                                                                                        }
                                                                                    }
                                                                                    else {
                                                                                        validate20.errors = [{ instancePath: instancePath + "/verification/signers", schemaPath: "#/properties/verification/properties/signers/type", keyword: "type", params: { type: "array" }, message: "must be array" }];
                                                                                        return false;
                                                                                    }
                                                                                }
                                                                                var valid26 = _errs84 === errors;
                                                                            }
                                                                            else {
                                                                                var valid26 = true;
                                                                            }
                                                                            if (valid26) {
                                                                                if (data31.attestations !== undefined) {
                                                                                    let data35 = data31.attestations;
                                                                                    const _errs89 = errors;
                                                                                    if (errors === _errs89) {
                                                                                        if (Array.isArray(data35)) {
                                                                                            if (data35.length > 256) {
                                                                                                validate20.errors = [{ instancePath: instancePath + "/verification/attestations", schemaPath: "#/properties/verification/properties/attestations/maxItems", keyword: "maxItems", params: { limit: 256 }, message: "must NOT have more than 256 items" }];
                                                                                                return false;
                                                                                            }
                                                                                            else {
                                                                                                var valid29 = true;
                                                                                                const len4 = data35.length;
                                                                                                for (let i4 = 0; i4 < len4; i4++) {
                                                                                                    let data36 = data35[i4];
                                                                                                    const _errs91 = errors;
                                                                                                    const _errs92 = errors;
                                                                                                    if (errors === _errs92) {
                                                                                                        if (typeof data36 === "string") {
                                                                                                            if (!pattern10.test(data36)) {
                                                                                                                validate20.errors = [{ instancePath: instancePath + "/verification/attestations/" + i4, schemaPath: "#/$defs/text/pattern", keyword: "pattern", params: { pattern: "^[\\s\\S]{1,4096}$" }, message: "must match pattern \"" + "^[\\s\\S]{1,4096}$" + "\"" }];
                                                                                                                return false;
                                                                                                            }
                                                                                                        }
                                                                                                        else {
                                                                                                            validate20.errors = [{ instancePath: instancePath + "/verification/attestations/" + i4, schemaPath: "#/$defs/text/type", keyword: "type", params: { type: "string" }, message: "must be string" }];
                                                                                                            return false;
                                                                                                        }
                                                                                                    }
                                                                                                    var valid29 = _errs91 === errors;
                                                                                                    if (!valid29) {
                                                                                                        break;
                                                                                                    }
                                                                                                }
                                                                                            }
                                                                                        }
                                                                                        else {
                                                                                            validate20.errors = [{ instancePath: instancePath + "/verification/attestations", schemaPath: "#/properties/verification/properties/attestations/type", keyword: "type", params: { type: "array" }, message: "must be array" }];
                                                                                            return false;
                                                                                        }
                                                                                    }
                                                                                    var valid26 = _errs89 === errors;
                                                                                }
                                                                                else {
                                                                                    var valid26 = true;
                                                                                }
                                                                                if (valid26) {
                                                                                    if (data31.manifests !== undefined) {
                                                                                        let data37 = data31.manifests;
                                                                                        const _errs94 = errors;
                                                                                        if (errors === _errs94) {
                                                                                            if (Array.isArray(data37)) {
                                                                                                if (data37.length > 256) {
                                                                                                    validate20.errors = [{ instancePath: instancePath + "/verification/manifests", schemaPath: "#/properties/verification/properties/manifests/maxItems", keyword: "maxItems", params: { limit: 256 }, message: "must NOT have more than 256 items" }];
                                                                                                    return false;
                                                                                                }
                                                                                                else {
                                                                                                    var valid31 = true;
                                                                                                    const len5 = data37.length;
                                                                                                    for (let i5 = 0; i5 < len5; i5++) {
                                                                                                        let data38 = data37[i5];
                                                                                                        const _errs96 = errors;
                                                                                                        if (errors === _errs96) {
                                                                                                            if (data38 && typeof data38 == "object" && !Array.isArray(data38)) {
                                                                                                                let missing7;
                                                                                                                if (((data38.digest === undefined) && (missing7 = "digest")) || ((data38.predicateTypes === undefined) && (missing7 = "predicateTypes"))) {
                                                                                                                    validate20.errors = [{ instancePath: instancePath + "/verification/manifests/" + i5, schemaPath: "#/properties/verification/properties/manifests/items/required", keyword: "required", params: { missingProperty: missing7 }, message: "must have required property '" + missing7 + "'" }];
                                                                                                                    return false;
                                                                                                                }
                                                                                                                else {
                                                                                                                    const _errs98 = errors;
                                                                                                                    for (const key9 in data38) {
                                                                                                                        if (!(((key9 === "digest") || (key9 === "platform")) || (key9 === "predicateTypes"))) {
                                                                                                                            validate20.errors = [{ instancePath: instancePath + "/verification/manifests/" + i5, schemaPath: "#/properties/verification/properties/manifests/items/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: key9 }, message: "must NOT have additional properties" }];
                                                                                                                            return false;
                                                                                                                            break;
                                                                                                                        }
                                                                                                                    }
                                                                                                                    if (_errs98 === errors) {
                                                                                                                        if (data38.digest !== undefined) {
                                                                                                                            let data39 = data38.digest;
                                                                                                                            const _errs99 = errors;
                                                                                                                            const _errs100 = errors;
                                                                                                                            if (errors === _errs100) {
                                                                                                                                if (typeof data39 === "string") {
                                                                                                                                    if (!pattern5.test(data39)) {
                                                                                                                                        validate20.errors = [{ instancePath: instancePath + "/verification/manifests/" + i5 + "/digest", schemaPath: "#/$defs/digest/pattern", keyword: "pattern", params: { pattern: "^sha256:[0-9a-f]{64}$" }, message: "must match pattern \"" + "^sha256:[0-9a-f]{64}$" + "\"" }];
                                                                                                                                        return false;
                                                                                                                                    }
                                                                                                                                }
                                                                                                                                else {
                                                                                                                                    validate20.errors = [{ instancePath: instancePath + "/verification/manifests/" + i5 + "/digest", schemaPath: "#/$defs/digest/type", keyword: "type", params: { type: "string" }, message: "must be string" }];
                                                                                                                                    return false;
                                                                                                                                }
                                                                                                                            }
                                                                                                                            var valid32 = _errs99 === errors;
                                                                                                                        }
                                                                                                                        else {
                                                                                                                            var valid32 = true;
                                                                                                                        }
                                                                                                                        if (valid32) {
                                                                                                                            if (data38.platform !== undefined) {
                                                                                                                                let data40 = data38.platform;
                                                                                                                                const _errs102 = errors;
                                                                                                                                const _errs103 = errors;
                                                                                                                                if (errors === _errs103) {
                                                                                                                                    if (typeof data40 === "string") {
                                                                                                                                        if (!pattern8.test(data40)) {
                                                                                                                                            validate20.errors = [{ instancePath: instancePath + "/verification/manifests/" + i5 + "/platform", schemaPath: "#/$defs/platform/pattern", keyword: "pattern", params: { pattern: "^[a-z0-9_.-]{1,32}/[a-z0-9_.-]{1,32}(?:/[a-z0-9_.-]{1,32})?$" }, message: "must match pattern \"" + "^[a-z0-9_.-]{1,32}/[a-z0-9_.-]{1,32}(?:/[a-z0-9_.-]{1,32})?$" + "\"" }];
                                                                                                                                            return false;
                                                                                                                                        }
                                                                                                                                    }
                                                                                                                                    else {
                                                                                                                                        validate20.errors = [{ instancePath: instancePath + "/verification/manifests/" + i5 + "/platform", schemaPath: "#/$defs/platform/type", keyword: "type", params: { type: "string" }, message: "must be string" }];
                                                                                                                                        return false;
                                                                                                                                    }
                                                                                                                                }
                                                                                                                                var valid32 = _errs102 === errors;
                                                                                                                            }
                                                                                                                            else {
                                                                                                                                var valid32 = true;
                                                                                                                            }
                                                                                                                            if (valid32) {
                                                                                                                                if (data38.predicateTypes !== undefined) {
                                                                                                                                    let data41 = data38.predicateTypes;
                                                                                                                                    const _errs105 = errors;
                                                                                                                                    if (errors === _errs105) {
                                                                                                                                        if (Array.isArray(data41)) {
                                                                                                                                            if (data41.length > 256) {
                                                                                                                                                validate20.errors = [{ instancePath: instancePath + "/verification/manifests/" + i5 + "/predicateTypes", schemaPath: "#/properties/verification/properties/manifests/items/properties/predicateTypes/maxItems", keyword: "maxItems", params: { limit: 256 }, message: "must NOT have more than 256 items" }];
                                                                                                                                                return false;
                                                                                                                                            }
                                                                                                                                            else {
                                                                                                                                                var valid35 = true;
                                                                                                                                                const len6 = data41.length;
                                                                                                                                                for (let i6 = 0; i6 < len6; i6++) {
                                                                                                                                                    let data42 = data41[i6];
                                                                                                                                                    const _errs107 = errors;
                                                                                                                                                    const _errs108 = errors;
                                                                                                                                                    if (errors === _errs108) {
                                                                                                                                                        if (typeof data42 === "string") {
                                                                                                                                                            if (!pattern10.test(data42)) {
                                                                                                                                                                validate20.errors = [{ instancePath: instancePath + "/verification/manifests/" + i5 + "/predicateTypes/" + i6, schemaPath: "#/$defs/text/pattern", keyword: "pattern", params: { pattern: "^[\\s\\S]{1,4096}$" }, message: "must match pattern \"" + "^[\\s\\S]{1,4096}$" + "\"" }];
                                                                                                                                                                return false;
                                                                                                                                                            }
                                                                                                                                                        }
                                                                                                                                                        else {
                                                                                                                                                            validate20.errors = [{ instancePath: instancePath + "/verification/manifests/" + i5 + "/predicateTypes/" + i6, schemaPath: "#/$defs/text/type", keyword: "type", params: { type: "string" }, message: "must be string" }];
                                                                                                                                                            return false;
                                                                                                                                                        }
                                                                                                                                                    }
                                                                                                                                                    var valid35 = _errs107 === errors;
                                                                                                                                                    if (!valid35) {
                                                                                                                                                        break;
                                                                                                                                                    }
                                                                                                                                                }
                                                                                                                                            }
                                                                                                                                        }
                                                                                                                                        else {
                                                                                                                                            validate20.errors = [{ instancePath: instancePath + "/verification/manifests/" + i5 + "/predicateTypes", schemaPath: "#/properties/verification/properties/manifests/items/properties/predicateTypes/type", keyword: "type", params: { type: "array" }, message: "must be array" }];
                                                                                                                                            return false;
                                                                                                                                        }
                                                                                                                                    }
                                                                                                                                    var valid32 = _errs105 === errors;
                                                                                                                                }
                                                                                                                                else {
                                                                                                                                    var valid32 = true;
                                                                                                                                }
                                                                                                                            }
                                                                                                                        }
                                                                                                                    }
                                                                                                                }
                                                                                                            }
                                                                                                            else {
                                                                                                                validate20.errors = [{ instancePath: instancePath + "/verification/manifests/" + i5, schemaPath: "#/properties/verification/properties/manifests/items/type", keyword: "type", params: { type: "object" }, message: "must be object" }];
                                                                                                                return false;
                                                                                                            }
                                                                                                        }
                                                                                                        var valid31 = _errs96 === errors;
                                                                                                        if (!valid31) {
                                                                                                            break;
                                                                                                        }
                                                                                                    }
                                                                                                }
                                                                                            }
                                                                                            else {
                                                                                                validate20.errors = [{ instancePath: instancePath + "/verification/manifests", schemaPath: "#/properties/verification/properties/manifests/type", keyword: "type", params: { type: "array" }, message: "must be array" }];
                                                                                                return false;
                                                                                            }
                                                                                        }
                                                                                        var valid26 = _errs94 === errors;
                                                                                    }
                                                                                    else {
                                                                                        var valid26 = true;
                                                                                    }
                                                                                    if (valid26) {
                                                                                        if (data31.rejected !== undefined) {
                                                                                            let data43 = data31.rejected;
                                                                                            const _errs110 = errors;
                                                                                            if (!(((typeof data43 == "number") && (!(data43 % 1) && !isNaN(data43))) && (isFinite(data43)))) {
                                                                                                validate20.errors = [{ instancePath: instancePath + "/verification/rejected", schemaPath: "#/properties/verification/properties/rejected/type", keyword: "type", params: { type: "integer" }, message: "must be integer" }];
                                                                                                return false;
                                                                                            }
                                                                                            if (errors === _errs110) {
                                                                                                if ((typeof data43 == "number") && (isFinite(data43))) {
                                                                                                    if (data43 < 0 || isNaN(data43)) {
                                                                                                        validate20.errors = [{ instancePath: instancePath + "/verification/rejected", schemaPath: "#/properties/verification/properties/rejected/minimum", keyword: "minimum", params: { comparison: ">=", limit: 0 }, message: "must be >= 0" }];
                                                                                                        return false;
                                                                                                    }
                                                                                                }
                                                                                            }
                                                                                            var valid26 = _errs110 === errors;
                                                                                        }
                                                                                        else {
                                                                                            var valid26 = true;
                                                                                        }
                                                                                    }
                                                                                }
                                                                            }
                                                                        }
                                                                    }
                                                                }
                                                            }
                                                            else {
                                                                validate20.errors = [{ instancePath: instancePath + "/verification", schemaPath: "#/properties/verification/type", keyword: "type", params: { type: "object" }, message: "must be object" }];
                                                                return false;
                                                            }
                                                        }
                                                        var valid0 = _errs80 === errors;
                                                    }
                                                    else {
                                                        var valid0 = true;
                                                    }
                                                    if (valid0) {
                                                        if (data.destinations !== undefined) {
                                                            let data44 = data.destinations;
                                                            const _errs112 = errors;
                                                            if (errors === _errs112) {
                                                                if (data44 && typeof data44 == "object" && !Array.isArray(data44)) {
                                                                    if (Object.keys(data44).length > 64) {
                                                                        validate20.errors = [{ instancePath: instancePath + "/destinations", schemaPath: "#/properties/destinations/maxProperties", keyword: "maxProperties", params: { limit: 64 }, message: "must NOT have more than 64 properties" }];
                                                                        return false;
                                                                    }
                                                                    else {
                                                                        for (const key10 in data44) {
                                                                            const _errs114 = errors;
                                                                            const _errs115 = errors;
                                                                            if (errors === _errs115) {
                                                                                if (typeof key10 === "string") {
                                                                                    if (!pattern4.test(key10)) {
                                                                                        const err3 = { instancePath: instancePath + "/destinations", schemaPath: "#/$defs/repository/pattern", keyword: "pattern", params: { pattern: "^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\\.[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[0-9]{1,5})?(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*){0,16}$" }, message: "must match pattern \"" + "^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\\.[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[0-9]{1,5})?(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*){0,16}$" + "\"", propertyName: key10 };
                                                                                        if (vErrors === null) {
                                                                                            vErrors = [err3];
                                                                                        }
                                                                                        else {
                                                                                            vErrors.push(err3);
                                                                                        }
                                                                                        errors++;
                                                                                    }
                                                                                }
                                                                                else {
                                                                                    const err4 = { instancePath: instancePath + "/destinations", schemaPath: "#/$defs/repository/type", keyword: "type", params: { type: "string" }, message: "must be string", propertyName: key10 };
                                                                                    if (vErrors === null) {
                                                                                        vErrors = [err4];
                                                                                    }
                                                                                    else {
                                                                                        vErrors.push(err4);
                                                                                    }
                                                                                    errors++;
                                                                                }
                                                                            }
                                                                            var valid37 = _errs114 === errors;
                                                                            if (!valid37) {
                                                                                const err5 = { instancePath: instancePath + "/destinations", schemaPath: "#/properties/destinations/propertyNames", keyword: "propertyNames", params: { propertyName: key10 }, message: "property name must be valid" };
                                                                                if (vErrors === null) {
                                                                                    vErrors = [err5];
                                                                                }
                                                                                else {
                                                                                    vErrors.push(err5);
                                                                                }
                                                                                errors++;
                                                                                validate20.errors = vErrors;
                                                                                return false;
                                                                                break;
                                                                            }
                                                                        }
                                                                        if (valid37) {
                                                                            for (const key11 in data44) {
                                                                                const _errs118 = errors;
                                                                                if (!(validate25(data44[key11], { instancePath: instancePath + "/destinations/" + key11.replace(/~/g, "~0").replace(/\//g, "~1"), parentData: data44, parentDataProperty: key11, rootData, dynamicAnchors }))) {
                                                                                    vErrors = vErrors === null ? validate25.errors : vErrors.concat(validate25.errors);
                                                                                    errors = vErrors.length;
                                                                                }
                                                                                var valid39 = _errs118 === errors;
                                                                                if (!valid39) {
                                                                                    break;
                                                                                }
                                                                            }
                                                                        }
                                                                    }
                                                                }
                                                                else {
                                                                    validate20.errors = [{ instancePath: instancePath + "/destinations", schemaPath: "#/properties/destinations/type", keyword: "type", params: { type: "object" }, message: "must be object" }];
                                                                    return false;
                                                                }
                                                            }
                                                            var valid0 = _errs112 === errors;
                                                        }
                                                        else {
                                                            var valid0 = true;
                                                        }
                                                        if (valid0) {
                                                            if (data.omitted !== undefined) {
                                                                let data46 = data.omitted;
                                                                const _errs119 = errors;
                                                                if (errors === _errs119) {
                                                                    if (Array.isArray(data46)) {
                                                                        if (data46.length > 64) {
                                                                            validate20.errors = [{ instancePath: instancePath + "/omitted", schemaPath: "#/properties/omitted/maxItems", keyword: "maxItems", params: { limit: 64 }, message: "must NOT have more than 64 items" }];
                                                                            return false;
                                                                        }
                                                                        else {
                                                                            var valid40 = true;
                                                                            const len7 = data46.length;
                                                                            for (let i7 = 0; i7 < len7; i7++) {
                                                                                let data47 = data46[i7];
                                                                                const _errs121 = errors;
                                                                                const _errs122 = errors;
                                                                                if (errors === _errs122) {
                                                                                    if (typeof data47 === "string") {
                                                                                        if (!pattern10.test(data47)) {
                                                                                            validate20.errors = [{ instancePath: instancePath + "/omitted/" + i7, schemaPath: "#/$defs/text/pattern", keyword: "pattern", params: { pattern: "^[\\s\\S]{1,4096}$" }, message: "must match pattern \"" + "^[\\s\\S]{1,4096}$" + "\"" }];
                                                                                            return false;
                                                                                        }
                                                                                    }
                                                                                    else {
                                                                                        validate20.errors = [{ instancePath: instancePath + "/omitted/" + i7, schemaPath: "#/$defs/text/type", keyword: "type", params: { type: "string" }, message: "must be string" }];
                                                                                        return false;
                                                                                    }
                                                                                }
                                                                                var valid40 = _errs121 === errors;
                                                                                if (!valid40) {
                                                                                    break;
                                                                                }
                                                                            }
                                                                        }
                                                                    }
                                                                    else {
                                                                        validate20.errors = [{ instancePath: instancePath + "/omitted", schemaPath: "#/properties/omitted/type", keyword: "type", params: { type: "array" }, message: "must be array" }];
                                                                        return false;
                                                                    }
                                                                }
                                                                var valid0 = _errs119 === errors;
                                                            }
                                                            else {
                                                                var valid0 = true;
                                                            }
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    else {
        validate20.errors = [{ instancePath, schemaPath: "#/type", keyword: "type", params: { type: "object" }, message: "must be object" }];
        return false;
    }
} validate20.errors = vErrors; return errors === 0; }
validate20.evaluated = { "props": true, "dynamicProps": false, "dynamicItems": false };

;// CONCATENATED MODULE: ./packages/image-record/src/record.ts

const record_validate = validate;
const IMAGE_RECORD_SCHEMA_VERSION = 1;
const IMAGE_RECORD_MAX_BYTES = 900_000;
class record_ImageRecordError extends Error {
    code;
    field;
    constructor(code, message, field) {
        super(message);
        this.name = 'ImageRecordError';
        this.code = code;
        if (field !== undefined)
            this.field = field;
    }
}
const MAX_INPUT_BYTES = (/* unused pure expression or super */ null && (4 * 1024 * 1024));
function record_parseImageRecord(text) {
    if (Buffer.byteLength(text) > MAX_INPUT_BYTES)
        throw new record_ImageRecordError('RECORD_TOO_LARGE', `the record is over ${MAX_INPUT_BYTES} bytes`);
    let value;
    try {
        value = JSON.parse(text);
    }
    catch (e) {
        throw new record_ImageRecordError('RECORD_INVALID', `not JSON (${e.message})`);
    }
    return checkImageRecord(value);
}
function checkImageRecord(value) {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw new record_ImageRecordError('RECORD_INVALID', 'expected a JSON object');
    const version = value.schemaVersion;
    if (version === undefined)
        throw new record_ImageRecordError('RECORD_VERSION', `schemaVersion is missing (this version reads schemaVersion ${IMAGE_RECORD_SCHEMA_VERSION}; pass the \`image-record\` output of a deliverkit action)`, 'schemaVersion');
    if (version !== IMAGE_RECORD_SCHEMA_VERSION)
        throw new record_ImageRecordError('RECORD_VERSION', `schemaVersion ${JSON.stringify(version)} is not one this version reads (${IMAGE_RECORD_SCHEMA_VERSION}); use the same deliverkit release for every step`, 'schemaVersion');
    if (!record_validate(value)) {
        const error = record_validate.errors?.[0];
        throw describe(error);
    }
    return value;
}
function fieldName(instancePath, child) {
    const parts = instancePath
        .split('/')
        .slice(1)
        .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (child !== undefined)
        parts.push(child);
    let out = '';
    for (const p of parts) {
        if (/^\d+$/.test(p))
            out += `[${p}]`;
        else if (/^[A-Za-z_$][\w$]*$/.test(p))
            out += out ? `.${p}` : p;
        else
            out += `[${JSON.stringify(p)}]`;
    }
    return out || '(the record)';
}
function describe(error) {
    if (!error)
        return new record_ImageRecordError('RECORD_INVALID', 'does not match the image-record schema');
    const { keyword, params } = error;
    if (keyword === 'required') {
        const field = fieldName(error.instancePath, String(params.missingProperty));
        return new record_ImageRecordError('RECORD_INVALID', `${field} is missing`, field);
    }
    if (keyword === 'additionalProperties') {
        const field = fieldName(error.instancePath, String(params.additionalProperty));
        return new record_ImageRecordError('RECORD_INVALID', `${field} is not a field of the image record`, field);
    }
    const key = error.propertyName ?? (keyword === 'propertyNames' ? params.propertyName : undefined);
    if (key !== undefined) {
        const field = fieldName(error.instancePath, String(key));
        return new record_ImageRecordError('RECORD_INVALID', `${field}: the key is not valid here`, field);
    }
    const field = fieldName(error.instancePath);
    const what = keyword === 'pattern' && /digest/i.test(field)
        ? 'must be a sha256 digest (sha256:<64 hex>)'
        : keyword === 'pattern'
            ? `is not valid (${error.message ?? 'pattern'})`
            : (error.message ?? keyword);
    return new record_ImageRecordError('RECORD_INVALID', `${field} ${what}`, field);
}
function record_assertRecordDigest(record, digest) {
    if (record.digest !== digest)
        throw new record_ImageRecordError('RECORD_MISMATCH', `digest is ${record.digest}, but this step works on ${digest}`, 'digest');
}
const DROPPABLE = [
    {
        field: 'destinations.*.references',
        drop: (r) => forEachDestination(r, (d) => delete d.references),
    },
    {
        field: 'verification.manifests',
        drop: (r) => !!r.verification && ((r.verification.manifests = []), true),
    },
    {
        field: 'signatures.manifests.*.bundles',
        drop: (r) => !!r.signatures && (r.signatures.manifests.forEach((m) => (m.bundles = [])), true),
    },
    { field: 'destinations.*.tags', drop: (r) => forEachDestination(r, (d) => (d.tags = [])) },
    { field: 'tags', drop: (r) => !!r.tags && (delete r.tags, true) },
    {
        field: 'platforms.*.sboms',
        drop: (r) => !!r.platforms && (Object.values(r.platforms).forEach((p) => delete p.sboms), true),
    },
];
function forEachDestination(r, f) {
    if (!r.destinations)
        return false;
    for (const d of Object.values(r.destinations))
        f(d);
    return true;
}
function fitImageRecord(record, maxBytes = IMAGE_RECORD_MAX_BYTES) {
    const current = checkImageRecord(JSON.parse(JSON.stringify(record)));
    let size = Buffer.byteLength(JSON.stringify(current));
    if (size <= maxBytes)
        return current;
    const omitted = [...(current.omitted ?? [])];
    for (const { field, drop } of DROPPABLE) {
        if (!drop(current))
            continue;
        omitted.push(field);
        current.omitted = omitted;
        size = Buffer.byteLength(JSON.stringify(current));
        if (size <= maxBytes)
            return current;
    }
    throw new record_ImageRecordError('RECORD_TOO_LARGE', `the image record is ${size} bytes even without ${omitted.join(', ')}; GitHub refuses job outputs over 1 MB`);
}
function formatImageRecord(record, maxBytes = IMAGE_RECORD_MAX_BYTES) {
    return JSON.stringify(fitImageRecord(record, maxBytes));
}

;// CONCATENATED MODULE: ./packages/action-kit/src/image-record.ts



function asInputError(name, e) {
    return e instanceof ImageRecordError
        ? new InputError(name, `Input "${name}": ${e.message}`, 'INPUT_INVALID', { cause: e })
        : e;
}
function getImageRecord(name = 'image-record') {
    const raw = readRaw(name);
    if (raw === undefined)
        return undefined;
    try {
        return parseImageRecord(raw);
    }
    catch (e) {
        throw asInputError(name, e);
    }
}
function imageRecordOutput(record) {
    return fitImageRecord(record);
}
function assertImageRecordDigest(record, digest, name = 'image-record') {
    if (!record)
        return;
    try {
        assertRecordDigest(record, digest);
    }
    catch (e) {
        throw asInputError(name, e);
    }
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

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(31421);
// EXTERNAL MODULE: ./packages/action-kit/src/errors.ts
var errors = __webpack_require__(21901);
;// CONCATENATED MODULE: ./packages/action-kit/src/exec.ts



const MAX_CAPTURE = 8 * 1024 * 1024;
async function exec_exec(cmd, args, options = {}) {
    const logger = options.logger ?? silentLogger;
    const runIt = () => spawnCaptured(cmd, args, options, logger);
    const result = options.group && options.stream ? await logger.group(options.group, runIt) : await runIt();
    if (result.exitCode !== 0 && !options.ignoreReturnCode) {
        throw new errors/* CommandInvocationError */._T({ cmd, args, exitCode: result.exitCode, stderr: result.stderr });
    }
    return result;
}
function spawnCaptured(cmd, args, options, logger) {
    return new Promise((resolve, reject) => {
        const env = options.replaceEnv ? { ...options.env } : { ...process.env, ...options.env };
        for (const [k, v] of Object.entries(env))
            if (v === undefined)
                delete env[k];
        logger.debug(`exec: ${cmd} ${args.join(' ')}`);
        const child = (0,external_node_child_process_.spawn)(cmd, [...args], {
            cwd: options.cwd,
            env: env,
            stdio: ['pipe', 'pipe', 'pipe'],
            signal: options.signal,
            timeout: options.timeoutMs,
        });
        const out = new Capture(options.stream ? (l) => logger.info(l) : undefined);
        const err = new Capture(options.stream ? (l) => logger.info(l) : undefined);
        child.stdout.on('data', (d) => out.push(d));
        child.stderr.on('data', (d) => err.push(d));
        child.on('error', (e) => {
            reject(new errors/* CommandInvocationError */._T({
                cmd,
                args,
                exitCode: null,
                stderr: e.code === 'ENOENT' ? `${cmd}: command not found` : e.message,
                code: e.code === 'ENOENT' ? 'COMMAND_NOT_FOUND' : 'COMMAND_FAILED',
                cause: e,
            }));
        });
        child.on('close', (code, signal) => {
            out.flush();
            err.flush();
            resolve({
                exitCode: code ?? (signal ? 128 : 1),
                stdout: out.text(),
                stderr: err.text() + (signal && code === null ? `\nkilled by ${signal}` : ''),
            });
        });
        child.stdin.on('error', () => { });
        if (options.input !== undefined)
            child.stdin.end(options.input);
        else
            child.stdin.end();
    });
}
class Capture {
    onLine;
    chunks = [];
    size = 0;
    partial = '';
    constructor(onLine) {
        this.onLine = onLine;
    }
    push(d) {
        if (this.size < MAX_CAPTURE) {
            this.chunks.push(d);
            this.size += d.length;
        }
        else {
            this.chunks.push(d);
            while (this.size > MAX_CAPTURE && this.chunks.length > 1)
                this.size -= this.chunks.shift().length;
            this.size += d.length;
        }
        if (this.onLine) {
            const text = this.partial + d.toString('utf8');
            const lines = text.split(/\r?\n/);
            this.partial = lines.pop() ?? '';
            for (const l of lines)
                this.onLine(l);
        }
    }
    flush() {
        if (this.onLine && this.partial)
            this.onLine(this.partial);
        this.partial = '';
    }
    text() {
        return Buffer.concat(this.chunks).toString('utf8');
    }
}

;// CONCATENATED MODULE: ./packages/action-kit/src/git.ts


class Git {
    dir;
    options;
    constructor(dir, options = {}) {
        this.dir = dir;
        this.options = options;
    }
    env() {
        const name = this.options.author?.name ?? 'deliverkit';
        const email = this.options.author?.email ?? 'deliverkit@users.noreply.github.com';
        const env = {
            GIT_TERMINAL_PROMPT: '0',
            GIT_AUTHOR_NAME: name,
            GIT_AUTHOR_EMAIL: email,
            GIT_COMMITTER_NAME: name,
            GIT_COMMITTER_EMAIL: email,
        };
        if (this.options.token) {
            env.GIT_CONFIG_COUNT = '1';
            env.GIT_CONFIG_KEY_0 = 'http.extraheader';
            env.GIT_CONFIG_VALUE_0 = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${this.options.token}`).toString('base64')}`;
        }
        return env;
    }
    get logger() {
        return this.options.logger ?? silentLogger;
    }
    async run(args, cwd = this.dir) {
        const res = await (this.options.exec ?? exec_exec)(this.options.git ?? 'git', args, {
            cwd,
            env: this.env(),
            logger: this.logger,
        });
        return res.stdout.trim();
    }
    async commitDate(sha) {
        const text = await this.run(['log', '-1', '--format=%cI', sha]).catch(() => '');
        this.logger.debug(`Git.commitDate: ${sha}: ${text || 'unknown'}`);
        return text ? new Date(text) : undefined;
    }
    async clone(repo, branch, cwd) {
        await this.run(['clone', '--quiet', '--branch', branch, '--', repo, this.dir], cwd);
    }
    diff(file) {
        return this.run(['diff', '--unified=1', '--', file]);
    }
    async add(file) {
        await this.run(['add', '--', file]);
    }
    async commit(message) {
        await this.run(['commit', '--quiet', '-m', message]);
        return this.run(['rev-parse', 'HEAD']);
    }
    showHead() {
        return this.run(['show', '--format=', '--unified=1', 'HEAD']);
    }
    lastCommit(file, grep) {
        return this.run(['log', '--format=%H', '-n', '1', `--grep=${grep}`, '--', file]);
    }
    async revert(commit) {
        await this.run(['revert', '--no-edit', commit]);
        return this.run(['rev-parse', 'HEAD']);
    }
    async push(branch, options = {}) {
        await this.run([
            'push',
            '--quiet',
            ...(options.force ? ['--force'] : []),
            'origin',
            `HEAD:refs/heads/${branch}`,
        ]);
    }
}

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
var external_node_os_default = /*#__PURE__*/__webpack_require__.n(external_node_os_);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
;// CONCATENATED MODULE: ./packages/oci/src/errors.ts

class RegistryError extends errors/* BaseError */.Cf {
    registry;
    repository;
    operation;
    status;
    attempts;
    constructor(code, context, detail, options) {
        const where = context.repository ? `${context.registry}/${context.repository}` : context.registry;
        const tries = context.attempts && context.attempts > 1 ? ` after ${context.attempts} attempts` : '';
        super(code, `${context.operation} at ${where} failed${tries}: ${detail}`, options);
        this.registry = context.registry;
        this.repository = context.repository;
        this.operation = context.operation;
        this.status = context.status;
        this.attempts = context.attempts;
    }
}
class CredentialError extends errors/* BaseError */.Cf {
}
class SpoolError extends errors/* BaseError */.Cf {
}

// EXTERNAL MODULE: ./packages/oci-core/src/reference.ts
var src_reference = __webpack_require__(98273);
;// CONCATENATED MODULE: ./packages/oci/src/auth.ts






function parseWwwAuthenticate(header) {
    const challenges = [];
    let i = 0;
    const n = header.length;
    const skipSpace = () => {
        while (i < n && /[\s,]/.test(header[i]))
            i++;
    };
    const readToken = () => {
        const start = i;
        while (i < n && /[!#$%&'*+\-.^_`|~0-9A-Za-z]/.test(header[i]))
            i++;
        return header.slice(start, i);
    };
    let current;
    while (i < n) {
        skipSpace();
        if (i >= n)
            break;
        const token = readToken();
        if (!token) {
            i++;
            continue;
        }
        let j = i;
        while (j < n && header[j] === ' ')
            j++;
        if (header[j] === '=' && current) {
            i = j + 1;
            while (i < n && header[i] === ' ')
                i++;
            let value;
            if (header[i] === '"') {
                i++;
                let out = '';
                while (i < n && header[i] !== '"') {
                    if (header[i] === '\\' && i + 1 < n)
                        i++;
                    out += header[i];
                    i++;
                }
                i++;
                value = out;
            }
            else {
                const start = i;
                while (i < n && header[i] !== ',')
                    i++;
                value = header.slice(start, i).trim();
            }
            current.params[token.toLowerCase()] = value;
        }
        else {
            current = { scheme: token.toLowerCase(), params: {} };
            challenges.push(current);
            while (i < n && header[i] === ' ')
                i++;
            const rest = header.slice(i);
            const m = /^[A-Za-z0-9._~+/-]+=*(?=\s*(,|$))/.exec(rest);
            if (m && !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+\s*=[^=]/.test(rest))
                i += m[0].length;
        }
    }
    return challenges;
}
function formatScope(scope) {
    const actions = [...new Set(scope.actions)].sort((a, b) => ACTION_ORDER[a] - ACTION_ORDER[b]);
    return `repository:${scope.repository}:${actions.join(',')}`;
}
const ACTION_ORDER = { pull: 0, push: 1, delete: 2 };
function normalizeScopes(scopes) {
    const byRepo = new Map();
    for (const s of scopes) {
        const set = byRepo.get(s.repository) ?? new Set();
        for (const a of s.actions)
            set.add(a);
        byRepo.set(s.repository, set);
    }
    return [...byRepo.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([repository, actions]) => ({ repository, actions: [...actions] }));
}
function parseTokenResponse(body, now = Date.now()) {
    let parsed;
    try {
        parsed = JSON.parse(body);
    }
    catch {
        throw new Error('token endpoint answer is not JSON');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('token endpoint answer is not a JSON object');
    const json = parsed;
    const token = typeof json.token === 'string' && json.token ? json.token : json.access_token;
    if (typeof token !== 'string' || !token)
        throw new Error('token endpoint returned no token');
    const expiresIn = typeof json.expires_in === 'number' && json.expires_in > 0 ? Math.min(json.expires_in, 86_400) : 60;
    const issued = typeof json.issued_at === 'string' ? Date.parse(json.issued_at) : NaN;
    const start = Number.isNaN(issued) || issued > now ? now : issued;
    const skew = Math.min(30, expiresIn * 0.1) * 1000;
    return { token, expiresAt: start + expiresIn * 1000 - skew };
}
class StaticCredentials {
    byRegistry = new Map();
    constructor(entries = {}) {
        for (const [registry, credential] of Object.entries(entries))
            this.byRegistry.set(normalizeRegistryKey(registry), credential);
    }
    async get(registry) {
        return this.byRegistry.get(normalizeRegistryKey(registry));
    }
}
function chainCredentials(...providers) {
    return {
        async get(registry) {
            for (const provider of providers) {
                const found = await provider.get(registry);
                if (found)
                    return found;
            }
            return undefined;
        },
    };
}
function normalizeRegistryKey(registry) {
    let key = registry.trim().replace(/^[a-z]+:\/\//i, '');
    key = key.replace(/\/.*$/, '').toLowerCase();
    if (key === 'index.docker.io' || key === src_reference/* DOCKER_HUB_API_HOST */.Tz || key === src_reference/* DOCKER_HUB */.Xb)
        return src_reference/* DOCKER_HUB */.Xb;
    return key;
}
class DockerConfigCredentials {
    options;
    config;
    constructor(options = {}) {
        this.options = options;
    }
    load() {
        this.config ??= (async () => {
            const file = this.options.path ??
                external_node_path_default().join(process.env.DOCKER_CONFIG ?? external_node_path_default().join(external_node_os_default().homedir(), '.docker'), 'config.json');
            try {
                return JSON.parse(await (0,promises_.readFile)(file, 'utf8'));
            }
            catch (error) {
                if (error.code === 'ENOENT')
                    return undefined;
                throw new CredentialError('CREDENTIALS_UNREADABLE', `cannot read docker config ${file}: ${error.message}`, { cause: error });
            }
        })();
        return this.config;
    }
    async get(registry) {
        const config = await this.load();
        if (!config)
            return undefined;
        const key = normalizeRegistryKey(registry);
        const helperEntry = Object.entries(config.credHelpers ?? {}).find(([k]) => normalizeRegistryKey(k) === key);
        if (helperEntry)
            return this.fromHelper(helperEntry[1], key);
        if (config.credsStore) {
            const fromStore = await this.fromHelper(config.credsStore, key);
            if (fromStore)
                return fromStore;
        }
        const authEntry = Object.entries(config.auths ?? {}).find(([k]) => normalizeRegistryKey(k) === key);
        if (!authEntry)
            return undefined;
        const entry = authEntry[1];
        const credential = {};
        if (entry.auth) {
            const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
            const colon = decoded.indexOf(':');
            if (colon > 0) {
                credential.username = decoded.slice(0, colon);
                credential.password = decoded.slice(colon + 1);
            }
        }
        if (entry.username)
            credential.username = entry.username;
        if (entry.password)
            credential.password = entry.password;
        if (entry.identitytoken)
            credential.identityToken = entry.identitytoken;
        if (entry.registrytoken)
            credential.registryToken = entry.registrytoken;
        this.mask(credential);
        return Object.keys(credential).length > 0 ? credential : undefined;
    }
    async fromHelper(helper, key) {
        const exec = this.options.exec ?? exec_exec;
        const server = key === src_reference/* DOCKER_HUB */.Xb ? 'https://index.docker.io/v1/' : key;
        const logger = this.options.logger ?? silentLogger;
        logger.debug(`DockerConfigCredentials.get: asking docker-credential-${helper} for ${server}`);
        let stdout;
        try {
            ({ stdout } = await exec(`docker-credential-${helper}`, ['get'], {
                input: server,
                logger: silentLogger,
            }));
        }
        catch (error) {
            if (error instanceof errors/* CommandInvocationError */._T &&
                /credentials not found/i.test(error.stderr + error.message)) {
                return undefined;
            }
            if (error instanceof errors/* CommandInvocationError */._T) {
                throw new CredentialError('CREDENTIAL_HELPER_FAILED', `docker-credential-${helper} get failed for ${server} (exit ${error.exitCode})`, { cause: error });
            }
            throw error;
        }
        const json = JSON.parse(stdout);
        if (!json.Secret)
            return undefined;
        const credential = json.Username === '<token>'
            ? { identityToken: json.Secret }
            : { username: json.Username, password: json.Secret };
        this.mask(credential);
        return credential;
    }
    mask(credential) {
        for (const secret of [credential.password, credential.identityToken, credential.registryToken]) {
            if (secret)
                this.options.onSecret?.(secret);
        }
    }
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
;// CONCATENATED MODULE: ./packages/action-kit/src/limits.ts

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const LIMITS = {
    'layer-compression-ratio': {
        default: 16,
        unit: 'ratio',
        what: 'unpacked ÷ compressed bytes of one layer, checked once it has unpacked 1 GiB',
        raisable: true,
    },
    'layer-unpacked-bytes': {
        default: 32 * GiB,
        unit: 'bytes',
        what: 'bytes one layer unpacks to',
        raisable: true,
    },
    'archive-entries': {
        default: 1_000_000,
        unit: 'count',
        what: 'entries of one layer tar, or of one zip/jar archive',
        raisable: true,
    },
    'archive-depth': {
        default: 3,
        unit: 'count',
        what: 'archives nested in archives (a jar in a jar in a war) that are opened',
        raisable: true,
    },
    'archive-unpacked-bytes': {
        default: 1 * GiB,
        unit: 'bytes',
        what: 'bytes inflated from one zip/jar archive, its nested archives included',
        raisable: true,
    },
    'file-bytes': {
        default: 512 * MiB,
        unit: 'bytes',
        what: 'size of one file a cataloger reads into memory (smaller per-cataloger defaults: CATALOGER_FILE_BYTES)',
        raisable: true,
    },
    'tar-header-bytes': {
        default: 1 * MiB,
        unit: 'bytes',
        what: 'one pax or GNU long-name header of a layer tar',
        raisable: false,
    },
    'manifest-bytes': {
        default: 4 * MiB,
        unit: 'bytes',
        what: 'one manifest, index, referrers listing or config blob read into memory',
        raisable: true,
    },
    referrers: {
        default: 1000,
        unit: 'count',
        what: 'referrers (signatures, attestations, SBOMs) followed from one image, recursively',
        raisable: true,
    },
    'index-depth': {
        default: 8,
        unit: 'count',
        what: 'indexes nested in indexes and referrers of referrers followed from one image',
        raisable: true,
    },
    redirects: {
        default: 5,
        unit: 'count',
        what: 'HTTP redirects followed for one registry request',
        raisable: true,
    },
    'token-response-bytes': {
        default: 1 * MiB,
        unit: 'bytes',
        what: 'one answer of a registry token endpoint',
        raisable: false,
    },
    'yaml-bytes': {
        default: 1 * MiB,
        unit: 'bytes',
        what: 'one YAML/JSON action input',
        raisable: false,
    },
    'yaml-aliases': {
        default: 100,
        unit: 'count',
        what: 'alias expansions in one YAML action input',
        raisable: false,
    },
    'yaml-depth': {
        default: 64,
        unit: 'count',
        what: 'nesting depth of one YAML/JSON action input',
        raisable: false,
    },
};
const CATALOGER_FILE_BYTES = {
    'os-release': 64 * KiB,
    'dpkg-status': 64 * MiB,
    'dpkg-copyright': 2 * MiB,
    'apk-installed': 128 * MiB,
    'npm-installed': 4 * MiB,
    'npm-app': 64 * MiB,
    'python-metadata': 8 * MiB,
    'rpmdb-sqlite': 512 * MiB,
    'rpmdb-sqlite-wal': 512 * MiB,
    'go-binary': 512 * MiB,
    'java-archive': 512 * MiB,
};
const DEFAULT_LIMITS = Object.freeze(Object.fromEntries(Object.entries(LIMITS).map(([k, v]) => [k, v.default])));
function resolveLimits(overrides = {}) {
    return { ...DEFAULT_LIMITS, ...overrides };
}
function formatLimitValue(name, value) {
    if (LIMITS[name].unit !== 'bytes')
        return String(value);
    for (const [unit, size] of [
        ['GiB', GiB],
        ['MiB', MiB],
        ['KiB', KiB],
    ]) {
        if (value >= size && value % size === 0)
            return `${value / size} ${unit}`;
    }
    return `${value} bytes`;
}
function howToRaise(name) {
    return LIMITS[name].raisable
        ? `if the content is legitimate, raise it with the action input \`limits: ${name}=<larger>\``
        : 'this limit cannot be raised';
}
class LimitError extends errors/* BaseError */.Cf {
    limit;
    value;
    object;
    constructor(limit, value, object, detail) {
        super('LIMIT_EXCEEDED', `${object}: ${detail ? `${detail}, ` : ''}over the ${limit} limit (${formatLimitValue(limit, value)}: ${LIMITS[limit].what}); ${howToRaise(limit)}`);
        this.limit = limit;
        this.value = value;
        this.object = object;
    }
}
const UNITS = {
    '': 1,
    b: 1,
    k: KiB,
    kb: 1000,
    kib: KiB,
    m: MiB,
    mb: 1000 ** 2,
    mib: MiB,
    g: GiB,
    gb: 1000 ** 3,
    gib: GiB,
    t: 1024 * GiB,
    tb: 1000 ** 4,
    tib: 1024 * GiB,
};
function parseByteSize(input, raw, options = {}) {
    const m = /^([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)$/.exec(raw.trim());
    const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
    const value = m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : NaN;
    if (!Number.isSafeInteger(value) || value < 1)
        throw new InputError(input, `Input "${input}" must be a size such as 16MiB or 8MB, got ${JSON.stringify(raw.slice(0, 100))}`);
    if (options.min !== undefined && value < options.min)
        throw new InputError(input, `Input "${input}" must be at least ${options.min} bytes, got ${value}`);
    return value;
}
function parseLimits(input, raw) {
    const out = {};
    for (const item of raw.split(/[\n,]/)) {
        const entry = item.trim();
        if (!entry || entry.startsWith('#'))
            continue;
        const m = /^([a-z-]+)\s*[=:]\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)$/.exec(entry);
        const known = Object.keys(LIMITS).filter((k) => LIMITS[k].raisable);
        if (!m) {
            throw new InputError(input, `Input "${input}" has ${JSON.stringify(entry.slice(0, 100))}: expected name=value, one of ${known.join(', ')}`);
        }
        const name = m[1];
        if (!known.includes(name)) {
            throw new InputError(input, `Input "${input}" names the unknown limit "${name}"; the limits that can be raised: ${known.join(', ')}`);
        }
        const unit = UNITS[m[3].toLowerCase()];
        if (unit === undefined || (LIMITS[name].unit !== 'bytes' && unit !== 1)) {
            throw new InputError(input, `Input "${input}": "${m[3]}" is not a unit for ${name}`);
        }
        const value = Math.floor(Number(m[2]) * unit);
        if (!Number.isSafeInteger(value) || value < 1) {
            throw new InputError(input, `Input "${input}": ${name} must be a positive number, got "${m[2]}"`);
        }
        out[name] = value;
    }
    return out;
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: ./packages/oci-core/src/errors.ts
var src_errors = __webpack_require__(11281);
;// CONCATENATED MODULE: ./packages/oci-core/src/digest.ts


function digestAlgorithm(digest) {
    const algorithm = digest.slice(0, digest.indexOf(':'));
    if (algorithm !== 'sha256' && algorithm !== 'sha512')
        throw new src_errors/* OciCoreError */.B('UNSUPPORTED_DIGEST', `unsupported digest algorithm in ${digest}`);
    return algorithm;
}
function digestHex(digest) {
    return digest.slice(digest.indexOf(':') + 1);
}
function computeDigest(data, algorithm = 'sha256') {
    return `${algorithm}:${(0,external_node_crypto_.createHash)(algorithm).update(data).digest('hex')}`;
}
function isSha256Digest(digest) {
    return /^sha256:[a-f0-9]{64}$/.test(digest);
}

;// CONCATENATED MODULE: ./packages/oci/src/digest.ts



class Digester {
    algorithm;
    hash;
    size = 0;
    constructor(algorithm = 'sha256') {
        this.algorithm = algorithm;
        this.hash = (0,external_node_crypto_.createHash)(algorithm);
    }
    update(chunk) {
        this.hash.update(chunk);
        this.size += chunk.length;
    }
    digest() {
        return `${this.algorithm}:${this.hash.digest('hex')}`;
    }
}
class DigestMismatchError extends Error {
    expected;
    actual;
    expectedSize;
    actualSize;
    constructor(expected, actual, expectedSize, actualSize) {
        super(expectedSize !== undefined && actualSize !== undefined && expectedSize !== actualSize
            ? `expected ${expectedSize} bytes for ${expected}, got ${actualSize}`
            : `content digest ${actual} does not match expected ${expected}`);
        this.expected = expected;
        this.actual = actual;
        this.expectedSize = expectedSize;
        this.actualSize = actualSize;
    }
}
class VerifyingStream extends external_node_stream_.Transform {
    expectedDigest;
    expectedSize;
    digester;
    pending;
    constructor(expectedDigest, expectedSize) {
        super();
        this.expectedDigest = expectedDigest;
        this.expectedSize = expectedSize;
        this.digester = new Digester(digestAlgorithm(expectedDigest));
    }
    get bytes() {
        return this.digester.size;
    }
    _transform(chunk, _enc, callback) {
        this.digester.update(chunk);
        if (this.expectedSize !== undefined && this.digester.size > this.expectedSize) {
            callback(new DigestMismatchError(this.expectedDigest, 'unknown', this.expectedSize, this.digester.size));
            return;
        }
        const previous = this.pending;
        this.pending = chunk;
        callback(null, previous);
    }
    _flush(callback) {
        const actual = this.digester.digest();
        if (this.expectedSize !== undefined && this.digester.size !== this.expectedSize) {
            callback(new DigestMismatchError(this.expectedDigest, actual, this.expectedSize, this.digester.size));
        }
        else if (actual !== this.expectedDigest) {
            callback(new DigestMismatchError(this.expectedDigest, actual));
        }
        else {
            callback(null, this.pending);
        }
    }
}

;// CONCATENATED MODULE: ./packages/oci/src/http-util.ts

function pull(repository) {
    return [{ repository, actions: ['pull'] }];
}
function push(repository) {
    return [{ repository, actions: ['pull', 'push'] }];
}
function header(res, name) {
    const value = res.headers[name];
    return Array.isArray(value) ? value[0] : value;
}
function describeError(error) {
    if (error instanceof Error) {
        const code = error.code;
        return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
    }
    return String(error);
}
function tooLarge(limit, value, what) {
    return `${what} over the ${limit} limit (${value} bytes); ${howToRaise(limit)}`;
}

;// CONCATENATED MODULE: ./packages/oci/src/retry.ts
const DEFAULT_RETRY_POLICY = {
    maxAttempts: 5,
    baseDelayMs: 250,
    maxDelayMs: 8_000,
    maxRetryAfterMs: 60_000,
};
const RETRYABLE_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);
const RETRYABLE_ERROR_CODES = new Set([
    'ECONNRESET',
    'ECONNREFUSED',
    'ECONNABORTED',
    'EPIPE',
    'ETIMEDOUT',
    'ENOTFOUND',
    'EAI_AGAIN',
    'ENETUNREACH',
    'EHOSTUNREACH',
    'UND_ERR_SOCKET',
    'ERR_STREAM_PREMATURE_CLOSE',
    'HPE_INVALID_CONSTANT',
    'IDLE_TIMEOUT',
]);
function isRetryableStatus(status) {
    return RETRYABLE_STATUSES.has(status);
}
function isRetryableNetworkError(error) {
    if (!error || typeof error !== 'object')
        return false;
    const code = error.code;
    if (typeof code === 'string' && RETRYABLE_ERROR_CODES.has(code))
        return true;
    const message = error.message;
    return typeof message === 'string' && /socket hang up|aborted|premature close/i.test(message);
}
function parseRetryAfter(value, now = Date.now()) {
    if (!value)
        return undefined;
    const text = value.trim();
    if (/^\d+$/.test(text))
        return Number(text) * 1000;
    const date = Date.parse(text);
    if (Number.isNaN(date))
        return undefined;
    return Math.max(0, date - now);
}
function retryDelay(attempt, policy, retryAfterMs, random = Math.random) {
    if (attempt >= policy.maxAttempts)
        return undefined;
    if (retryAfterMs !== undefined) {
        if (retryAfterMs > policy.maxRetryAfterMs)
            return undefined;
        return retryAfterMs + Math.floor(random() * Math.min(1000, policy.baseDelayMs));
    }
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    return Math.floor(random() * ceiling);
}
function sleep(ms, signal) {
    return new Promise((resolve, reject) => {
        if (signal?.aborted)
            return reject(signal.reason);
        const timer = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
        }, ms);
        const onAbort = () => {
            clearTimeout(timer);
            reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
    });
}
async function withRetry(runtime, attempt, signal) {
    const loop = withRetryStream(runtime, async function* (n, backoff) {
        return await attempt(n, backoff);
    }, signal);
    for (;;) {
        const step = await loop.next();
        if (step.done)
            return step.value;
    }
}
async function* withRetryStream(runtime, attempt, signal) {
    for (let n = 1;; n++) {
        const result = yield* attempt(n, (retryAfterMs) => retryDelay(n, runtime.policy, retryAfterMs, () => runtime.random()));
        if ('value' in result)
            return result.value;
        if ('again' in result) {
            n--;
            continue;
        }
        await runtime.sleep(result.waitMs, signal);
    }
}

;// CONCATENATED MODULE: ./packages/oci/src/blob-read.ts






class BlobReader {
    http;
    constructor(http) {
        this.http = http;
    }
    async headBlob(repository, digest, options = {}) {
        const res = await this.http.exchange({
            ...options,
            operation: `HEAD blob ${digest}`,
            repository,
            scopes: pull(repository),
            method: 'HEAD',
            path: `/v2/${repository}/blobs/${digest}`,
            followRedirects: true,
            expect: [200, 404],
        });
        if (res.status === 404)
            return undefined;
        const size = Number(header(res, 'content-length'));
        return Number.isFinite(size) ? size : -1;
    }
    openBlob(repository, descriptor, options = {}) {
        return external_node_stream_.Readable.from(this.readBlob(repository, descriptor, options), { objectMode: false });
    }
    async *readBlob(repository, descriptor, options) {
        const { digest, size } = descriptor;
        const operation = `GET blob ${digest}`;
        const http = this.http;
        const digester = new Digester(digestAlgorithm(digest));
        let pending;
        let received = 0;
        async function* readFrom(attempt, backoff) {
            const res = await http.call({
                ...options,
                operation,
                repository,
                scopes: pull(repository),
                method: 'GET',
                path: `/v2/${repository}/blobs/${digest}`,
                headers: received > 0 ? { range: `bytes=${received}-` } : undefined,
                followRedirects: true,
                expect: received > 0 ? [200, 206] : [200],
            });
            let skip = received > 0 && res.status === 200 ? received : 0;
            const announced = Number(header(res, 'content-length'));
            const expected = res.status === 206 ? size - received : size;
            if (size >= 0 && Number.isFinite(announced) && announced > expected) {
                res.body.destroy();
                throw new RegistryError('SIZE_MISMATCH', http.context(operation, repository), `the registry announces ${announced} bytes, the descriptor says ${size}`);
            }
            try {
                for await (const raw of res.body) {
                    let chunk = raw;
                    if (skip > 0) {
                        if (chunk.length <= skip) {
                            skip -= chunk.length;
                            continue;
                        }
                        chunk = chunk.subarray(skip);
                        skip = 0;
                    }
                    digester.update(chunk);
                    received += chunk.length;
                    options.onBytes?.(chunk.length);
                    if (size >= 0 && received > size) {
                        res.body.destroy();
                        throw new RegistryError('SIZE_MISMATCH', http.context(operation, repository), `more than the expected ${size} bytes`);
                    }
                    if (pending)
                        yield pending;
                    pending = chunk;
                }
                return { value: undefined };
            }
            catch (error) {
                if (error instanceof RegistryError)
                    throw error;
                const delay = isRetryableNetworkError(error) ? backoff() : undefined;
                http.logger.debug(`RegistryClient.openBlob: ${digest} broke after ${received} bytes: ${describeError(error)}`);
                if (delay === undefined) {
                    throw new RegistryError('NETWORK_ERROR', http.context(operation, repository, { attempts: attempt }), describeError(error), { cause: error });
                }
                return { waitMs: delay };
            }
        }
        yield* withRetryStream(http.shared, readFrom, options.signal);
        const actual = digester.digest();
        if (size >= 0 && received !== size) {
            throw new RegistryError('SIZE_MISMATCH', http.context(operation, repository), `got ${received} bytes, expected ${size}`);
        }
        if (actual !== digest) {
            throw new RegistryError('DIGEST_MISMATCH', http.context(operation, repository), `content is ${actual}, which does not match the digest`);
        }
        if (pending)
            yield pending;
    }
    async fetchBlob(repository, descriptor, maxBytes = this.http.shared.bounds['manifest-bytes']) {
        const operation = `GET blob ${descriptor.digest}`;
        if (descriptor.size > maxBytes) {
            throw new RegistryError('TOO_LARGE', this.http.context(operation, repository), tooLarge('manifest-bytes', maxBytes, `blob of ${descriptor.size} bytes`));
        }
        const chunks = [];
        let received = 0;
        const stream = this.openBlob(repository, descriptor);
        for await (const chunk of stream) {
            received += chunk.length;
            if (received > maxBytes) {
                stream.destroy();
                throw new RegistryError('TOO_LARGE', this.http.context(operation, repository), tooLarge('manifest-bytes', maxBytes, `blob of more than ${maxBytes} bytes`));
            }
            chunks.push(chunk);
        }
        return Buffer.concat(chunks);
    }
}

;// CONCATENATED MODULE: ./packages/oci/src/blob-upload.ts




class BlobUploader {
    http;
    constructor(http) {
        this.http = http;
    }
    async mountBlob(repository, digest, from, options = {}) {
        const operation = `mount blob ${digest} from ${from}`;
        const res = await this.http.exchange({
            ...options,
            operation,
            repository,
            scopes: [...push(repository), { repository: from, actions: ['pull'] }],
            method: 'POST',
            path: `/v2/${repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`,
            expect: [201, 202],
        });
        if (res.status === 201) {
            this.http.capabilities.crossRepoMount = true;
            this.checkReported(res, digest, 'mounted', operation, repository);
            return 'mounted';
        }
        const location = header(res, 'location');
        if (location)
            await this.cancelUpload(repository, location, options).catch(() => undefined);
        this.http.capabilities.crossRepoMount ??= false;
        return 'not-mounted';
    }
    async startUpload(repository, options) {
        const base = await this.http.baseUrl();
        const res = await this.http.exchange({
            ...options,
            operation: 'start blob upload',
            repository,
            scopes: push(repository),
            method: 'POST',
            path: `/v2/${repository}/blobs/uploads/`,
            expect: [202],
        });
        const location = header(res, 'location');
        if (!location)
            throw new RegistryError('PROTOCOL_ERROR', this.http.context('start blob upload', repository), 'no Location header');
        return {
            location: new URL(location, base).toString(),
            minChunk: Number(header(res, 'oci-chunk-min-length')) || 0,
        };
    }
    async cancelUpload(repository, location, options) {
        const base = await this.http.baseUrl();
        await this.http.exchange({
            ...options,
            operation: 'cancel blob upload',
            repository,
            scopes: push(repository),
            method: 'DELETE',
            path: new URL(location, base).toString(),
            expect: [204, 200, 202, 404],
        });
    }
    async uploadBlob(repository, descriptor, source, options = {}) {
        const { digest, size } = descriptor;
        const operation = `upload blob ${digest}`;
        let first = source.first;
        let lastError;
        const uploaded = this.http.shared.policy.maxAttempts >= 1 &&
            (await withRetry(this.http.shared, async (attempt, backoff) => {
                try {
                    if (options.chunkSize && source.open) {
                        const live = first;
                        first = undefined;
                        await this.uploadChunked(repository, descriptor, source.open, options, live);
                    }
                    else {
                        const body = first ?? (source.open ? await source.open(0) : undefined);
                        first = undefined;
                        if (!body)
                            return { value: false };
                        try {
                            const { location } = await this.startUpload(repository, options);
                            await this.completeUpload(repository, digest, withDigest(location, digest), operation, options, {
                                body,
                                size,
                            });
                        }
                        catch (error) {
                            body.destroy();
                            throw error;
                        }
                    }
                    return { value: true };
                }
                catch (error) {
                    lastError = error;
                    const retryable = source.open &&
                        (isRetryableNetworkError(error) ||
                            (error instanceof RegistryError &&
                                (error.code === 'NETWORK_ERROR' ||
                                    (error.code === 'UNAUTHORIZED' && attempt === 1) ||
                                    (error.status !== undefined && isRetryableStatus(error.status)))));
                    this.http.logger.debug(`RegistryClient.uploadBlob: ${digest} attempt ${attempt} failed: ${describeError(error)}`);
                    if (!retryable || attempt >= this.http.shared.policy.maxAttempts)
                        return { value: false };
                    return { waitMs: backoff() ?? 0 };
                }
            }, options.signal));
        if (uploaded)
            return;
        if (lastError instanceof RegistryError)
            throw lastError;
        throw new RegistryError('NETWORK_ERROR', this.http.context(operation, repository), describeError(lastError ?? 'no data to upload'), { cause: lastError });
    }
    async completeUpload(repository, digest, url, operation, options, content) {
        const res = await this.http.exchange({
            ...options,
            operation,
            repository,
            scopes: push(repository),
            method: 'PUT',
            path: url,
            ...(content && {
                headers: { 'content-type': 'application/octet-stream', 'content-length': content.size },
                body: content.body,
            }),
            expect: [201, 204],
        });
        if (content)
            options.onBytes?.(content.size);
        this.checkReported(res, digest, 'stored', operation, repository);
    }
    async uploadChunked(repository, descriptor, open, options, live) {
        const { digest, size } = descriptor;
        const operation = `upload blob ${digest}`;
        let slicer = live ? new StreamSlicer(live) : undefined;
        let session;
        try {
            session = await this.startUpload(repository, options);
        }
        catch (error) {
            live?.destroy();
            throw error;
        }
        const chunkSize = Math.max(options.chunkSize ?? 0, session.minChunk);
        let location = session.location;
        let offset = 0;
        let resuming = false;
        await withRetry(this.http.shared, async (failures, backoff) => {
            if (resuming) {
                resuming = false;
                const status = await this.http.exchange({
                    ...options,
                    operation: `${operation} (status)`,
                    repository,
                    scopes: push(repository),
                    method: 'GET',
                    path: location,
                    expect: [204, 200, 404],
                });
                const range = /^(?:bytes=)?0-(\d+)$/.exec(header(status, 'range') ?? '');
                if (status.status === 404) {
                    this.http.logger.debug(`RegistryClient.uploadChunked: ${digest} session lost, restarting`);
                    location = (await this.startUpload(repository, options)).location;
                    offset = 0;
                }
                else if (!range || range[1] === '0') {
                    await this.cancelUpload(repository, location, options).catch(() => undefined);
                    location = (await this.startUpload(repository, options)).location;
                    offset = 0;
                }
                else {
                    offset = Number(range[1]) + 1;
                    location = new URL(header(status, 'location') ?? location, location).toString();
                }
            }
            while (offset < size) {
                const end = Math.min(size, offset + chunkSize) - 1;
                const stream = slicer ? slicer.next(end - offset + 1) : await open(offset);
                const limited = slicer ? stream : takeBytes(stream, end - offset + 1);
                try {
                    const res = await this.http.exchange({
                        ...options,
                        operation: `${operation} (PATCH ${offset}-${end})`,
                        repository,
                        scopes: push(repository),
                        method: 'PATCH',
                        path: location,
                        headers: {
                            'content-type': 'application/octet-stream',
                            'content-length': end - offset + 1,
                            'content-range': `${offset}-${end}`,
                        },
                        body: limited,
                        expect: [202],
                    });
                    this.http.capabilities.chunkedUpload = true;
                    options.onBytes?.(end - offset + 1);
                    location = new URL(header(res, 'location') ?? location, location).toString();
                    offset = end + 1;
                }
                catch (error) {
                    stream.destroy();
                    slicer?.destroy();
                    slicer = undefined;
                    if (failures >= this.http.shared.policy.maxAttempts)
                        throw error;
                    if (error instanceof RegistryError && error.status === 416)
                        throw error;
                    resuming = true;
                    return { waitMs: backoff() ?? 0 };
                }
            }
            return { value: undefined };
        }, options.signal);
        await this.completeUpload(repository, digest, withDigest(location, digest), operation, options);
    }
    checkReported(res, digest, verb, operation, repository) {
        const reported = header(res, 'docker-content-digest');
        if (reported && reported !== digest) {
            throw new RegistryError('DIGEST_MISMATCH', this.http.context(operation, repository), `registry ${verb} ${reported}`);
        }
    }
}
function withDigest(location, digest) {
    const url = new URL(location);
    url.searchParams.set('digest', digest);
    return url.toString();
}
class StreamSlicer {
    source;
    chunks;
    leftover;
    constructor(source) {
        this.source = source;
        this.chunks = source[Symbol.asyncIterator]();
    }
    next(n) {
        const pull = (max) => this.pull(max);
        return external_node_stream_.Readable.from((async function* () {
            for (let left = n; left > 0;) {
                const chunk = await pull(left);
                if (!chunk)
                    return;
                left -= chunk.length;
                yield chunk;
            }
        })(), { objectMode: false });
    }
    async pull(max) {
        let chunk = this.leftover;
        this.leftover = undefined;
        if (!chunk) {
            const read = await this.chunks.next();
            if (read.done)
                return undefined;
            chunk = read.value;
        }
        if (chunk.length > max) {
            this.leftover = chunk.subarray(max);
            chunk = chunk.subarray(0, max);
        }
        return chunk;
    }
    destroy() {
        this.source.destroy();
    }
}
function takeBytes(source, n) {
    let left = n;
    return external_node_stream_.Readable.from((async function* () {
        for await (const chunk of source) {
            if (left <= 0)
                break;
            const part = chunk.length > left ? chunk.subarray(0, left) : chunk;
            left -= part.length;
            yield part;
            if (left <= 0)
                break;
        }
        source.destroy();
    })(), { objectMode: false });
}

;// CONCATENATED MODULE: ./packages/oci-core/src/media-types.ts
const MediaType = {
    OciIndex: 'application/vnd.oci.image.index.v1+json',
    OciManifest: 'application/vnd.oci.image.manifest.v1+json',
    OciConfig: 'application/vnd.oci.image.config.v1+json',
    OciEmpty: 'application/vnd.oci.empty.v1+json',
    OciLayer: 'application/vnd.oci.image.layer.v1.tar',
    OciLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
    OciLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
    DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
    DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
    DockerConfig: 'application/vnd.docker.container.image.v1+json',
    DockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
    CosignSimpleSigning: 'application/vnd.dev.cosign.simplesigning.v1+json',
    SigstoreBundleV03: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    InTotoDsse: 'application/vnd.dsse.envelope.v1+json',
};
const INDEX_MEDIA_TYPES = [MediaType.OciIndex, MediaType.DockerManifestList];
const IMAGE_MEDIA_TYPES = [MediaType.OciManifest, MediaType.DockerManifest];
const MANIFEST_MEDIA_TYPES = [...INDEX_MEDIA_TYPES, ...IMAGE_MEDIA_TYPES];
const BUILDKIT_REFERENCE_TYPE = 'vnd.docker.reference.type';
const BUILDKIT_ATTESTATION_MANIFEST = 'attestation-manifest';
function isIndexMediaType(mediaType) {
    return INDEX_MEDIA_TYPES.includes(mediaType);
}
function isImageMediaType(mediaType) {
    return IMAGE_MEDIA_TYPES.includes(mediaType);
}
function isIndex(manifest) {
    return Array.isArray(manifest.manifests);
}
function isBuildkitAttestation(descriptor) {
    return descriptor.annotations?.[BUILDKIT_REFERENCE_TYPE] === BUILDKIT_ATTESTATION_MANIFEST;
}
function referrerArtifactType(manifest) {
    if (manifest.artifactType)
        return manifest.artifactType;
    return isIndex(manifest) ? undefined : manifest.config?.mediaType;
}

// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(37067);
var external_node_http_default = /*#__PURE__*/__webpack_require__.n(external_node_http_);
// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(44708);
var external_node_https_default = /*#__PURE__*/__webpack_require__.n(external_node_https_);
// EXTERNAL MODULE: external "node:tls"
var external_node_tls_ = __webpack_require__(41692);
var external_node_tls_default = /*#__PURE__*/__webpack_require__.n(external_node_tls_);
;// CONCATENATED MODULE: ./packages/oci/src/transport.ts





class RedirectError extends Error {
    code = 'REDIRECT';
}
class IdleTimeoutError extends Error {
    code = 'IDLE_TIMEOUT';
}
class HttpTransport {
    options;
    agents = new Map();
    constructor(options = {}) {
        this.options = options;
    }
    async request(request) {
        let url = request.url;
        let headers = { ...request.headers };
        for (let hop = 0;; hop++) {
            const response = await this.once({ ...request, url, headers });
            const location = response.headers.location;
            const redirect = [301, 302, 303, 307, 308].includes(response.status) && location;
            if (!redirect || !request.followRedirects || !['GET', 'HEAD'].includes(request.method))
                return response;
            const maxRedirects = this.options.maxRedirects ?? 5;
            if (hop >= maxRedirects) {
                response.body.resume();
                throw new RedirectError(`${request.url.host} redirected more than ${maxRedirects} times (the redirects limit); ${howToRaise('redirects')}`);
            }
            response.body.resume();
            const next = new URL(location, url);
            if (!['http:', 'https:'].includes(next.protocol) ||
                (url.protocol === 'https:' && next.protocol === 'http:')) {
                throw new RedirectError(`${url.host} redirected to a ${next.protocol} URL, which is not followed`);
            }
            if (next.host !== url.host) {
                headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
            }
            url = next;
        }
    }
    once(request) {
        return new Promise((resolve, reject) => {
            const isHttps = request.url.protocol === 'https:';
            const headers = {
                'user-agent': this.options.userAgent ?? 'deliverkit-oci',
            };
            for (const [k, v] of Object.entries(request.headers ?? {}))
                if (v !== undefined)
                    headers[k.toLowerCase()] = v;
            if (Buffer.isBuffer(request.body))
                headers['content-length'] = request.body.length;
            else if (!request.body &&
                ['PUT', 'POST', 'PATCH'].includes(request.method) &&
                !('content-length' in headers)) {
                headers['content-length'] = 0;
            }
            const req = (isHttps ? (external_node_https_default()) : (external_node_http_default())).request(request.url, {
                method: request.method,
                headers,
                agent: this.agent(request.url),
                signal: request.signal,
            });
            const idle = this.options.idleTimeoutMs ?? 120_000;
            req.setTimeout(idle, () => req.destroy(new IdleTimeoutError(`no data from ${request.url.host} for ${idle} ms`)));
            let settled = false;
            req.on('response', (res) => {
                settled = true;
                resolve({ status: res.statusCode ?? 0, headers: res.headers, url: request.url, body: res });
            });
            req.on('error', (error) => {
                if (!settled) {
                    settled = true;
                    reject(error);
                }
            });
            const body = request.body;
            if (body instanceof external_node_stream_.Readable) {
                body.on('error', (error) => req.destroy(error));
                body.pipe(req);
            }
            else {
                req.end(body);
            }
        });
    }
    agent(url) {
        const key = `${url.protocol}//${url.host}`;
        let agent = this.agents.get(key);
        if (!agent) {
            if (url.protocol === 'https:') {
                const settings = this.options.tls?.(url.host);
                agent = new (external_node_https_default()).Agent({
                    keepAlive: true,
                    secureContext: settings?.ca ? secureContextFor(settings.ca.toString()) : undefined,
                    rejectUnauthorized: !settings?.insecureSkipVerify,
                });
            }
            else {
                agent = new (external_node_http_default()).Agent({ keepAlive: true });
            }
            this.agents.set(key, agent);
        }
        return agent;
    }
    close() {
        for (const agent of this.agents.values())
            agent.destroy();
        this.agents.clear();
    }
}
const secureContexts = new Map();
function secureContextFor(ca) {
    let context = secureContexts.get(ca);
    if (!context) {
        context = external_node_tls_default().createSecureContext({ ca: [...(external_node_tls_default()).rootCertificates, ca] });
        secureContexts.set(ca, context);
    }
    return context;
}
async function readBody(response, maxBytes) {
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
        response.body.destroy();
        throw new BodyTooLargeError(maxBytes);
    }
    const chunks = [];
    let size = 0;
    for await (const chunk of response.body) {
        size += chunk.length;
        if (size > maxBytes) {
            response.body.destroy();
            throw new BodyTooLargeError(maxBytes);
        }
        chunks.push(chunk);
    }
    return Buffer.concat(chunks);
}
class BodyTooLargeError extends Error {
    maxBytes;
    constructor(maxBytes) {
        super(`response body larger than ${maxBytes} bytes`);
        this.maxBytes = maxBytes;
    }
}
async function discardBody(response) {
    try {
        for await (const _chunk of response.body) {
        }
    }
    catch {
    }
}

;// CONCATENATED MODULE: ./packages/oci/src/capabilities.ts



class CapabilityProbe {
    http;
    uploads;
    constructor(http, uploads) {
        this.http = http;
        this.uploads = uploads;
    }
    async probeCapabilities(repository, options = {}) {
        await this.http.ping().catch(() => undefined);
        if (this.http.capabilities.referrersApi === null) {
            const res = await this.http
                .call({
                operation: 'probe referrers API',
                repository,
                scopes: pull(repository),
                method: 'GET',
                path: `/v2/${repository}/referrers/${computeDigest('{}')}`,
                headers: { accept: MediaType.OciIndex },
                expect: [200, 400, 404, 405, 406],
            })
                .catch(() => undefined);
            if (res) {
                this.http.capabilities.referrersApi =
                    res.status === 200 && (header(res, 'content-type') ?? '').startsWith(MediaType.OciIndex);
                await discardBody(res);
            }
        }
        if (options.write && this.http.capabilities.chunkedUpload === null) {
            try {
                const session = await this.uploads.startUpload(repository, {});
                const res = await this.http.exchange({
                    operation: 'probe chunked upload',
                    repository,
                    scopes: push(repository),
                    method: 'PATCH',
                    path: session.location,
                    headers: { 'content-type': 'application/octet-stream', 'content-range': '0-0' },
                    body: Buffer.from([0x7b]),
                    expect: [202, 400, 404, 405, 416],
                });
                this.http.capabilities.chunkedUpload = res.status === 202;
                const location = res.status === 202 ? (header(res, 'location') ?? session.location) : session.location;
                await this.uploads.cancelUpload(repository, location, {}).catch(() => undefined);
            }
            catch (error) {
                this.http.logger.debug(`RegistryClient.probeCapabilities: chunked probe failed: ${describeError(error)}`);
            }
        }
        return { ...this.http.capabilities };
    }
}

;// CONCATENATED MODULE: ./packages/oci/src/limiter.ts
class Semaphore {
    limit;
    available;
    waiters = [];
    constructor(limit) {
        this.limit = limit;
        if (!Number.isInteger(limit) || limit < 1)
            throw new RangeError(`limit must be a positive integer, got ${limit}`);
        this.available = limit;
    }
    get inUse() {
        return this.limit - this.available;
    }
    async acquire(count = 1) {
        const n = Math.min(count, this.limit);
        if (this.waiters.length === 0 && this.available >= n) {
            this.available -= n;
        }
        else {
            await new Promise((resolve) => this.waiters.push({ count: n, resolve }));
        }
        let released = false;
        return () => {
            if (released)
                return;
            released = true;
            this.available += n;
            this.drain();
        };
    }
    async use(fn) {
        const release = await this.acquire();
        try {
            return await fn();
        }
        finally {
            release();
        }
    }
    drain() {
        while (this.waiters.length > 0 && this.waiters[0].count <= this.available) {
            const next = this.waiters.shift();
            this.available -= next.count;
            next.resolve();
        }
    }
}
class KeyedSemaphores {
    limit;
    semaphores = new Map();
    constructor(limit) {
        this.limit = limit;
    }
    get(key) {
        let semaphore = this.semaphores.get(key);
        if (!semaphore) {
            semaphore = new Semaphore(this.limit);
            this.semaphores.set(key, semaphore);
        }
        return semaphore;
    }
    async acquireAll(keys) {
        const counts = new Map();
        for (const key of keys)
            counts.set(key, (counts.get(key) ?? 0) + 1);
        const releases = new Map();
        for (const key of [...counts.keys()].sort())
            releases.set(key, await this.get(key).acquire(counts.get(key)));
        return (key) => {
            if (key !== undefined)
                return releases.get(key)?.();
            [...releases.values()].reverse().forEach((release) => release());
        };
    }
}
class KeyedMutex {
    tails = new Map();
    async run(key, fn) {
        const previous = this.tails.get(key) ?? Promise.resolve();
        const result = previous.catch(() => undefined).then(fn);
        const tail = result.catch(() => undefined);
        this.tails.set(key, tail);
        try {
            return await result;
        }
        finally {
            if (this.tails.get(key) === tail)
                this.tails.delete(key);
        }
    }
}

;// CONCATENATED MODULE: ./packages/oci/src/manifests.ts




class Manifests {
    http;
    constructor(http) {
        this.http = http;
    }
    async headManifest(repository, reference, options = {}) {
        const operation = `HEAD manifest ${reference}`;
        const res = await this.http.exchange({
            ...options,
            operation,
            repository,
            scopes: pull(repository),
            method: 'HEAD',
            path: `/v2/${repository}/manifests/${reference}`,
            headers: { accept: MANIFEST_MEDIA_TYPES.join(', ') },
            expect: [200, 404],
        });
        if (res.status === 404)
            return undefined;
        const digest = header(res, 'docker-content-digest');
        const mediaType = header(res, 'content-type');
        const size = Number(header(res, 'content-length'));
        if (!digest || !(0,src_reference/* isValidDigest */.fH)(digest) || !mediaType || !Number.isFinite(size)) {
            const fetched = await this.getManifest(repository, reference, options);
            return fetched.descriptor;
        }
        if (reference.includes(':') && digest !== reference) {
            throw new RegistryError('DIGEST_MISMATCH', this.http.context(operation, repository), `registry reported ${digest}`);
        }
        return { mediaType: mediaType.split(';')[0].trim(), digest, size };
    }
    async getManifest(repository, reference, options = {}) {
        const operation = `GET manifest ${reference}`;
        const res = await this.http.call({
            ...options,
            operation,
            repository,
            scopes: pull(repository),
            method: 'GET',
            path: `/v2/${repository}/manifests/${reference}`,
            headers: { accept: MANIFEST_MEDIA_TYPES.join(', ') },
            expect: [200],
        });
        let bytes;
        try {
            bytes = await readBody(res, this.http.shared.bounds['manifest-bytes']);
        }
        catch (error) {
            if (error instanceof BodyTooLargeError) {
                throw new RegistryError('TOO_LARGE', this.http.context(operation, repository), tooLarge('manifest-bytes', this.http.shared.bounds['manifest-bytes'], 'manifest'));
            }
            throw new RegistryError('NETWORK_ERROR', this.http.context(operation, repository), describeError(error), {
                cause: error,
            });
        }
        const headerDigest = header(res, 'docker-content-digest');
        const isDigest = reference.includes(':');
        const expected = isDigest ? reference : headerDigest;
        const algorithm = expected && (0,src_reference/* isValidDigest */.fH)(expected) ? digestAlgorithm(expected) : 'sha256';
        const actual = computeDigest(bytes, algorithm);
        if (expected && actual !== expected) {
            throw new RegistryError('DIGEST_MISMATCH', this.http.context(operation, repository), `content is ${actual}, expected ${expected}`);
        }
        if (isDigest && headerDigest && headerDigest !== reference && (0,src_reference/* isValidDigest */.fH)(headerDigest)) {
            throw new RegistryError('DIGEST_MISMATCH', this.http.context(operation, repository), `registry reported ${headerDigest}`);
        }
        let manifest;
        try {
            manifest = JSON.parse(bytes.toString('utf8'));
        }
        catch {
            throw new RegistryError('MANIFEST_INVALID', this.http.context(operation, repository), 'manifest is not JSON');
        }
        const mediaType = manifest.mediaType ?? header(res, 'content-type')?.split(';')[0]?.trim() ?? '';
        if (!MANIFEST_MEDIA_TYPES.includes(mediaType)) {
            throw new RegistryError('UNSUPPORTED', this.http.context(operation, repository), `manifest media type "${mediaType}" is not supported`);
        }
        return { descriptor: { mediaType, digest: actual, size: bytes.length }, bytes, manifest };
    }
    async putManifest(repository, reference, bytes, mediaType, options = {}) {
        const operation = `PUT manifest ${reference}`;
        const digest = computeDigest(bytes, reference.includes(':') && (0,src_reference/* isValidDigest */.fH)(reference) ? digestAlgorithm(reference) : 'sha256');
        if (reference.includes(':') && digest !== reference) {
            throw new RegistryError('DIGEST_MISMATCH', this.http.context(operation, repository), `content is ${digest}, not ${reference}`);
        }
        const res = await this.http
            .exchange({
            ...options,
            operation,
            repository,
            scopes: push(repository),
            method: 'PUT',
            path: `/v2/${repository}/manifests/${reference}`,
            headers: { 'content-type': mediaType },
            body: bytes,
            expect: [200, 201, 202],
        })
            .catch((error) => {
            if (error instanceof RegistryError &&
                mediaType.includes('vnd.oci') &&
                (error.status === 400 || error.status === 415)) {
                this.http.capabilities.ociMediaTypes = false;
            }
            throw error;
        });
        if (mediaType.includes('vnd.oci'))
            this.http.capabilities.ociMediaTypes = true;
        const reported = header(res, 'docker-content-digest');
        if (reported &&
            (0,src_reference/* isValidDigest */.fH)(reported) &&
            digestAlgorithm(reported) === digestAlgorithm(digest) &&
            reported !== digest) {
            throw new RegistryError('DIGEST_MISMATCH', this.http.context(operation, repository), `registry stored ${reported}, we sent ${digest}`);
        }
        const subjectProcessed = Boolean(header(res, 'oci-subject'));
        if (subjectProcessed)
            this.http.capabilities.referrersApi = true;
        return { digest, subjectProcessed, confirmed: reported === digest };
    }
    async listTags(repository) {
        const tags = [];
        let path = `/v2/${repository}/tags/list?n=1000`;
        const base = await this.http.baseUrl();
        while (path) {
            const res = await this.http.call({
                operation: 'list tags',
                repository,
                scopes: pull(repository),
                method: 'GET',
                path,
                expect: [200, 404],
            });
            if (res.status === 404) {
                await discardBody(res);
                return tags;
            }
            const json = JSON.parse((await readBody(res, 32 * 1024 * 1024)).toString('utf8'));
            tags.push(...(json.tags ?? []));
            const link = /<([^>]+)>;\s*rel="?next"?/.exec(header(res, 'link') ?? '');
            path = link ? new URL(link[1], base).toString() : undefined;
        }
        return tags;
    }
    async getManifestIfExists(repository, reference, options = {}) {
        try {
            return await this.getManifest(repository, reference, options);
        }
        catch (error) {
            if (error instanceof RegistryError && error.code === 'NOT_FOUND')
                return undefined;
            throw error;
        }
    }
}

;// CONCATENATED MODULE: ./packages/oci/src/referrers.ts





class Referrers {
    http;
    manifests;
    tagSchemaLock = new KeyedMutex();
    constructor(http, manifests) {
        this.http = http;
        this.manifests = manifests;
    }
    async getReferrers(repository, digest, options = {}) {
        if (this.http.capabilities.referrersApi !== false) {
            const query = options.artifactType ? `?artifactType=${encodeURIComponent(options.artifactType)}` : '';
            const res = await this.http.call({
                operation: `GET referrers ${digest}`,
                repository,
                scopes: pull(repository),
                method: 'GET',
                path: `/v2/${repository}/referrers/${digest}${query}`,
                headers: { accept: MediaType.OciIndex },
                expect: [200, 400, 404, 405, 406],
            });
            const contentType = header(res, 'content-type') ?? '';
            if (res.status === 200 && contentType.startsWith(MediaType.OciIndex)) {
                this.http.capabilities.referrersApi = true;
                const operation = `GET referrers ${digest}`;
                const limit = this.http.shared.bounds['manifest-bytes'];
                const body = await readBody(res, limit).catch((error) => {
                    throw error instanceof BodyTooLargeError
                        ? new RegistryError('TOO_LARGE', this.http.context(operation, repository), tooLarge('manifest-bytes', limit, 'referrers listing'))
                        : new RegistryError('NETWORK_ERROR', this.http.context(operation, repository), describeError(error), {
                            cause: error,
                        });
                });
                let index;
                try {
                    index = JSON.parse(body.toString('utf8'));
                }
                catch {
                    throw new RegistryError('PROTOCOL_ERROR', this.http.context(operation, repository), 'referrers listing is not JSON');
                }
                if (!Array.isArray(index?.manifests ?? []))
                    throw new RegistryError('PROTOCOL_ERROR', this.http.context(operation, repository), 'referrers listing has no manifests array');
                let descriptors = index.manifests ?? [];
                if (options.artifactType && !header(res, 'oci-filters-applied')) {
                    descriptors = descriptors.filter((d) => d.artifactType === options.artifactType);
                }
                return { descriptors, via: 'api' };
            }
            await discardBody(res);
            this.http.capabilities.referrersApi = false;
        }
        const tagged = await this.manifests.getManifestIfExists(repository, referrersTag(digest));
        if (!tagged)
            return { descriptors: [], via: 'tag-schema' };
        let descriptors = isIndex(tagged.manifest) ? tagged.manifest.manifests : [];
        if (options.artifactType)
            descriptors = descriptors.filter((d) => d.artifactType === options.artifactType);
        return { descriptors, via: 'tag-schema', tagSchemaIndex: tagged };
    }
    async pushReferrer(repository, bytes, mediaType) {
        const manifest = JSON.parse(bytes.toString('utf8'));
        if (!manifest.subject) {
            throw new RegistryError('MANIFEST_INVALID', this.http.context('push referrer', repository), 'the manifest has no subject');
        }
        const { digest, subjectProcessed } = await this.manifests.putManifest(repository, computeDigest(bytes), bytes, mediaType);
        const descriptor = referrerDescriptor(manifest, { mediaType, digest, size: bytes.length });
        if (!subjectProcessed && this.http.capabilities.referrersApi !== true) {
            await this.addToReferrersTag(repository, manifest.subject.digest, [descriptor]);
        }
        return descriptor;
    }
    async addToReferrersTag(repository, subject, descriptors, initial, current) {
        const tag = referrersTag(subject);
        return this.tagSchemaLock.run(`${repository}@${tag}`, async () => {
            const existing = await (current ?? this.manifests.getManifestIfExists(repository, tag));
            if (!existing && initial) {
                const index = JSON.parse(initial.bytes.toString('utf8'));
                const listed = new Set(index.manifests.map((d) => d.digest));
                if (descriptors.every((d) => listed.has(d.digest))) {
                    await this.manifests.putManifest(repository, tag, initial.bytes, initial.mediaType);
                    return true;
                }
            }
            const index = existing && isIndex(existing.manifest)
                ? existing.manifest
                : { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] };
            const listed = new Set(index.manifests.map((d) => d.digest));
            const missing = descriptors.filter((d) => !listed.has(d.digest));
            if (existing && missing.length === 0)
                return false;
            index.manifests.push(...missing);
            await this.manifests.putManifest(repository, tag, Buffer.from(JSON.stringify(index)), MediaType.OciIndex);
            return true;
        });
    }
}
function referrersTag(digest) {
    return `${digest.slice(0, digest.indexOf(':'))}-${digestHex(digest)}`;
}
function referrerDescriptor(manifest, base) {
    const descriptor = { mediaType: base.mediaType, digest: base.digest, size: base.size };
    const artifactType = referrerArtifactType(manifest);
    if (artifactType)
        descriptor.artifactType = artifactType;
    if (manifest.annotations && Object.keys(manifest.annotations).length > 0)
        descriptor.annotations = manifest.annotations;
    return descriptor;
}

;// CONCATENATED MODULE: ./packages/oci/src/auth-session.ts







class AuthSession {
    http;
    authScheme = 'unknown';
    bearer;
    tokens = new Map();
    tokenFetches = new Map();
    credential;
    constructor(http) {
        this.http = http;
    }
    getCredential() {
        this.credential ??= this.http.shared.credentials().get(this.http.registry);
        return this.credential;
    }
    async authHeader(scopes, operation, repository) {
        if (this.authScheme === 'basic') {
            const credential = await this.getCredential();
            if (credential?.username !== undefined && credential.password !== undefined) {
                return `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
            }
            return undefined;
        }
        if (this.authScheme === 'bearer' && this.bearer) {
            const credential = await this.getCredential();
            if (credential?.registryToken)
                return `Bearer ${credential.registryToken}`;
            const token = await this.token(scopes, [], operation, repository);
            return `Bearer ${token.token}`;
        }
        return undefined;
    }
    async realmCredential(realm, ctx) {
        const credential = await this.getCredential();
        if (!credential)
            return undefined;
        const registryTls = this.http.capabilities.tls !== false;
        if (registryTls && realm.protocol === 'http:') {
            throw new RegistryError('DENIED', ctx, `the token realm ${realm.host} is plain http while the registry is https: credentials for ${this.http.registry} are not sent there`);
        }
        if (sameSite(this.http.host, realm.hostname))
            return credential;
        const own = await this.http.shared.credentials().get(realm.host);
        if (own)
            return own;
        throw new RegistryError('DENIED', ctx, `the registry names a token realm on another host (${realm.host}); credentials for ${this.http.registry} are not sent there. ` +
            `If ${realm.host} is this registry's token service, give it its own registry-auths entry`);
    }
    async token(scopes, extra, operation, repository) {
        const key = normalizeScopes(scopes).map(formatScope).join(' ');
        if (extra.length === 0) {
            const cached = this.cachedToken(scopes);
            if (cached)
                return cached;
        }
        let pending = this.tokenFetches.get(key);
        if (!pending) {
            pending = this.fetchToken(key ? key.split(' ') : [], extra, operation, repository).finally(() => this.tokenFetches.delete(key));
            this.tokenFetches.set(key, pending);
        }
        const token = await pending;
        this.tokens.set(key, token);
        return token;
    }
    cachedToken(scopes) {
        const now = Date.now();
        const key = normalizeScopes(scopes).map(formatScope).join(' ');
        const exact = this.tokens.get(key);
        if (exact && exact.expiresAt > now)
            return exact;
        const wanted = normalizeScopes(scopes);
        for (const [cachedKey, token] of this.tokens) {
            if (token.expiresAt <= now)
                continue;
            const granted = new Map(cachedKey
                .split(' ')
                .filter(Boolean)
                .map((s) => {
                const parts = s.split(':');
                return [parts.slice(1, -1).join(':'), new Set(parts[parts.length - 1].split(','))];
            }));
            if (wanted.every((w) => w.actions.every((a) => granted.get(w.repository)?.has(a))))
                return token;
        }
        return undefined;
    }
    async fetchToken(scopes, extra, operation, repository) {
        const bearer = this.bearer;
        const ctx = this.http.context(`authenticate for ${operation}`, repository);
        let url;
        try {
            url = new URL(bearer.realm);
        }
        catch {
            throw new RegistryError('PROTOCOL_ERROR', ctx, `the token realm is not a URL`);
        }
        if (url.protocol !== 'https:' && url.protocol !== 'http:') {
            throw new RegistryError('PROTOCOL_ERROR', ctx, `the token realm is a ${url.protocol} URL, not http(s)`);
        }
        const credential = await this.realmCredential(url, ctx);
        const allScopes = [...new Set([...scopes, ...extra])];
        this.http.logger.debug(`RegistryClient.fetchToken: ${url.host} scopes=${allScopes.join(' ') || '(none)'}`);
        const request = tokenRequest(url, bearer.service, allScopes, credential);
        return withRetry(this.http.shared, async (attempt, backoff) => {
            let res;
            try {
                res = await this.http.shared.transport.request(request);
            }
            catch (error) {
                const delay = isRetryableNetworkError(error) ? backoff() : undefined;
                if (delay !== undefined)
                    return { waitMs: delay };
                throw new RegistryError('NETWORK_ERROR', { ...ctx, attempts: attempt }, `token endpoint ${url.host}: ${describeError(error)}`, { cause: error });
            }
            if (res.status === 200) {
                const limit = DEFAULT_LIMITS['token-response-bytes'];
                const body = await readBody(res, limit).catch((error) => {
                    throw error instanceof BodyTooLargeError
                        ? new RegistryError('TOO_LARGE', ctx, `token endpoint ${url.host}: ${tooLarge('token-response-bytes', limit, 'answer')}`)
                        : new RegistryError('NETWORK_ERROR', ctx, `token endpoint ${url.host}: ${describeError(error)}`, {
                            cause: error,
                        });
                });
                try {
                    return { value: parseTokenResponse(body.toString('utf8')) };
                }
                catch (error) {
                    throw new RegistryError('PROTOCOL_ERROR', ctx, `token endpoint ${url.host}: ${error.message}`);
                }
            }
            const delay = isRetryableStatus(res.status)
                ? backoff(parseRetryAfter(header(res, 'retry-after')))
                : undefined;
            await discardBody(res);
            if (delay !== undefined)
                return { waitMs: delay };
            if (res.status === 401 || res.status === 403) {
                throw new RegistryError(res.status === 401 ? 'UNAUTHORIZED' : 'DENIED', { ...ctx, status: res.status }, `token endpoint ${url.host} answered ${res.status}: ${credential ? `check the credentials for ${this.http.registry}` : `no credentials are configured for ${this.http.registry}`}`);
            }
            throw new RegistryError('HTTP_ERROR', { ...ctx, status: res.status, attempts: attempt }, `token endpoint ${url.host} answered ${res.status}`);
        });
    }
    async onChallenge(res, scopes, operation, repository, sent) {
        const challenges = parseWwwAuthenticate(header(res, 'www-authenticate') ?? '');
        const bearer = challenges.find((c) => c.scheme === 'bearer');
        const basic = challenges.find((c) => c.scheme === 'basic');
        if (bearer?.params.realm) {
            this.authScheme = 'bearer';
            this.http.capabilities.auth = 'bearer';
            this.bearer = { realm: bearer.params.realm, service: bearer.params.service };
            const extra = (bearer.params.scope ?? '').split(' ').filter(Boolean);
            const have = new Set(normalizeScopes(scopes).map(formatScope));
            const missing = extra.filter((s) => !have.has(s));
            const key = normalizeScopes(scopes).map(formatScope).join(' ');
            const fresh = missing.length === 0 ? this.cachedToken(scopes) : undefined;
            if (fresh && `Bearer ${fresh.token}` !== sent)
                return true;
            const pending = this.tokenFetches.get(key);
            if (pending && missing.length === 0) {
                await pending;
                return true;
            }
            this.tokens.delete(key);
            await this.token(scopes, missing, operation, repository);
            return true;
        }
        if (basic) {
            this.authScheme = 'basic';
            this.http.capabilities.auth = 'basic';
            const credential = await this.getCredential();
            return credential?.username !== undefined && !sent?.startsWith('Basic ');
        }
        return false;
    }
    learnChallenge(res) {
        const challenges = parseWwwAuthenticate(header(res, 'www-authenticate') ?? '');
        const bearer = challenges.find((c) => c.scheme === 'bearer');
        if (bearer?.params.realm) {
            this.authScheme = 'bearer';
            this.http.capabilities.auth = 'bearer';
            this.bearer = { realm: bearer.params.realm, service: bearer.params.service };
        }
        else if (challenges.some((c) => c.scheme === 'basic')) {
            this.authScheme = 'basic';
            this.http.capabilities.auth = 'basic';
        }
    }
}
function tokenRequest(realm, service, scopes, credential) {
    if (credential?.identityToken) {
        const form = new URLSearchParams({
            grant_type: 'refresh_token',
            refresh_token: credential.identityToken,
            client_id: 'deliverkit',
        });
        if (service)
            form.set('service', service);
        if (scopes.length)
            form.set('scope', scopes.join(' '));
        return {
            method: 'POST',
            url: realm,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: Buffer.from(form.toString()),
        };
    }
    const url = new URL(realm);
    if (service)
        url.searchParams.set('service', service);
    for (const scope of scopes)
        url.searchParams.append('scope', scope);
    const headers = {};
    if (credential?.username !== undefined && credential.password !== undefined) {
        url.searchParams.set('account', credential.username);
        headers.authorization = `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
    }
    return { method: 'GET', url, headers, followRedirects: true };
}
function sameSite(registryHost, realmHost) {
    const strip = (h) => h
        .replace(/^\[|\](:\d+)?$/g, '')
        .replace(/:\d+$/, '')
        .toLowerCase();
    const a = strip(registryHost === src_reference/* DOCKER_HUB */.Xb ? src_reference/* DOCKER_HUB_API_HOST */.Tz : registryHost);
    const b = strip(realmHost);
    if (a === b)
        return true;
    const isIp = (h) => /^[0-9.]+$/.test(h) || h.includes(':');
    if (isIp(a) || isIp(b))
        return false;
    const site = (h) => h.split('.').slice(-2).join('.');
    return a.includes('.') && b.includes('.') && site(a) === site(b);
}

;// CONCATENATED MODULE: ./packages/oci/src/registry-http.ts







const ERROR_BODY_BYTES = 64 * 1024;
class RegistryHttp {
    registry;
    shared;
    host;
    capabilities;
    auth;
    base;
    pushRepositories = new Set();
    constructor(registry, shared) {
        this.registry = registry;
        this.shared = shared;
        this.host = registry === src_reference/* DOCKER_HUB */.Xb ? src_reference/* DOCKER_HUB_API_HOST */.Tz : registry;
        this.capabilities = {
            registry,
            referrersApi: null,
            ociMediaTypes: null,
            chunkedUpload: null,
            crossRepoMount: null,
            auth: null,
            tls: null,
        };
        this.auth = new AuthSession(this);
    }
    get logger() {
        return this.shared.logger;
    }
    hostOptions() {
        return this.shared.options.hosts?.[this.host] ?? this.shared.options.hosts?.[this.registry] ?? {};
    }
    baseUrl() {
        this.base ??= (async () => {
            const options = this.hostOptions();
            if (options.insecure)
                return this.setTls(false);
            const hostname = this.host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
            const loopback = hostname === 'localhost' || /^127\./.test(hostname) || hostname === '::1';
            if (!loopback || options.ca || options.caFile)
                return this.setTls(true);
            try {
                const res = await this.shared.transport.request({
                    method: 'GET',
                    url: new URL(`https://${this.host}/v2/`),
                });
                await discardBody(res);
                return this.setTls(true);
            }
            catch (error) {
                const code = error.code ?? '';
                const message = error.message ?? '';
                if (/EPROTO|ERR_SSL|ECONNRESET/.test(code) || /wrong version number|packet length/i.test(message)) {
                    this.logger.debug(`RegistryClient.baseUrl: ${this.host} does not speak TLS, using http`);
                    return this.setTls(false);
                }
                return this.setTls(true);
            }
        })();
        return this.base;
    }
    setTls(tls) {
        this.capabilities.tls = tls;
        return `${tls ? 'https' : 'http'}://${this.host}`;
    }
    context(operation, repository, extra = {}) {
        return { registry: this.registry, repository, operation, ...extra };
    }
    async call(options) {
        const base = await this.baseUrl();
        const url = /^https?:\/\//.test(options.path) ? new URL(options.path) : new URL(`${base}${options.path}`);
        options = { ...options, scopes: this.widen(options.scopes) };
        const replayable = !(options.body instanceof external_node_stream_.Readable);
        const semaphore = this.shared.limits.get(this.host);
        let authRetried = false;
        return withRetry(this.shared, async (attempt, backoff) => {
            const release = options.slotHeld ? () => { } : await semaphore.acquire();
            let res;
            let authorization;
            try {
                authorization = await this.auth.authHeader(options.scopes, options.operation, options.repository);
                const body = typeof options.body === 'function' ? options.body() : options.body;
                res = await this.shared.transport.request({
                    method: options.method,
                    url,
                    headers: { ...options.headers, authorization },
                    body,
                    followRedirects: options.followRedirects,
                    signal: options.signal,
                });
            }
            catch (error) {
                release();
                if (error instanceof RegistryError)
                    throw error;
                const delay = replayable && isRetryableNetworkError(error) && !options.signal?.aborted ? backoff() : undefined;
                this.logger.debug(`RegistryClient.call: ${options.operation} attempt ${attempt}: ${describeError(error)}`);
                if (delay !== undefined)
                    return { waitMs: delay };
                throw new RegistryError('NETWORK_ERROR', this.context(options.operation, options.repository, { attempts: attempt }), describeError(error), {
                    cause: error,
                });
            }
            res.body.once('close', release);
            if (this.auth.authScheme === 'unknown' && res.status !== 401) {
                this.auth.authScheme = 'anonymous';
                this.capabilities.auth ??= 'anonymous';
            }
            if (res.status === 401 && !authRetried && replayable && !options.expect.includes(401)) {
                await discardBody(res);
                if (await this.auth.onChallenge(res, options.scopes, options.operation, options.repository, authorization)) {
                    authRetried = true;
                    return { again: true };
                }
                throw new RegistryError('UNAUTHORIZED', this.context(options.operation, options.repository, { status: 401 }), (await this.auth.getCredential())
                    ? `the registry rejected the credentials for ${this.registry}`
                    : `the registry requires credentials and none are configured for ${this.registry}`);
            }
            if (options.expect.includes(res.status))
                return { value: res };
            if (isRetryableStatus(res.status) && replayable) {
                const delay = backoff(parseRetryAfter(header(res, 'retry-after')));
                if (delay !== undefined) {
                    await discardBody(res);
                    this.logger.debug(`RegistryClient.call: ${options.operation} answered ${res.status}, retrying in ${delay} ms`);
                    return { waitMs: delay };
                }
            }
            throw await this.errorFromResponse(res, options, attempt);
        }, options.signal);
    }
    async errorFromResponse(res, options, attempts) {
        let detail = `${res.status}`;
        let registryCode;
        try {
            const text = options.method === 'HEAD' ? '' : (await readBody(res, ERROR_BODY_BYTES)).toString('utf8');
            const parsed = text
                ? JSON.parse(text)
                : undefined;
            const first = parsed?.errors?.[0];
            if (first) {
                registryCode = first.code;
                detail += ` ${first.code ?? ''}${first.message ? `: ${first.message}` : ''}`;
            }
        }
        catch {
            await discardBody(res);
        }
        const code = res.status === 401
            ? 'UNAUTHORIZED'
            : res.status === 403
                ? 'DENIED'
                : res.status === 404
                    ? 'NOT_FOUND'
                    : res.status === 415
                        ? 'UNSUPPORTED'
                        : registryCode === 'DIGEST_INVALID'
                            ? 'DIGEST_MISMATCH'
                            : registryCode === 'SIZE_INVALID'
                                ? 'SIZE_MISMATCH'
                                : registryCode?.startsWith('MANIFEST_')
                                    ? 'MANIFEST_INVALID'
                                    : 'HTTP_ERROR';
        return new RegistryError(code, this.context(options.operation, options.repository, { status: res.status, attempts }), detail.trim());
    }
    async exchange(options) {
        const res = await this.call(options);
        await discardBody(res);
        return res;
    }
    async ping() {
        const res = await this.exchange({
            operation: 'ping',
            scopes: [],
            method: 'GET',
            path: '/v2/',
            expect: [200, 401],
        });
        if (res.status === 401)
            this.auth.learnChallenge(res);
    }
    declarePush(repository) {
        this.pushRepositories.add(repository);
    }
    widen(scopes) {
        return scopes.map((s) => this.pushRepositories.has(s.repository) && !s.actions.includes('push')
            ? { ...s, actions: [...s.actions, 'push'] }
            : s);
    }
}

;// CONCATENATED MODULE: ./packages/oci/src/client.ts















const MAX_MANIFEST_BYTES = DEFAULT_LIMITS['manifest-bytes'];
class Registries {
    options;
    transport;
    limits;
    policy;
    logger;
    bounds;
    clients = new Map();
    constructor(options = {}) {
        this.options = options;
        const hosts = options.hosts ?? {};
        this.bounds = resolveLimits(options.limits);
        this.transport = new HttpTransport({
            maxRedirects: this.bounds.redirects,
            userAgent: options.userAgent,
            idleTimeoutMs: options.idleTimeoutMs,
            tls: (host) => {
                const caOf = (s) => s.ca ?? (s.caFile ? (0,external_node_fs_.readFileSync)(s.caFile, 'utf8') : undefined);
                const settings = hosts[host];
                if (settings)
                    return { ca: caOf(settings), insecureSkipVerify: settings.insecureSkipVerify };
                const all = Object.values(hosts)
                    .map(caOf)
                    .filter((ca) => Boolean(ca));
                return all.length > 0 ? { ca: all.join('\n') } : undefined;
            },
        });
        this.limits = new KeyedSemaphores(options.concurrency ?? 4);
        this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
        this.logger = options.logger ?? silentLogger;
    }
    client(registry) {
        let client = this.clients.get(registry);
        if (!client) {
            client = new RegistryClient(registry, this);
            this.clients.set(registry, client);
        }
        return client;
    }
    credentials() {
        this.credentialProvider ??=
            this.options.credentials ?? new DockerConfigCredentials({ onSecret: this.options.onSecret });
        return this.credentialProvider;
    }
    credentialProvider;
    acquireTransfer(registries) {
        return this.limits
            .acquireAll(registries.map((r) => this.client(r).host))
            .then((release) => (registry) => release(registry === undefined ? undefined : this.client(registry).host));
    }
    sleep(ms, signal) {
        return this.options.sleep ? this.options.sleep(ms) : sleep(ms, signal);
    }
    random() {
        return (this.options.random ?? Math.random)();
    }
    close() {
        this.transport.close();
    }
}
class RegistryClient {
    registry;
    shared;
    host;
    capabilities;
    http;
    manifests;
    blobs;
    uploads;
    referrers;
    probe;
    get bounds() {
        return this.shared.bounds;
    }
    constructor(registry, shared) {
        this.registry = registry;
        this.shared = shared;
        this.http = new RegistryHttp(registry, shared);
        this.host = this.http.host;
        this.capabilities = this.http.capabilities;
        this.manifests = new Manifests(this.http);
        this.blobs = new BlobReader(this.http);
        this.uploads = new BlobUploader(this.http);
        this.referrers = new Referrers(this.http, this.manifests);
        this.probe = new CapabilityProbe(this.http, this.uploads);
    }
    ping() {
        return this.http.ping();
    }
    declarePush(repository) {
        this.http.declarePush(repository);
    }
    headManifest(repository, reference, options = {}) {
        return this.manifests.headManifest(repository, reference, options);
    }
    getManifest(repository, reference, options = {}) {
        return this.manifests.getManifest(repository, reference, options);
    }
    getManifestIfExists(repository, reference, options = {}) {
        return this.manifests.getManifestIfExists(repository, reference, options);
    }
    putManifest(repository, reference, bytes, mediaType, options = {}) {
        return this.manifests.putManifest(repository, reference, bytes, mediaType, options);
    }
    listTags(repository) {
        return this.manifests.listTags(repository);
    }
    headBlob(repository, digest, options = {}) {
        return this.blobs.headBlob(repository, digest, options);
    }
    openBlob(repository, descriptor, options = {}) {
        return this.blobs.openBlob(repository, descriptor, options);
    }
    readBlob(repository, descriptor, options) {
        return this.blobs.readBlob(repository, descriptor, options);
    }
    fetchBlob(repository, descriptor, maxBytes = this.shared.bounds['manifest-bytes']) {
        return this.blobs.fetchBlob(repository, descriptor, maxBytes);
    }
    mountBlob(repository, digest, from, options = {}) {
        return this.uploads.mountBlob(repository, digest, from, options);
    }
    uploadBlob(repository, descriptor, source, options = {}) {
        return this.uploads.uploadBlob(repository, descriptor, source, options);
    }
    async pushBlob(repository, data, mediaType = 'application/octet-stream') {
        const descriptor = { mediaType, digest: computeDigest(data), size: data.length };
        if ((await this.headBlob(repository, descriptor.digest)) === undefined) {
            await this.uploadBlob(repository, descriptor, {
                open: async (offset) => external_node_stream_.Readable.from([data.subarray(offset)]),
            });
        }
        return descriptor;
    }
    getReferrers(repository, digest, options = {}) {
        return this.referrers.getReferrers(repository, digest, options);
    }
    pushReferrer(repository, bytes, mediaType) {
        return this.referrers.pushReferrer(repository, bytes, mediaType);
    }
    addToReferrersTag(repository, subject, descriptors, initial, current) {
        return this.referrers.addToReferrersTag(repository, subject, descriptors, initial, current);
    }
    readReferrersTag(repository, subject) {
        return this.manifests.getManifestIfExists(repository, referrersTag(subject));
    }
    probeCapabilities(repository, options = {}) {
        return this.probe.probeCapabilities(repository, options);
    }
}

;// CONCATENATED MODULE: ./packages/oci/src/registry-auths.ts



function parseRegistryAuths(value, mask, input = 'registry-auths') {
    if (value === undefined || value === null)
        return [];
    const fail = (why) => {
        throw new InputError(input, `Input "${input}" ${why}`);
    };
    if (!Array.isArray(value))
        fail('must be a list of {registry, username, password} entries');
    return value.map((entry, i) => {
        if (!entry || typeof entry !== 'object')
            return fail(`entry ${i + 1} is not a mapping`);
        const { registry, username, password, ca, insecure, ...rest } = entry;
        if (typeof password === 'string')
            mask(password);
        if (Object.keys(rest).length > 0)
            fail(`entry ${i + 1} has ${Object.keys(rest).length} unknown key(s); allowed: registry, username, password, ca, insecure`);
        if (typeof registry !== 'string' || !registry)
            return fail(`entry ${i + 1} needs a registry`);
        const host = registry
            .replace(/^https?:\/\//, '')
            .replace(/\/(?:v[12]\/?)?$/, '')
            .replace(/\/+$/, '');
        if (!/^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:]+\])(?::\d{1,5})?$/.test(host))
            fail(`entry ${i + 1}: registry must be a host name with an optional port (e.g. ghcr.io, localhost:5000)`);
        for (const [key, v] of Object.entries({ username, password, ca })) {
            if (v !== undefined && typeof v !== 'string')
                fail(`entry ${i + 1}: ${key} must be a string`);
        }
        if ((username === undefined) !== (password === undefined)) {
            fail(`entry ${i + 1} (${host}) needs both username and password`);
        }
        if (insecure !== undefined && typeof insecure !== 'boolean')
            fail(`entry ${i + 1}: insecure must be true or false`);
        return {
            registry: host,
            username: username,
            password: password,
            ca: ca,
            insecure: insecure,
        };
    });
}
function openRegistries(auths, options) {
    const hosts = {};
    for (const host of options.insecureHosts ?? [])
        hosts[host] = { insecure: true };
    for (const a of auths)
        hosts[a.registry] = { ca: a.ca, insecure: a.insecure };
    const { logger, onSecret, insecureHosts: _unused, ...rest } = options;
    return new Registries({
        ...rest,
        credentials: chainCredentials(new StaticCredentials(Object.fromEntries(auths
            .filter((a) => a.username !== undefined)
            .map((a) => [a.registry, { username: a.username, password: a.password }]))), new DockerConfigCredentials({ onSecret, logger })),
        hosts,
        logger,
        onSecret,
    });
}

// EXTERNAL MODULE: ./packages/oci-core/src/platform.ts
var src_platform = __webpack_require__(99845);
// EXTERNAL MODULE: ./node_modules/.pnpm/semver@7.8.6/node_modules/semver/index.js
var semver = __webpack_require__(82320);
// EXTERNAL MODULE: ./node_modules/.pnpm/@renovate+pep440@1.0.0/node_modules/@renovate/pep440/index.js
var pep440 = __webpack_require__(48908);
;// CONCATENATED MODULE: ./packages/meta/src/errors.ts

class MetaError extends errors/* BaseError */.Cf {
}

// EXTERNAL MODULE: ./node_modules/.pnpm/handlebars@4.7.10/node_modules/handlebars/lib/index.js
var lib = __webpack_require__(87979);
var lib_default = /*#__PURE__*/__webpack_require__.n(lib);
;// CONCATENATED MODULE: ./packages/meta/src/expressions.ts


const hb = lib_default().create();
let moment;
async function loadDateFormatting() {
    moment ??= (await __webpack_require__.e(/* import() */ 239).then(__webpack_require__.t.bind(__webpack_require__, 86239, 23))).default;
}
function dateHelper(date) {
    return function (format, options) {
        const opts = options ?? format;
        const fmt = options === undefined ? undefined : format;
        let tz = 'UTC';
        for (const key of Object.keys(opts?.hash ?? {})) {
            if (key !== 'tz')
                throw new MetaError('TEMPLATE_INVALID', `Unknown ${key} attribute`);
            tz = String(opts.hash[key]);
        }
        if (!moment)
            throw new MetaError('DATE_FORMATTING_UNLOADED', 'date formatting is not loaded (computeMetadata loads it for templates)');
        if (!moment.tz.zone(tz))
            throw new MetaError('TEMPLATE_INVALID', `Unknown time zone "${tz}"`);
        return moment(date)
            .tz(tz)
            .format(fmt);
    };
}
function shortSha(sha, length) {
    return length >= sha.length ? sha : sha.substring(0, length);
}
function isDefaultBranch(context) {
    const branch = context.ref.replace(/^refs\/heads\//g, '');
    if (!branch)
        return false;
    const repository = context.payload['repository'];
    if (repository?.default_branch === branch)
        return true;
    return /create|discussion|issues|schedule/.test(context.eventName);
}
function renderGlobal(template, scope) {
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
            const pr = context.payload['pull_request'];
            if (/^refs\/pull\//.test(context.ref) && pr?.base?.ref != undefined)
                return String(pr.base.ref);
            return '';
        },
        commit_date: dateHelper(context.commitDate),
        date: dateHelper(scope.now),
        is_default_branch: () => String(isDefaultBranch(context)),
        is_not_default_branch: () => String(!isDefaultBranch(context)),
    };
    return hb.compile(template)(vars);
}
function renderSchedule(pattern, scope) {
    return hb.compile(pattern)({
        date: dateHelper(scope.now),
        commit_date: dateHelper(scope.context.commitDate),
    });
}
function renderWith(pattern, values) {
    return hb.compile(pattern)(values);
}
function isRawStatement(pattern) {
    try {
        const program = hb.parseWithoutProcessing(pattern);
        const only = program.body.length === 1 ? program.body[0] : undefined;
        if (only?.type !== 'MustacheStatement')
            return false;
        const path = only.path;
        return path.parts?.length === 1 && path.parts[0] === 'raw';
    }
    catch {
        return false;
    }
}

// EXTERNAL MODULE: ./packages/meta/src/rules.ts
var rules = __webpack_require__(75809);
;// CONCATENATED MODULE: ./packages/meta/src/meta.ts






async function computeMetadata(config, context, repo, options = {}) {
    if (JSON.stringify(config).includes('{{'))
        await loadDateFormatting();
    const computer = new MetadataComputer(config, context, repo, options);
    return computer.result();
}
class MetadataComputer {
    config;
    context;
    repo;
    options;
    names;
    rules;
    flavor;
    scope;
    warnings = [];
    version;
    constructor(config, context, repo, options) {
        this.config = config;
        this.context = context;
        this.repo = repo;
        this.options = options;
        this.names = {
            images: 'images',
            tags: 'tags',
            flavor: 'flavor',
            labels: 'labels',
            annotations: 'annotations',
            ...options.inputNames,
        };
        this.rules = (0,rules/* parseTagRules */.hh)(config.tags ?? [], this.names.tags);
        this.flavor = (0,rules/* parseFlavor */.wp)(config.flavor ?? [], this.names.flavor);
        this.scope = { context, now: options.now ?? new Date(), shortShaLength: options.shortShaLength ?? 7 };
        this.version = this.computeVersion();
    }
    result() {
        const images = (0,rules/* parseImages */.eb)(this.config.images ?? [], this.names.images)
            .filter((i) => i.enable)
            .map((i) => i.name.toLowerCase());
        const tagNames = this.tagNames();
        const tags = images.length > 0 ? images.flatMap((image) => tagNames.map((t) => `${image}:${t}`)) : tagNames;
        const labels = this.ociWith(this.names.labels, (0,rules/* parseAnnotationEntries */.VL)(this.names.labels, this.config.labels ?? []));
        const annotations = this.ociWith(this.names.annotations, (0,rules/* parseAnnotationEntries */.VL)(this.names.annotations, this.config.annotations ?? []));
        const levels = this.options.annotationLevels ?? ['manifest'];
        const leveledAnnotations = levels.flatMap((level) => annotations.map((a) => `${level}:${a}`));
        return {
            version: this.version,
            images,
            tags,
            tagNames,
            labels,
            annotations,
            leveledAnnotations,
            json: { tags, 'tag-names': tagNames, labels: labelRecord(labels), annotations: leveledAnnotations },
            warnings: this.warnings,
        };
    }
    computeVersion() {
        const v = {
            main: undefined,
            partial: [],
            latest: undefined,
        };
        const set = (value, latest) => {
            if (value.length === 0)
                return;
            const tag = sanitizeTag(value);
            if (v.main === undefined)
                v.main = tag;
            else if (tag !== v.main)
                v.partial.push(tag);
            if (v.latest === undefined)
                v.latest = latest;
        };
        for (const rule of this.rules) {
            try {
                const enabled = this.global(rule.attrs['enable']);
                if (enabled !== 'true' && enabled !== 'false') {
                    throw new errors/* InputError */.dz(this.names.tags, `Input "${this.names.tags}" has an invalid entry "${rule.source}": enable must evaluate to true or false, got "${enabled}"`);
                }
                if (enabled === 'false')
                    continue;
                const produced = this.evaluate(rule);
                if (produced)
                    set(produced.value, this.latestFor(produced.autoLatest));
            }
            catch (e) {
                if (e instanceof errors/* InputError */.dz)
                    throw e;
                throw new errors/* InputError */.dz(this.names.tags, `Input "${this.names.tags}" has an invalid entry "${rule.source}": ${(0,errors/* getErrorMessage */.u1)(e)}`, 'INPUT_INVALID', {
                    cause: e,
                });
            }
        }
        return {
            main: v.main,
            partial: v.partial.filter((p, i) => v.partial.indexOf(p) === i),
            latest: v.latest ?? false,
        };
    }
    latestFor(auto) {
        return this.flavor.latest === 'auto' ? auto : this.flavor.latest === 'true';
    }
    evaluate(rule) {
        const { ref, eventName, sha } = this.context;
        const a = rule.attrs;
        const isTag = /^refs\/tags\//.test(ref);
        const isBranch = /^refs\/heads\//.test(ref);
        switch (rule.type) {
            case 'schedule':
                if (!/schedule/.test(eventName))
                    return undefined;
                return {
                    value: this.affix(renderSchedule(a['pattern'], this.scope), rule),
                    autoLatest: false,
                };
            case 'semver':
            case 'pep440': {
                if (!isTag && a['value'].length === 0)
                    return undefined;
                let raw = a['value'].length > 0
                    ? this.global(a['value'])
                    : ref.replace(/^refs\/tags\//g, '');
                if (a['match'].length > 0) {
                    const m = raw.match(a['match']);
                    if (!m)
                        this.warnings.push(`${a['match']} does not match ${raw}.`);
                    else if (m[1] === undefined)
                        throw new MetaError('PATTERN_INVALID', `match pattern "${a['match']}" needs a capture group`);
                    else
                        raw = m[1];
                }
                raw = raw.replace(/\//g, '-');
                return rule.type === 'semver' ? this.semverValue(raw, rule) : this.pep440Value(raw, rule);
            }
            case 'match': {
                if (!isTag && a['value'].length === 0)
                    return undefined;
                const raw = a['value'].length > 0
                    ? this.global(a['value'])
                    : ref.replace(/^refs\/tags\//g, '');
                const pattern = a['pattern'];
                const literal = pattern.match(/^\/(.+)\/(.*)$/);
                const m = literal ? raw.match(new RegExp(literal[1], literal[2])) : raw.match(pattern);
                if (!m) {
                    this.warnings.push(`${pattern} does not match ${raw}.`);
                    return undefined;
                }
                const group = m[a['group']];
                if (group === undefined) {
                    this.warnings.push(`Group ${a['group']} does not exist for ${pattern} pattern.`);
                    return undefined;
                }
                return { value: this.affix(group, rule), autoLatest: true };
            }
            case 'ref':
                if (a['event'] === 'branch') {
                    if (!isBranch)
                        return undefined;
                    return { value: this.affix(ref.replace(/^refs\/heads\//g, ''), rule), autoLatest: false };
                }
                if (a['event'] === 'tag') {
                    if (!isTag)
                        return undefined;
                    return { value: this.affix(ref.replace(/^refs\/tags\//g, ''), rule), autoLatest: true };
                }
                if (!/^refs\/pull\//.test(ref))
                    return undefined;
                return {
                    value: this.affix(ref.replace(/^refs\/pull\//g, '').replace(/\/merge$/g, ''), rule),
                    autoLatest: false,
                };
            case 'edge': {
                if (!isBranch)
                    return undefined;
                const branch = a['branch'].length > 0 ? a['branch'] : this.repo.defaultBranch;
                if (branch !== ref.replace(/^refs\/heads\//g, ''))
                    return undefined;
                return { value: this.affix('edge', rule), autoLatest: false };
            }
            case 'raw':
                return { value: this.affix(this.global(a['value']), rule), autoLatest: false };
            case 'sha': {
                if (!sha)
                    return undefined;
                const value = a['format'] === 'short' ? shortSha(sha, this.scope.shortShaLength) : sha;
                return { value: this.affix(value, rule), autoLatest: false };
            }
        }
    }
    semverValue(raw, rule) {
        if (!semver.valid(raw)) {
            this.warnings.push(`${raw} is not a valid semver. More info: https://semver.org/`);
            return undefined;
        }
        const parsed = semver.parse(raw, { loose: true });
        const pattern = rule.attrs['pattern'];
        if (semver.prerelease(raw)) {
            return {
                value: this.affix(renderWith(isRawStatement(pattern) ? pattern : '{{version}}', parsed), rule),
                autoLatest: false,
            };
        }
        return { value: this.affix(renderWith(pattern, parsed), rule), autoLatest: true };
    }
    pep440Value(raw, rule) {
        if (!pep440.valid(raw)) {
            this.warnings.push(`${raw} does not conform to PEP 440. More info: https://www.python.org/dev/peps/pep-0440`);
            return undefined;
        }
        const pattern = rule.attrs['pattern'];
        const explained = pep440.explain(raw);
        if (explained && (explained.is_prerelease || explained.is_postrelease || explained.is_devrelease)) {
            return {
                value: this.affix(isRawStatement(pattern) ? raw : (pep440.clean(raw) ?? raw), rule),
                autoLatest: false,
            };
        }
        const value = renderWith(pattern, {
            raw: () => raw,
            version: () => pep440.clean(raw),
            major: () => pep440.major(raw),
            minor: () => pep440.minor(raw),
            patch: () => pep440.patch(raw),
        });
        return { value: this.affix(value, rule), autoLatest: true };
    }
    affix(value, rule) {
        const has = (k) => Object.prototype.hasOwnProperty.call(rule.attrs, k);
        let out = value;
        if (has('prefix'))
            out = `${this.global(rule.attrs['prefix'])}${out}`;
        else if (this.flavor.prefix.length > 0)
            out = `${this.global(this.flavor.prefix)}${out}`;
        if (has('suffix'))
            out = `${out}${this.global(rule.attrs['suffix'])}`;
        else if (this.flavor.suffix.length > 0)
            out = `${out}${this.global(this.flavor.suffix)}`;
        return out;
    }
    global(template) {
        return renderGlobal(template, this.scope);
    }
    tagNames() {
        if (!this.version.main)
            return [];
        const names = [this.version.main, ...this.version.partial];
        if (this.version.latest) {
            const f = this.flavor;
            names.push(sanitizeTag(`${f.prefixLatest ? f.prefix : ''}latest${f.suffixLatest ? f.suffix : ''}`));
        }
        return names;
    }
    ociWith(input, extra) {
        const entries = [
            `org.opencontainers.image.title=${this.repo.name}`,
            `org.opencontainers.image.description=${this.repo.description}`,
            `org.opencontainers.image.url=${this.repo.htmlUrl}`,
            `org.opencontainers.image.source=${this.repo.htmlUrl}`,
            `org.opencontainers.image.version=${this.version.main ?? ''}`,
            `org.opencontainers.image.created=${this.scope.now.toISOString()}`,
            `org.opencontainers.image.revision=${this.context.sha}`,
            `org.opencontainers.image.licenses=${this.repo.licenses}`,
        ];
        for (const e of extra) {
            if (!e.enable || e.value === null)
                continue;
            try {
                entries.push(`${e.name}=${this.global(e.value)}`);
            }
            catch (err) {
                throw new errors/* InputError */.dz(input, `Input "${input}" has an invalid entry "${e.name}": ${(0,errors/* getErrorMessage */.u1)(err)}`, 'INPUT_INVALID', {
                    cause: err,
                });
            }
        }
        const byKey = new Map();
        for (const entry of entries) {
            const [key, ...values] = entry.split('=');
            if (values.length > 0)
                byKey.set(key, values.join('='));
        }
        return [...byKey].sort((a, b) => a[0].localeCompare(b[0])).map(([k, v]) => `${k}=${v}`);
    }
}
function sanitizeTag(tag) {
    return tag.replace(/[^a-zA-Z0-9._-]+/g, '-');
}
function labelRecord(entries) {
    const out = {};
    for (const entry of entries) {
        const m = entry.match(/([^=]*)=(.*)/);
        if (m)
            out[m[1]] = m[2];
    }
    return out;
}

;// CONCATENATED MODULE: ./packages/oci/src/reference.ts


function reference_parseReference(value, options = {}) {
    return (0,errors/* withInputError */.P_)(() => (0,src_reference/* parseReference */.F2)(value, options));
}

// EXTERNAL MODULE: ./packages/image-build/src/builder.ts
var builder = __webpack_require__(14256);
;// CONCATENATED MODULE: ./packages/meta/src/context.ts
function obj(v) {
    return v !== null && typeof v === 'object' && !Array.isArray(v)
        ? v
        : undefined;
}
function str(v) {
    return typeof v === 'string' ? v : undefined;
}
function contextFromEnv(env, payload, options = {}) {
    const eventName = env['GITHUB_EVENT_NAME'] ?? '';
    let ref = env['GITHUB_REF'] ?? '';
    let sha = env['GITHUB_SHA'] ?? '';
    if (/pull_request_target/.test(eventName))
        ref = `refs/pull/${String(payload['number'])}/merge`;
    if (/true/i.test(env['DOCKER_METADATA_PR_HEAD_SHA'] ?? '') && /pull_request/.test(eventName)) {
        const headSha = str(obj(obj(payload['pull_request'])?.['head'])?.['sha']);
        if (headSha !== undefined)
            sha = headSha;
    }
    return {
        eventName,
        ref,
        sha,
        payload,
        commitDate: commitDateFromPayload(payload, sha) ?? options.commitDate ?? new Date(),
    };
}
function commitDateFromPayload(payload, sha) {
    const commits = payload['commits'];
    if (Array.isArray(commits)) {
        const hit = commits.map(obj).find((c) => c?.['id'] === sha);
        const ts = str(hit?.['timestamp']);
        if (ts)
            return new Date(ts);
    }
    const head = obj(payload['head_commit']);
    if (head && head['id'] === sha && str(head['timestamp']))
        return new Date(head['timestamp']);
    return undefined;
}
function repoFromPayload(payload, env) {
    const repo = obj(payload['repository']) ?? {};
    const full = env['GITHUB_REPOSITORY'] ?? '';
    const server = (env['GITHUB_SERVER_URL'] ?? 'https://github.com').replace(/\/+$/, '');
    return {
        name: str(repo['name']) ?? full.split('/')[1] ?? '',
        description: str(repo['description']) ?? '',
        htmlUrl: str(repo['html_url']) ?? (full ? `${server}/${full}` : ''),
        defaultBranch: str(repo['default_branch']) ?? str(repo['master_branch']) ?? '',
        licenses: str(obj(repo['license'])?.['spdx_id']) ?? '',
    };
}

;// CONCATENATED MODULE: ./packages/image-build/src/run-metadata.ts



async function readEventPayload(environment) {
    const file = environment.eventPath;
    return file && (0,external_node_fs_.existsSync)(file) ? JSON.parse(await (0,promises_.readFile)(file, 'utf8')) : undefined;
}
function cacheScopeOf(environment, payload) {
    const ref = environment.github.GITHUB_REF;
    if (!ref || !payload)
        return undefined;
    const defaultBranch = payload['repository']?.default_branch;
    return { ref, defaultBranch: typeof defaultBranch === 'string' ? defaultBranch : 'main' };
}
async function computeRunMetadata(config, environment, payload, git, options) {
    const { github, sourceDateEpoch } = environment;
    const sha = github.GITHUB_SHA;
    const commitDate = sha && git ? await git.commitDate(sha) : undefined;
    const context = contextFromEnv(github, payload ?? {}, { commitDate });
    return computeMetadata(config, context, repoFromPayload(payload ?? {}, github), {
        now: sourceDateEpoch === undefined ? undefined : new Date(sourceDateEpoch * 1000),
        shortShaLength: environment.shortShaLength,
        annotationLevels: environment.annotationLevels,
        inputNames: options.inputNames,
    });
}

;// CONCATENATED MODULE: ./packages/image-build/src/spec.ts



const LEVELS = ['manifest', 'index', 'manifest-descriptor', 'index-descriptor'];
function parseAnnotation(text, input = 'annotations') {
    const eq = text.indexOf('=');
    if (eq <= 0)
        throw new errors/* InputError */.dz(input, `Input "${input}" has an annotation without "=": "${text}"`);
    let head = text.slice(0, eq);
    const value = text.slice(eq + 1);
    let levels = ['manifest'];
    const colon = head.indexOf(':');
    if (colon > 0) {
        const candidates = head.slice(0, colon).split(',');
        if (candidates.every((c) => LEVELS.includes(c.replace(/\[.*\]$/, '')))) {
            levels = candidates.map((c) => c.replace(/\[.*\]$/, ''));
            head = head.slice(colon + 1);
        }
    }
    if (!head)
        throw new errors/* InputError */.dz(input, `Input "${input}" has an annotation without a key: "${text}"`);
    return { levels, key: head, value };
}
function annotationsFor(annotations, level) {
    const out = {};
    for (const a of annotations) {
        const parsed = parseAnnotation(a);
        if (parsed.levels.includes(level))
            out[parsed.key] = parsed.value;
    }
    return out;
}
function cacheScopeName(scope) {
    if (!scope)
        return undefined;
    const branch = /^refs\/heads\/(.+)$/.exec(scope.ref)?.[1];
    if (branch === scope.defaultBranch)
        return undefined;
    const pull = /^refs\/pull\/(\d+)\//.exec(scope.ref)?.[1];
    const tag = /^refs\/tags\/(.+)$/.exec(scope.ref)?.[1];
    const name = branch ?? (pull ? `pr-${pull}` : tag ? `tag-${tag}` : `ref-${scope.ref.replace(/^refs\//, '')}`);
    const safe = name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[.-]+/, '');
    return safe.length <= 48
        ? safe
        : `${safe.slice(0, 39)}-${(0,external_node_crypto_.createHash)('sha256').update(name).digest('hex').slice(0, 8)}`;
}
function resolveCacheRefs(backend, image, platforms, mode, scope) {
    if (mode === 'none')
        return { from: [], to: [] };
    const name = stripTag(image);
    const own = cacheScopeName(scope);
    if (backend === 'buildx') {
        const suffix = platforms.length === 1 ? `buildcache-${(0,src_platform/* platformSlug */.DN)(platforms[0])}` : 'buildcache';
        const main = `${name}:${suffix}`;
        const mine = own ? `${name}:${suffix}-${own}` : main;
        return {
            from: [...(own ? [`type=registry,ref=${mine}`] : []), `type=registry,ref=${main}`],
            to: [`type=registry,ref=${mine},mode=max`],
        };
    }
    const main = platforms.map((p) => `${name}-buildcache-${(0,src_platform/* platformSlug */.DN)(p)}`);
    const mine = own ? platforms.map((p) => `${name}-buildcache-${(0,src_platform/* platformSlug */.DN)(p)}-${own}`) : main;
    return { from: own ? [...mine, ...main] : main, to: mine };
}
function stripTag(ref) {
    const at = ref.indexOf('@');
    const noDigest = at >= 0 ? ref.slice(0, at) : ref;
    const slash = noDigest.lastIndexOf('/');
    const colon = noDigest.lastIndexOf(':');
    return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

;// CONCATENATED MODULE: ./packages/image-build/src/build-setup.ts








async function secretFiles(request, work) {
    const secrets = [];
    for (const [i, s] of request.secrets.entries()) {
        const file = external_node_path_default().join(work, `secret-${i}`);
        await (0,promises_.writeFile)(file, s.value, { mode: 0o600 });
        await (0,promises_.chmod)(file, 0o600);
        secrets.push({ id: s.id, src: file });
    }
    for (const s of request.secretFiles)
        secrets.push({ id: s.id, src: external_node_path_default().resolve(s.path) });
    return secrets;
}
function dockerAuthFile(environment) {
    const file = external_node_path_default().join(environment.dockerConfigDir, 'config.json');
    return (0,external_node_fs_.existsSync)(file) ? file : undefined;
}
async function setUpBuild(request, meta, payload, tools, dryRun) {
    const { logger, registries } = tools;
    const repository = meta.images[0];
    const work = await (0,promises_.mkdtemp)(external_node_path_default().join(request.environment.tempDir, 'multiarch-build-'));
    const secrets = await secretFiles(request, work);
    const backend = await (0,builder/* selectBackend */.H)(request.builder, {
        buildx: () => tools.buildx.isAvailable(),
        buildah: () => tools.buildah.isAvailable(),
    }, request.inputNames.builder).catch((e) => {
        if (dryRun)
            return request.builder === 'buildx' ? 'buildx' : 'buildah';
        throw e;
    });
    const derived = repository && request.cache === 'registry' && backend === 'buildx'
        ? resolveCacheRefs('buildx', repository, request.platforms, 'registry', cacheScopeOf(request.environment, payload))
        : { from: [], to: [] };
    const spec = {
        context: request.context,
        file: request.file,
        platforms: request.platforms,
        tags: request.mode === 'single' ? [] : meta.tags,
        labels: labelRecord(meta.labels),
        annotations: meta.leveledAnnotations,
        buildArgs: request.buildArgs,
        secrets,
        target: request.target,
        push: request.push && !dryRun,
        cacheFrom: [...request.cacheFrom, ...derived.from],
        cacheTo: [...request.cacheTo, ...(request.push ? derived.to : [])],
        sourceDateEpoch: request.environment.sourceDateEpoch,
    };
    const insecure = (ref) => ref ? request.insecureRegistries.includes(reference_parseReference(ref).registry) : false;
    return {
        backend,
        spec,
        buildah: {
            buildah: tools.buildah,
            registries,
            workDir: external_node_path_default().join(work, 'build'),
            mode: request.mode,
            repository,
            cacheImage: repository && request.push ? repository : undefined,
            cacheMode: request.cache,
            authFile: dockerAuthFile(request.environment),
            tlsVerify: request.insecureRegistries.length > 0 && insecure(repository) ? false : undefined,
            inputNames: request.inputNames,
            logger,
        },
        buildx: {
            buildx: tools.buildx,
            metadataFile: external_node_path_default().join(work, 'metadata.json'),
            mode: request.mode,
            repository,
            provenance: 'false',
            registries,
            inputNames: request.inputNames,
            logger,
        },
    };
}

// EXTERNAL MODULE: ./packages/image-build/src/errors.ts
var image_build_src_errors = __webpack_require__(71904);
;// CONCATENATED MODULE: ./packages/image-build/src/tool.ts


class CliTool {
    execFn;
    logger;
    versionOnce;
    constructor(options = {}) {
        this.execFn = options.exec ?? exec_exec;
        this.logger = options.logger ?? silentLogger;
    }
    async run(args, options = {}) {
        const cmd = this.getCommand(args);
        try {
            return await this.execFn(cmd.command, cmd.args, { logger: this.logger, ...options });
        }
        catch (error) {
            throw new image_build_src_errors/* BuildError */.z('COMMAND_FAILED', (0,errors/* getErrorMessage */.u1)(error), { cause: error });
        }
    }
    async isAvailable() {
        const cmd = this.getCommand(this.versionArgs());
        try {
            const res = await this.execFn(cmd.command, cmd.args, { ignoreReturnCode: true, logger: this.logger });
            const ok = res.exitCode === 0;
            this.logger.debug(`${this.name}.isAvailable: ${ok}${ok ? '' : ` (${res.stderr.trim().split('\n').pop() ?? ''})`}`);
            return ok;
        }
        catch (e) {
            this.logger.debug(`${this.name}.isAvailable: false (${e.message})`);
            return false;
        }
    }
    version() {
        this.versionOnce ??= (async () => {
            const res = await this.run(this.versionArgs());
            return this.parseVersion(res.stdout.trim());
        })();
        return this.versionOnce;
    }
}

;// CONCATENATED MODULE: ./packages/image-build/src/buildah.ts




class Buildah extends CliTool {
    options;
    constructor(options = {}) {
        super(options);
        this.options = options;
    }
    get name() {
        return 'Buildah';
    }
    getCommand(args) {
        const global = [];
        if (this.options.root)
            global.push('--root', this.options.root);
        if (this.options.runroot)
            global.push('--runroot', this.options.runroot);
        if (this.options.storageDriver)
            global.push('--storage-driver', this.options.storageDriver);
        return { command: 'buildah', args: [...global, ...args] };
    }
    versionArgs() {
        return ['--version'];
    }
    withStore(root, runroot) {
        return new Buildah({ ...this.options, root, runroot });
    }
    async storePaths(env) {
        const res = await this.run(['info', '--format', '{{.store.GraphRoot}}\t{{.store.RunRoot}}'], { env });
        const [root, runroot] = res.stdout.trim().split('\t');
        if (!root || !runroot)
            throw new image_build_src_errors/* BuildError */.z('TOOL_OUTPUT_INVALID', `buildah info gave no store paths: "${res.stdout.trim()}"`);
        return { root, runroot };
    }
    parseVersion(stdout) {
        return Buildah.parseVersion(stdout);
    }
    static parseVersion(stdout) {
        const m = /buildah version v?(\d+\.\d+\.\d+\S*)/.exec(stdout);
        if (!m)
            throw new image_build_src_errors/* BuildError */.z('TOOL_OUTPUT_INVALID', `Cannot parse buildah version from "${stdout.trim()}"`);
        return m[1];
    }
}
function buildahRegistryFlags(o) {
    const flags = [];
    if (o.authFile)
        flags.push('--authfile', o.authFile);
    if (o.tlsVerify === false)
        flags.push('--tls-verify=false');
    if (o.certDir)
        flags.push('--cert-dir', o.certDir);
    return flags;
}
function buildahBuildArgs(spec, options) {
    const args = ['build', '--platform', (0,src_platform/* formatPlatform */.Bq)(options.platform), '--layers'];
    if (spec.file)
        args.push('--file', spec.file);
    if (spec.target)
        args.push('--target', spec.target);
    for (const [k, v] of Object.entries(spec.buildArgs))
        args.push('--build-arg', `${k}=${v}`);
    for (const [k, v] of Object.entries(spec.labels))
        args.push('--label', `${k}=${v}`);
    for (const a of spec.annotations) {
        const parsed = parseAnnotation(a);
        if (parsed.levels.includes('manifest'))
            args.push('--annotation', `${parsed.key}=${parsed.value}`);
    }
    for (const s of spec.secrets)
        args.push('--secret', `id=${s.id},src=${s.src}`);
    if (spec.noCache)
        args.push('--no-cache');
    else {
        for (const c of options.cacheFrom ?? [])
            args.push('--cache-from', c);
        for (const c of options.cacheTo ?? [])
            args.push('--cache-to', c);
    }
    if (spec.sourceDateEpoch !== undefined)
        args.push('--timestamp', String(spec.sourceDateEpoch));
    if (options.jobs !== undefined)
        args.push('--jobs', String(options.jobs));
    args.push(...buildahRegistryFlags(options));
    args.push('--iidfile', options.iidFile);
    args.push(spec.context);
    return args;
}
function buildahPushLayoutArgs(imageId, layoutDir, digestFile) {
    return ['push', '--format', 'oci', '--digestfile', digestFile, imageId, `oci:${layoutDir}`];
}
function buildahManifestPushArgs(list, destination, digestFile, options = {}) {
    return [
        'manifest',
        'push',
        '--all',
        '--format',
        'oci',
        '--digestfile',
        digestFile,
        ...buildahRegistryFlags(options),
        list,
        `docker://${destination}`,
    ];
}
function parseBuildahCacheStats(log) {
    const count = (re) => (log.match(re) ?? []).length;
    return {
        hits: count(/^--> Using cache /gm),
        pulled: count(/^--> Cache pulled from remote /gm),
        pushed: count(/^--> Pushing cache /gm),
        steps: count(/^(\[\d+\/\d+\] )?STEP \d+\/\d+: /gm),
        primed: 0,
    };
}
function failingStep(log) {
    const steps = [...log.matchAll(/^((?:\[\d+\/\d+\] )?STEP \d+\/\d+: .*)$/gm)];
    const last = steps.at(-1)?.[1];
    const error = log
        .split('\n')
        .reverse()
        .find((l) => /^(Error|error):|level=error/.test(l.trim()));
    if (!last && !error)
        return undefined;
    return [last, error?.trim()].filter(Boolean).join(' — ');
}
function buildahPullArgs(ref, options = {}) {
    return ['pull', '--quiet', ...buildahRegistryFlags(options), ref];
}

;// CONCATENATED MODULE: ./packages/image-build/src/buildx.ts




class Buildx extends CliTool {
    standalone;
    constructor(options = {}) {
        super(options);
        this.standalone = options.standalone ?? false;
    }
    get name() {
        return 'Buildx';
    }
    getCommand(args) {
        return this.standalone
            ? { command: 'buildx', args: [...args] }
            : { command: 'docker', args: ['buildx', ...args] };
    }
    versionArgs() {
        return ['version'];
    }
    parseVersion(stdout) {
        return Buildx.parseVersion(stdout);
    }
    static parseVersion(stdout) {
        const m = /\sv?([0-9a-f]{7}|[0-9.]+)/.exec(stdout);
        if (!m)
            throw new image_build_src_errors/* BuildError */.z('METADATA_INVALID', `Cannot parse buildx version from "${stdout.trim()}"`);
        return m[1];
    }
}
function exportsSingleManifest(spec, options) {
    const off = (v) => v === 'false' || v === '0';
    return (spec.platforms.length === 1 &&
        off(options.provenance) &&
        (options.sbom === undefined || off(options.sbom)));
}
function buildxAnnotations(annotations, singleManifest) {
    if (!singleManifest)
        return [...annotations];
    const out = [];
    for (const a of annotations) {
        const parsed = parseAnnotation(a);
        const levels = parsed.levels.filter((l) => l !== 'index' && l !== 'index-descriptor');
        if (levels.length === parsed.levels.length)
            out.push(a);
        else if (levels.length > 0)
            out.push(`${levels.join(',')}:${parsed.key}=${parsed.value}`);
    }
    return out;
}
function buildxBuildArgs(spec, options) {
    const args = ['build'];
    if (options.builder)
        args.push('--builder', options.builder);
    if (spec.platforms.length > 0)
        args.push('--platform', spec.platforms.map(src_platform/* formatPlatform */.Bq).join(','));
    if (spec.file)
        args.push('--file', spec.file);
    if (spec.target)
        args.push('--target', spec.target);
    for (const [k, v] of Object.entries(spec.buildArgs))
        args.push('--build-arg', `${k}=${v}`);
    if (spec.sourceDateEpoch !== undefined && !('SOURCE_DATE_EPOCH' in spec.buildArgs)) {
        args.push('--build-arg', `SOURCE_DATE_EPOCH=${spec.sourceDateEpoch}`);
    }
    for (const [k, v] of Object.entries(spec.labels))
        args.push('--label', `${k}=${v}`);
    for (const a of buildxAnnotations(spec.annotations, exportsSingleManifest(spec, options)))
        args.push('--annotation', a);
    for (const s of spec.secrets)
        args.push('--secret', `id=${s.id},src=${s.src}`);
    for (const c of spec.cacheFrom)
        args.push('--cache-from', c);
    if (options.output.kind !== 'cache-only')
        for (const c of spec.cacheTo)
            args.push('--cache-to', c);
    if (spec.noCache)
        args.push('--no-cache');
    if (options.provenance !== undefined)
        args.push('--provenance', options.provenance);
    if (options.sbom !== undefined)
        args.push('--sbom', options.sbom);
    if (options.progress !== undefined)
        args.push('--progress', options.progress);
    args.push('--metadata-file', options.metadataFile);
    const rewrite = spec.sourceDateEpoch !== undefined ? ',rewrite-timestamp=true' : '';
    switch (options.output.kind) {
        case 'push':
            for (const t of spec.tags)
                args.push('--tag', t);
            if (rewrite)
                args.push('--output', `type=image,push=true${rewrite}`);
            else
                args.push('--push');
            break;
        case 'push-by-digest':
            args.push('--output', `type=image,name=${options.output.repository},push-by-digest=true,name-canonical=true,push=true${rewrite}`);
            break;
        case 'cache-only':
            for (const t of spec.tags)
                args.push('--tag', t);
            break;
    }
    args.push(spec.context);
    return args;
}
function parseBuildxMetadata(text) {
    let data;
    try {
        data = JSON.parse(text);
    }
    catch (e) {
        throw new image_build_src_errors/* BuildError */.z('METADATA_INVALID', `buildx metadata file is not JSON: ${e.message}`, {
            cause: e,
        });
    }
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
        throw new image_build_src_errors/* BuildError */.z('METADATA_INVALID', 'buildx metadata file is empty (was the image exported?)');
    }
    const m = data;
    const descriptor = parseDescriptor(m['containerimage.descriptor']);
    const digest = typeof m['containerimage.digest'] === 'string' ? m['containerimage.digest'] : descriptor?.digest;
    if (typeof digest !== 'string' || !isSha256Digest(digest)) {
        throw new image_build_src_errors/* BuildError */.z('METADATA_INVALID', `buildx metadata has no valid containerimage.digest (got ${JSON.stringify(digest)})`);
    }
    if (descriptor && descriptor.digest !== digest) {
        throw new image_build_src_errors/* BuildError */.z('METADATA_INVALID', `buildx metadata digest ${digest} differs from its descriptor ${descriptor.digest}`);
    }
    const config = m['containerimage.config.digest'];
    const names = m['image.name'];
    const warnings = m['buildx.build.warnings'];
    return {
        digest,
        configDigest: typeof config === 'string' && isSha256Digest(config) ? config : undefined,
        descriptor,
        imageNames: typeof names === 'string' && names ? names.split(',').map((n) => n.trim()) : [],
        buildRef: typeof m['buildx.build.ref'] === 'string' ? m['buildx.build.ref'] : undefined,
        provenance: m['buildx.build.provenance'],
        warnings: Array.isArray(warnings) ? warnings : [],
    };
}
function parseDescriptor(value) {
    if (value === null || typeof value !== 'object')
        return undefined;
    const d = value;
    if (typeof d['digest'] !== 'string' || typeof d['mediaType'] !== 'string') {
        throw new image_build_src_errors/* BuildError */.z('METADATA_INVALID', 'buildx metadata containerimage.descriptor lacks digest or mediaType');
    }
    return {
        mediaType: d['mediaType'],
        digest: d['digest'],
        size: typeof d['size'] === 'number' ? d['size'] : 0,
        platform: d['platform'],
        annotations: d['annotations'],
    };
}
const VERTEX = /^#(\d+) \[([^\]]+)\] (\S+)/;
function parseBuildxCacheStats(log, platforms) {
    const stepPlatform = new Map();
    const cached = new Set();
    const downloaded = new Set();
    for (const line of log.split('\n')) {
        const m = VERTEX.exec(line);
        if (m) {
            const [, id, name, instruction] = m;
            const words = name.trim().split(/\s+/);
            if (!/^\d+\/\d+$/.test(words[words.length - 1] ?? '') || instruction === 'FROM')
                continue;
            let platform = platforms.length === 1 ? platforms[0] : undefined;
            if (words.length >= 3 && words[0].includes('/')) {
                const [from, to] = words[0].split('->');
                platform = to ? `${from.split('/')[0]}/${to}` : from;
            }
            if (platform)
                stepPlatform.set(id, platform);
            continue;
        }
        const c = /^#(\d+) CACHED\s*$/.exec(line);
        if (c)
            cached.add(c[1]);
        const d = /^#(\d+) (?:extracting sha256:[0-9a-f]{64}|sha256:[0-9a-f]{64} \S+ \/ \S+ )/.exec(line);
        if (d)
            downloaded.add(d[1]);
    }
    const stats = new Map(platforms.map((p) => [p, { steps: 0, hits: 0, pulled: 0 }]));
    for (const [id, platform] of stepPlatform) {
        const s = stats.get(platform);
        if (!s)
            continue;
        s.steps++;
        if (downloaded.has(id))
            s.pulled++;
        if (cached.has(id) || downloaded.has(id))
            s.hits++;
    }
    return stats;
}

// EXTERNAL MODULE: ./packages/image-build/src/dockerfile.ts
var dockerfile = __webpack_require__(65109);
// EXTERNAL MODULE: ./packages/image-build/src/platform.ts
var image_build_src_platform = __webpack_require__(58572);
;// CONCATENATED MODULE: ./packages/image-build/src/base-images.ts









function finalStageIndex(lines, target, targetInput) {
    let index = target
        ? lines.findIndex((l) => l.stage?.toLowerCase() === target.toLowerCase())
        : lines.length - 1;
    if (target && index < 0) {
        const input = targetInput ? ` (input "${targetInput}")` : '';
        throw new image_build_src_errors/* BuildError */.z('BUILD_FAILED', `The Dockerfile has no stage named "${target}"${input}`);
    }
    for (let guard = 0; guard < lines.length; guard++) {
        const line = lines[index];
        if (!line?.internal || line.image === 'scratch')
            break;
        const next = lines.findIndex((l, i) => i < index && l.stage?.toLowerCase() === line.image.toLowerCase());
        if (next < 0)
            break;
        index = next;
    }
    return index;
}
async function pinBaseImages(options) {
    const logger = options.logger ?? silentLogger;
    const text = await (0,promises_.readFile)(options.file, 'utf8');
    const cache = new Map();
    const resolve = (reference) => {
        let hit = cache.get(reference);
        if (!hit) {
            hit = resolveReference(options.registries, reference);
            cache.set(reference, hit);
        }
        return hit;
    };
    const out = [];
    for (const platform of options.platforms) {
        const lines = (0,dockerfile/* locateFromLines */.IS)(text, options.buildArgs, (0,dockerfile/* platformArgs */.xZ)(options.buildPlatform, platform));
        const final = finalStageIndex(lines, options.target, options.inputNames?.target);
        const pins = [];
        const unpinned = [];
        const replacements = new Map();
        for (const [i, line] of lines.entries()) {
            if (line.internal)
                continue;
            let stagePlatform = platform;
            if (line.resolvedPlatform) {
                try {
                    stagePlatform = (0,image_build_src_platform/* parsePlatform */.FL)(line.resolvedPlatform, `FROM --platform of ${line.image}`);
                }
                catch (error) {
                    throw new image_build_src_errors/* BuildError */.z('BUILD_FAILED', `FROM --platform=${line.platform} ${line.image}: ${error.message}`, { cause: error });
                }
            }
            const wanted = (0,src_platform/* formatPlatform */.Bq)(stagePlatform);
            if (!line.image) {
                throw new image_build_src_errors/* BuildError */.z('BUILD_FAILED', `A FROM line names no image (is a build arg missing?)`);
            }
            try {
                const ref = reference_parseReference(line.image, { input: 'Dockerfile FROM' });
                const resolved = await resolve(line.image);
                const match = resolved.single
                    ? resolved.manifests[0]
                    : resolved.manifests.find((m) => m.platform && (0,src_platform/* platformMatches */.J5)(stagePlatform, m.platform));
                if (resolved.single && match?.platform && !(0,src_platform/* platformMatches */.J5)(stagePlatform, match.platform)) {
                    logger.warning(`${(0,src_platform/* formatPlatform */.Bq)(platform)}: base image ${line.image} is ${(0,src_platform/* formatPlatform */.Bq)(match.platform)}, not ${wanted}`);
                }
                if (!match) {
                    const has = resolved.manifests
                        .map((m) => (m.platform ? (0,src_platform/* formatPlatform */.Bq)(m.platform) : '?'))
                        .join(', ');
                    throw new image_build_src_errors/* BuildError */.z('BASE_IMAGE_UNAVAILABLE', `it has no ${wanted} image, only ${has || 'none'}`);
                }
                const pinned = `${ref.name}@${match.digest}`;
                replacements.set(i, pinned);
                pins.push({
                    reference: line.image,
                    platform: wanted,
                    digest: resolved.digest,
                    manifestDigest: match.digest,
                    pinned,
                    ...(line.stage ? { stage: line.stage } : {}),
                    final: i === final,
                });
            }
            catch (error) {
                const reason = error instanceof Error ? error.message : String(error);
                unpinned.push({ reference: line.image, platform: wanted, reason });
                const differs = wanted !== (0,src_platform/* formatPlatform */.Bq)(platform);
                logger.warning(`${(0,src_platform/* formatPlatform */.Bq)(platform)}: base image ${line.image} is not pinned (${reason})` +
                    (differs
                        ? `; buildah may build its stage for ${(0,src_platform/* formatPlatform */.Bq)(platform)} instead of ${wanted}`
                        : ''));
            }
        }
        let file = options.file;
        if (replacements.size > 0) {
            const dir = options.outDir(platform);
            await (0,promises_.mkdir)(dir, { recursive: true });
            file = external_node_path_default().join(dir, 'Dockerfile');
            await (0,promises_.writeFile)(file, (0,dockerfile/* rewriteFromLines */.IC)(text, replacements));
            for (const ignore of [`${options.file}.dockerignore`, `${options.file}.containerignore`]) {
                if ((0,external_node_fs_.existsSync)(ignore))
                    await (0,promises_.writeFile)(`${file}${ignore.slice(options.file.length)}`, await (0,promises_.readFile)(ignore));
            }
        }
        out.push({ platform, file, pins, unpinned });
    }
    return out;
}
async function resolveReference(registries, reference) {
    const ref = reference_parseReference(reference, { input: 'Dockerfile FROM' });
    const client = registries.client(ref.registry);
    const fetched = await client.getManifest(ref.repository, ref.reference);
    const manifest = fetched.manifest;
    if (isIndex(manifest)) {
        return {
            digest: fetched.descriptor.digest,
            single: false,
            manifests: manifest.manifests
                .filter((m) => m.platform && m.platform.os !== 'unknown')
                .map((m) => ({
                digest: m.digest,
                platform: {
                    os: m.platform.os,
                    architecture: m.platform.architecture,
                    ...(m.platform.variant ? { variant: m.platform.variant } : {}),
                },
            })),
        };
    }
    const config = JSON.parse((await client.fetchBlob(ref.repository, manifest.config)).toString('utf8'));
    const platform = config.os && config.architecture
        ? {
            os: config.os,
            architecture: config.architecture,
            ...(config.variant ? { variant: config.variant } : {}),
        }
        : undefined;
    return {
        digest: fetched.descriptor.digest,
        single: true,
        manifests: [{ digest: fetched.descriptor.digest, platform }],
    };
}

;// CONCATENATED MODULE: ./packages/image-build/src/buildah-cache.ts




const PRIME_TAG = 'deliverkit-prime';
function argStepCaches(log) {
    const out = [];
    let step;
    for (const line of log.split('\n')) {
        const stepMatch = /^(?:\[\d+\/\d+\] )?STEP \d+\/\d+: (.*)$/.exec(line);
        if (stepMatch) {
            step = stepMatch[1];
            continue;
        }
        const push = /^--> Pushing cache (\S+)$/.exec(line.trim());
        if (push && step && /^ARG\s/i.test(step))
            out.push({ instruction: step, ref: push[1] });
    }
    return out;
}
async function primeBuildahCache(registries, repositories, buildah, registryOptions, env, logger = silentLogger) {
    let pulled = 0;
    for (const repository of repositories) {
        const repo = reference_parseReference(repository, { input: registryOptions.inputNames?.cacheFrom });
        let index;
        try {
            const fetched = await registries.client(repo.registry).getManifestIfExists(repo.repository, PRIME_TAG);
            if (fetched && 'manifests' in fetched.manifest)
                index = fetched.manifest;
        }
        catch (error) {
            logger.debug(`cache prime: cannot read ${repo.name}:${PRIME_TAG}: ${error.message}`);
        }
        for (const m of index?.manifests ?? []) {
            const res = await buildah.run(buildahPullArgs(`${repo.name}@${m.digest}`, registryOptions), {
                env,
                ignoreReturnCode: true,
            });
            if (res.exitCode === 0)
                pulled++;
            else
                logger.debug(`cache prime: pull of ${repo.name}@${m.digest} failed: ${res.stderr.trim()}`);
        }
    }
    return pulled;
}
async function recordBuildahPrime(registries, caches, logger = silentLogger) {
    const byRepo = new Map();
    for (const c of caches) {
        try {
            const ref = reference_parseReference(c.ref, { input: 'cache-to' });
            const descriptor = await registries.client(ref.registry).headManifest(ref.repository, ref.reference);
            if (!descriptor)
                continue;
            const list = byRepo.get(ref.name) ?? [];
            if (!list.some((d) => d.digest === descriptor.digest)) {
                list.push({
                    mediaType: descriptor.mediaType,
                    digest: descriptor.digest,
                    size: descriptor.size,
                    annotations: {
                        'org.opencontainers.image.ref.name': ref.tag ?? '',
                        'dev.deliverkit.buildah.step': c.instruction,
                    },
                });
            }
            byRepo.set(ref.name, list);
        }
        catch (error) {
            logger.debug(`cache prime: cannot read ${c.ref}: ${error.message}`);
        }
    }
    for (const [name, manifests] of byRepo) {
        const repo = reference_parseReference(name, { input: 'cache-to' });
        const index = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests };
        const bytes = Buffer.from(JSON.stringify(index));
        try {
            await registries
                .client(repo.registry)
                .putManifest(repo.repository, PRIME_TAG, bytes, MediaType.OciIndex);
            logger.debug(`cache prime: ${name}:${PRIME_TAG} lists ${manifests.length} ARG steps (${computeDigest(bytes)})`);
        }
        catch (error) {
            const detail = error instanceof RegistryError ? error.message : String(error);
            logger.warning(`Could not write the cache index ${name}:${PRIME_TAG}: ${detail}`);
        }
    }
}

// EXTERNAL MODULE: external "node:events"
var external_node_events_ = __webpack_require__(78474);
;// CONCATENATED MODULE: ./packages/oci/src/closure.ts




const LEGACY_TAG_SUFFIXES = ['sig', 'att', 'sbom'];
async function resolveClosure(client, repository, root, options = {}) {
    const includeReferrers = options.includeReferrers ?? true;
    const includeLegacy = options.includeLegacyTags ?? includeReferrers;
    const bounds = options.limits ? resolveLimits(options.limits) : client.bounds;
    const nodes = new Map();
    const before = new Map();
    const blobs = new Map();
    const referrers = [];
    const tagSchemaIndexes = new Map();
    const legacyTags = [];
    const claimed = new Set();
    const seenReferrers = new Set();
    const requires = (digest, prerequisite) => {
        let set = before.get(digest);
        if (!set)
            before.set(digest, (set = new Set()));
        set.add(prerequisite);
    };
    const context = (operation) => ({ registry: client.registry, repository, operation });
    const visit = async ({ digest, role, known }, depth, next) => {
        if (claimed.has(digest))
            return;
        if (depth > bounds['index-depth']) {
            throw new RegistryError('TOO_LARGE', context(`walk ${root.descriptor.digest}`), `manifests nest deeper than ${bounds['index-depth']} levels (the index-depth limit: indexes in indexes, referrers of referrers); ${howToRaise('index-depth')}`);
        }
        claimed.add(digest);
        const fetched = known ?? (await client.getManifest(repository, digest));
        const node = { ...fetched, role };
        nodes.set(digest, node);
        const manifest = fetched.manifest;
        const work = [];
        if (isIndex(manifest)) {
            for (const child of manifest.manifests) {
                requires(digest, child.digest);
                work.push(visit({ digest: child.digest, role: role === 'root' ? 'child' : role }, depth + 1, next));
            }
        }
        else {
            const added = [];
            for (const blob of [manifest.config, ...manifest.layers]) {
                if (blob.urls?.length && /nondistributable|foreign/.test(blob.mediaType))
                    continue;
                if (!blobs.has(blob.digest)) {
                    const descriptor = { mediaType: blob.mediaType, digest: blob.digest, size: blob.size };
                    blobs.set(blob.digest, descriptor);
                    added.push(descriptor);
                }
            }
            if (added.length > 0)
                options.onBlobs?.(added, role);
        }
        const found = [];
        if (includeReferrers)
            work.push(findReferrers(digest, found));
        if (includeLegacy && (role === 'root' || role === 'child'))
            work.push(findLegacy(digest, found));
        await Promise.all(work);
        next.push(...found.map((v) => ({ visit: v, depth: depth + 1 })));
    };
    let frontier = [
        { visit: { digest: root.descriptor.digest, role: 'root', known: root }, depth: 0 },
    ];
    while (frontier.length > 0) {
        const next = [];
        await Promise.all(frontier.map((f) => visit(f.visit, f.depth, next)));
        frontier = next;
    }
    async function findReferrers(subject, next) {
        const found = await client.getReferrers(repository, subject);
        if (found.tagSchemaIndex) {
            tagSchemaIndexes.set(subject, {
                bytes: found.tagSchemaIndex.bytes,
                mediaType: found.tagSchemaIndex.descriptor.mediaType,
            });
        }
        await Promise.all(found.descriptors.map(async (descriptor) => {
            if (!seenReferrers.has(descriptor.digest)) {
                seenReferrers.add(descriptor.digest);
                if (seenReferrers.size > bounds.referrers) {
                    throw new RegistryError('TOO_LARGE', context(`GET referrers ${subject}`), `more than ${bounds.referrers} referrers (the referrers limit); ${howToRaise('referrers')}`);
                }
            }
            let fetched;
            try {
                fetched = await client.getManifest(repository, descriptor.digest);
            }
            catch (error) {
                if (error instanceof RegistryError && error.code === 'NOT_FOUND') {
                    options.logger?.debug(`resolveClosure: referrer ${descriptor.digest} of ${subject} is listed but missing`);
                    return;
                }
                throw error;
            }
            requires(descriptor.digest, subject);
            referrers.push({ subject, descriptor });
            next.push({ digest: descriptor.digest, role: 'referrer', known: fetched });
        }));
    }
    async function findLegacy(subject, next) {
        await Promise.all(LEGACY_TAG_SUFFIXES.map(async (suffix) => {
            const tag = `${referrersTag(subject)}.${suffix}`;
            const descriptor = await client.headManifest(repository, tag);
            if (!descriptor)
                return;
            requires(descriptor.digest, subject);
            legacyTags.push({ tag, digest: descriptor.digest });
            next.push({ digest: descriptor.digest, role: 'legacy' });
        }));
    }
    const order = [];
    const state = new Map();
    const place = (digest, path) => {
        const mark = state.get(digest);
        if (mark === 'done')
            return;
        if (mark === 'open') {
            const cycle = [...path.slice(path.indexOf(digest)), digest];
            throw new RegistryError('MANIFEST_INVALID', context(`walk ${root.descriptor.digest}`), cycle.length === 2
                ? `manifest ${digest} refers to itself`
                : `manifests refer to each other in a cycle: ${cycle.join(' → ')}`);
        }
        state.set(digest, 'open');
        for (const prerequisite of [...(before.get(digest) ?? [])].sort()) {
            if (nodes.has(prerequisite))
                place(prerequisite, [...path, digest]);
        }
        state.set(digest, 'done');
        order.push(nodes.get(digest));
    };
    place(root.descriptor.digest, []);
    for (const digest of [...nodes.keys()].sort())
        place(digest, []);
    const position = new Map(order.map((n, i) => [n.descriptor.digest, i]));
    referrers.sort((a, b) => position.get(a.descriptor.digest) - position.get(b.descriptor.digest));
    legacyTags.sort((a, b) => (a.tag < b.tag ? -1 : 1));
    return {
        root: root.descriptor,
        manifests: order,
        blobs: [...blobs.values()],
        referrers,
        tagSchemaIndexes,
        legacyTags,
    };
}

;// CONCATENATED MODULE: ./packages/oci/src/copy-target.ts


function newTarget(index, destination, client, init) {
    return {
        index,
        destination: { ...destination, tags: init.tags },
        client,
        report: {
            name: `${destination.registry}/${destination.repository}`,
            registry: destination.registry,
            repository: destination.repository,
            digest: init.digest,
            tags: init.tags,
            status: init.dryRun ? 'planned' : 'copied',
            blobs: { uploaded: 0, mounted: 0, skipped: 0 },
            manifests: { pushed: 0, skipped: 0 },
            bytesUploaded: 0,
            referrers: 0,
            referrersCopied: 0,
            legacyTags: [],
            durationMs: 0,
            capabilities: client.capabilities,
        },
        state: {
            registry: destination.registry,
            repository: destination.repository,
            blobs: new Set(),
            manifests: new Set(),
            tags: new Map(),
        },
        started: Date.now(),
        writtenManifests: [],
        checks: [],
        observed: { listed: new Map(), legacyTags: new Map() },
    };
}
function fail(target, error) {
    target.failure ??= error;
    target.report.status = 'failed';
    target.report.error ??= (0,errors/* getErrorMessage */.u1)(error);
}
function finalize(t) {
    t.report.durationMs = Date.now() - t.started;
    t.report.capabilities = { ...t.client.capabilities };
}
async function allOrFirstError(work) {
    const settled = await Promise.allSettled(work);
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed)
        throw failed.reason;
}
function settle(check) {
    return check.then(() => undefined, (error) => error ?? new Error('verification failed'));
}
function wroteBlob(t, descriptor) {
    const repo = t.destination.repository;
    t.checks.push(settle(t.client.headBlob(repo, descriptor.digest).then((size) => {
        if (size !== descriptor.size && size !== -1) {
            throw new RegistryError('SIZE_MISMATCH', { registry: t.client.registry, repository: repo, operation: `verify blob ${descriptor.digest}` }, `registry has ${size} bytes, expected ${descriptor.size}`);
        }
    })));
}

;// CONCATENATED MODULE: ./packages/oci/src/fan-out.ts


const DEFAULT_LAG_BYTES = 2 * 1024 * 1024;
const SPILL_AFTER_MS = 250;
const SPILL_WRITE_BYTES = 1024 * 1024;
async function fanOut(input, uploads, spool, options = {}) {
    const sinks = spool ? [spool, ...uploads] : uploads;
    const dead = new Set();
    for (const sink of sinks) {
        sink.on('error', () => dead.add(sink));
        sink.on('close', () => dead.add(sink));
    }
    const spill = options.spillPath !== undefined && uploads.length > 1 ? new Spill(options.spillPath) : undefined;
    try {
        await writeAll(input, uploads, spool, dead, spill, options.lagBytes ?? DEFAULT_LAG_BYTES);
    }
    catch (error) {
        for (const sink of sinks)
            sink.destroy(error);
        spill?.fail(error);
        throw error;
    }
    await spill?.end();
    for (const sink of sinks) {
        if (!dead.has(sink) && !sink.destroyed && sink !== spool && !spill?.feeds(sink))
            sink.end();
    }
    if (spool) {
        await new Promise((resolve, reject) => {
            const failed = () => reject(new SpoolError('SPOOL_WRITE_FAILED', 'spool file write failed'));
            if (spool.destroyed)
                return failed();
            spool.end((error) => (error ? failed() : resolve()));
            spool.once('error', failed);
        });
    }
}
async function writeAll(input, uploads, spool, dead, spill, lagBytes) {
    let direct = [...uploads];
    let offset = 0;
    const drains = new DrainWatch();
    const paced = new Map();
    for await (const chunk of input) {
        if (spool && (dead.has(spool) || spool.destroyed)) {
            throw new SpoolError('SPOOL_WRITE_FAILED', 'spool file write failed');
        }
        direct = direct.filter((s) => !dead.has(s) && !s.destroyed);
        const full = [];
        if (spool && !spool.write(chunk))
            full.push(spool);
        for (const sink of direct)
            if (!sink.write(chunk))
                full.push(sink);
        for (const sink of full)
            drains.arm(sink);
        offset += chunk.length;
        if (spill?.started)
            await spill.append(chunk);
        let pacing = [];
        if (spill) {
            const now = performance.now();
            const slow = direct.filter((s) => {
                const p = paced.get(s);
                return p !== undefined && p.waitedMs > SPILL_AFTER_MS && p.waitedMs > (now - p.since) / 2;
            });
            if (slow.length > 0 && slow.length < direct.length) {
                for (const sink of slow)
                    spill.feed(sink, offset);
                direct = direct.filter((s) => !slow.includes(s));
            }
            pacing = direct.filter((s) => s.writableLength > lagBytes);
            for (const s of pacing)
                if (!paced.has(s))
                    paced.set(s, { since: now, waitedMs: 0 });
        }
        const spoolFull = spool !== undefined && full.includes(spool);
        const fullDirect = full.filter((s) => direct.includes(s));
        if (spill && direct.length > 1) {
            if (spoolFull)
                await drains.of(spool);
            if (pacing.length > 0) {
                const started = performance.now();
                let timer;
                await Promise.race([
                    Promise.all(pacing.map((s) => drains.of(s))),
                    new Promise((resolve) => (timer = setTimeout(resolve, SPILL_AFTER_MS))),
                ]);
                clearTimeout(timer);
                for (const s of pacing)
                    paced.get(s).waitedMs += performance.now() - started;
            }
            else if (fullDirect.length === direct.length)
                await Promise.race(fullDirect.map((s) => drains.of(s)));
        }
        else {
            await Promise.all([...(spoolFull ? [spool] : []), ...fullDirect].map((s) => drains.of(s)));
        }
    }
}
class DrainWatch {
    waits = new Map();
    pending = new Set();
    arm(sink) {
        if (this.pending.has(sink))
            return;
        this.pending.add(sink);
        this.waits.set(sink, drained(sink).then(() => void this.pending.delete(sink)));
    }
    of(sink) {
        return this.waits.get(sink) ?? Promise.resolve();
    }
}
function drained(sink) {
    return new Promise((resolve) => {
        const done = () => {
            sink.off('drain', done);
            sink.off('close', done);
            resolve();
        };
        sink.on('drain', done);
        sink.on('close', done);
    });
}
class Spill {
    path;
    file;
    start = 0;
    written = 0;
    ended = false;
    error;
    waiters = [];
    readers = new Set();
    active = 0;
    disposed = false;
    pending = [];
    pendingBytes = 0;
    constructor(path) {
        this.path = path;
    }
    get started() {
        return this.file !== undefined;
    }
    feeds(sink) {
        return this.readers.has(sink);
    }
    async append(chunk) {
        if (this.error)
            return;
        this.pending.push(chunk);
        this.pendingBytes += chunk.length;
        if (this.pendingBytes >= SPILL_WRITE_BYTES)
            await this.flush();
    }
    async flush() {
        const buffers = this.pending;
        const bytes = this.pendingBytes;
        this.pending = [];
        this.pendingBytes = 0;
        if (this.error || bytes === 0)
            return;
        try {
            const file = await this.file;
            let at = 0;
            while (at < bytes) {
                const { bytesWritten } = await file.writev(at === 0 ? buffers : [Buffer.concat(buffers).subarray(at)], this.written + at);
                at += bytesWritten;
            }
            this.written += bytes;
        }
        catch (error) {
            this.fail(new SpoolError('SPOOL_WRITE_FAILED', `spill file write failed: ${error.message}`));
        }
        this.wake();
    }
    feed(sink, from) {
        if (!this.file) {
            this.start = from;
            this.file = (0,promises_.open)(this.path, 'w+');
            this.file.catch(() => undefined);
        }
        this.readers.add(sink);
        this.active++;
        void this.pump(sink, from - this.start).finally(() => {
            if (--this.active === 0 && (this.ended || this.error))
                void this.dispose();
        });
    }
    async end() {
        if (this.started)
            await this.flush();
        this.ended = true;
        this.wake();
        if (this.active === 0)
            void this.dispose();
    }
    fail(error) {
        this.error ??= error;
        for (const sink of this.readers)
            sink.destroy(error);
        this.wake();
    }
    wake() {
        const waiters = this.waiters;
        this.waiters = [];
        for (const w of waiters)
            w();
    }
    async pump(sink, position) {
        let at = position;
        try {
            const file = await this.file;
            for (;;) {
                if (this.error)
                    throw this.error;
                if (sink.destroyed)
                    return;
                if (at >= this.written) {
                    if (this.ended)
                        break;
                    await new Promise((resolve) => this.waiters.push(resolve));
                    continue;
                }
                const buffer = Buffer.allocUnsafe(Math.min(SPILL_WRITE_BYTES, this.written - at));
                const { bytesRead } = await file.read(buffer, 0, buffer.length, at);
                at += bytesRead;
                if (!sink.write(buffer.subarray(0, bytesRead)))
                    await drained(sink);
            }
            sink.end();
        }
        catch (error) {
            sink.destroy(error);
        }
    }
    async dispose() {
        const file = this.file;
        if (!file || this.disposed)
            return;
        this.disposed = true;
        await file.then((f) => f.close()).catch(() => undefined);
        await (0,promises_.rm)(this.path, { force: true });
    }
}

;// CONCATENATED MODULE: ./packages/oci/src/copy-blobs.ts







const DEFAULT_MEMORY_BLOB_LIMIT = 1024 * 1024;
const DEFAULT_SPILL_BUDGET = 2 * 1024 * 1024 * 1024;
class BlobMoves {
    mover;
    plans = new Map();
    moving = new Map();
    landing = new Map();
    inFlight;
    uploading;
    early;
    opened;
    open = new Promise((resolve) => (this.opened = () => resolve(undefined)));
    constructor(mover, blobConcurrency, earlyConcurrency) {
        this.mover = mover;
        this.inFlight = new Semaphore(blobConcurrency);
        this.uploading = new Semaphore(4 * blobConcurrency);
        this.early = new Semaphore(earlyConcurrency);
    }
    start(plan, early = false) {
        if (this.plans.has(plan.digest))
            return;
        this.plans.set(plan.digest, plan);
        if (plan.upload.length + plan.mountFromSource.length + plan.mountFromPeer.length === 0)
            return;
        const landing = new Map(destinationsOf(plan).map((i) => [i, deferred()]));
        this.landing.set(plan.digest, landing);
        const run = () => this.uploading.use(async () => {
            const read = await this.inFlight.acquire();
            try {
                await this.mover.move(plan, (i) => landing.get(i)?.resolve(), read);
            }
            finally {
                read();
            }
        });
        const done = early ? this.gated(run) : run();
        done.then(() => {
            for (const l of landing.values())
                l.resolve();
        }, (error) => {
            for (const l of landing.values())
                l.reject(error);
        });
        done.catch(() => undefined);
        this.moving.set(plan.digest, done);
    }
    openEarly() {
        this.opened();
    }
    async gated(run) {
        const permit = this.early.acquire();
        const release = await Promise.race([permit, this.open]);
        try {
            await run();
        }
        finally {
            if (release)
                release();
            else
                void permit.then((r) => r());
        }
    }
    async forDestination(index, digests) {
        await Promise.all([...this.landing]
            .filter(([digest]) => !digests || digests.has(digest))
            .map(([, landing]) => landing.get(index)?.promise));
    }
    all() {
        return allOrFirstError([...this.moving.values()]);
    }
}
class BlobMover {
    registries;
    source;
    sourceRepository;
    targets;
    options;
    result;
    spoolDir;
    memoryLimit;
    spillLeft;
    constructor(registries, source, sourceRepository, targets, options, result, spoolDir) {
        this.registries = registries;
        this.source = source;
        this.sourceRepository = sourceRepository;
        this.targets = targets;
        this.options = options;
        this.result = result;
        this.spoolDir = spoolDir;
        this.memoryLimit = options.memoryBlobLimit ?? DEFAULT_MEMORY_BLOB_LIMIT;
        this.spillLeft = options.spillBudget ?? DEFAULT_SPILL_BUDGET;
    }
    alive(index) {
        const t = this.targets[index];
        return t.failure === undefined ? t : undefined;
    }
    async move(blob, landed = () => { }, sourceRead = () => { }) {
        const descriptor = { digest: blob.digest, size: blob.size };
        const uploads = new Set(blob.upload);
        await Promise.all(blob.mountFromSource.map(async (i) => {
            const t = this.alive(i);
            if (!t)
                return landed(i);
            try {
                if ((await t.client.mountBlob(t.destination.repository, blob.digest, this.sourceRepository)) ===
                    'mounted') {
                    t.report.blobs.mounted++;
                    wroteBlob(t, descriptor);
                    return landed(i);
                }
                uploads.add(i);
            }
            catch {
                uploads.add(i);
            }
        }));
        const peers = blob.mountFromPeer.filter((m) => this.alive(m.destination));
        for (const m of blob.mountFromPeer)
            if (!peers.includes(m))
                landed(m.destination);
        for (const m of peers)
            if (!this.alive(m.from) && ![...uploads].some((u) => this.alive(u)))
                uploads.add(m.destination);
        const uploadTargets = [...uploads].map((i) => this.alive(i)).filter((t) => Boolean(t));
        for (const i of uploads)
            if (!this.alive(i))
                landed(i);
        const uploaded = new Map(uploadTargets.map((t) => [t.index, deferred()]));
        const onUploaded = (index) => {
            uploaded.get(index)?.resolve();
            landed(index);
        };
        const transferring = uploadTargets.length > 0
            ? this.transfer(descriptor, uploadTargets, onUploaded, sourceRead)
            : Promise.resolve(undefined);
        void transferring.then(() => uploaded.forEach((u) => u.resolve()), () => uploaded.forEach((u) => u.resolve()));
        let reread;
        const again = async () => (await transferring.catch(() => undefined)) ?? (await (reread ??= this.transfer(descriptor, [])));
        try {
            const remaining = peers.filter((m) => !uploads.has(m.destination));
            await allOrFirstError([
                transferring,
                ...remaining.map(async (m) => {
                    const t = this.alive(m.destination);
                    if (!t)
                        return landed(m.destination);
                    await uploaded.get(m.from)?.promise;
                    const from = this.targets[m.from];
                    try {
                        if (from.failure === undefined &&
                            (await t.client.mountBlob(t.destination.repository, blob.digest, from.destination.repository)) === 'mounted') {
                            t.report.blobs.mounted++;
                            wroteBlob(t, descriptor);
                            return landed(m.destination);
                        }
                    }
                    catch {
                    }
                    await this.uploadFrom(t, descriptor, { open: (await again()).open });
                    landed(m.destination);
                }),
            ]);
        }
        finally {
            for (const data of [transferring, reread])
                await (await data?.catch(() => undefined))?.dispose();
        }
    }
    async uploadFrom(t, descriptor, source, slotHeld = false) {
        try {
            await t.client.uploadBlob(t.destination.repository, descriptor, source, {
                slotHeld,
                chunkSize: this.options.chunkSize,
                onBytes: (n) => (t.report.bytesUploaded += n),
                signal: this.options.signal,
            });
            t.report.blobs.uploaded++;
            wroteBlob(t, descriptor);
        }
        catch (error) {
            fail(t, error);
        }
    }
    async transfer(descriptor, targets, onUploaded = () => { }, sourceRead = () => { }) {
        const countRead = (n) => (this.result.sourceBytesRead += n);
        if (descriptor.size <= this.memoryLimit) {
            let bytes;
            try {
                const chunks = [];
                for await (const chunk of this.source.openBlob(this.sourceRepository, descriptor, {
                    onBytes: countRead,
                }))
                    chunks.push(chunk);
                bytes = Buffer.concat(chunks);
            }
            catch (error) {
                for (const t of targets)
                    fail(t, error);
                throw error;
            }
            sourceRead();
            const data = {
                open: async (offset) => external_node_stream_.Readable.from([bytes.subarray(offset)]),
                dispose: async () => { },
            };
            await Promise.all(targets.map((t) => this.uploadFrom(t, descriptor, { open: data.open }).then(() => onUploaded(t.index))));
            return data;
        }
        const spoolPath = external_node_path_default().join(this.spoolDir, descriptor.digest.replace(':', '-'));
        const release = await this.registries.acquireTransfer([
            this.source.registry,
            ...targets.map((t) => t.client.registry),
        ]);
        let spooled;
        let spillReserved = 0;
        const sinks = targets.map(() => new external_node_stream_.PassThrough({ highWaterMark: 1024 * 1024 }));
        const useSpool = this.options.spool ?? false;
        const reread = (offset, slotHeld) => external_node_stream_.Readable.from(skipBytes(this.source.readBlob(this.sourceRepository, descriptor, {
            slotHeld,
            onBytes: countRead,
            signal: this.options.signal,
        }), offset), { objectMode: false });
        try {
            const input = this.source.readBlob(this.sourceRepository, descriptor, {
                slotHeld: true,
                onBytes: countRead,
                signal: this.options.signal,
            });
            const spill = targets.length > 1 && descriptor.size <= this.spillLeft;
            if (spill) {
                this.spillLeft -= descriptor.size;
                spillReserved = descriptor.size;
            }
            spooled = fanOut(input, sinks, useSpool ? (0,external_node_fs_.createWriteStream)(spoolPath) : undefined, {
                spillPath: spill ? `${spoolPath}.spill` : undefined,
            });
            const open = async (offset) => {
                await spooled;
                return useSpool ? (0,external_node_fs_.createReadStream)(spoolPath, { start: offset }) : reread(offset, true);
            };
            const left = new Map();
            for (const t of targets)
                left.set(t.client.host, (left.get(t.client.host) ?? 0) + 1);
            const uploads = targets.map((t, k) => this.uploadFrom(t, descriptor, { first: sinks[k], open }, true).then(() => {
                const host = t.client.host;
                left.set(host, left.get(host) - 1);
                if (left.get(host) === 0 && host !== this.source.host)
                    release(t.client.registry);
                onUploaded(t.index);
            }));
            try {
                await spooled;
                sourceRead();
            }
            catch (error) {
                for (const sink of sinks)
                    sink.destroy(error);
                for (const t of targets)
                    fail(t, error);
                await Promise.allSettled(uploads);
                throw error;
            }
            await Promise.all(uploads);
        }
        finally {
            this.spillLeft += spillReserved;
            release();
        }
        return {
            open: async (offset) => useSpool ? (0,external_node_fs_.createReadStream)(spoolPath, { start: offset }) : reread(offset, false),
            dispose: () => (0,promises_.rm)(spoolPath, { force: true }),
        };
    }
}
async function* skipBytes(chunks, n) {
    let left = n;
    for await (const chunk of chunks) {
        if (left >= chunk.length) {
            left -= chunk.length;
            continue;
        }
        yield left > 0 ? chunk.subarray(left) : chunk;
        left = 0;
    }
}
function destinationsOf(plan) {
    return [
        ...new Set([...plan.upload, ...plan.mountFromSource, ...plan.mountFromPeer.map((m) => m.destination)]),
    ];
}
function deferred() {
    let resolve;
    let reject;
    const promise = new Promise((res, rej) => {
        resolve = res;
        reject = rej;
    });
    promise.catch(() => undefined);
    return { promise, resolve, reject };
}

;// CONCATENATED MODULE: ./packages/oci/src/copy-finish.ts




async function finishDestination(t, closure, plan, logger, blobsMoved) {
    try {
        if (t.failure !== undefined) {
            await blobsMoved().catch(() => undefined);
            return finalize(t);
        }
        await pushManifests(t, closure, plan, blobsMoved);
        const listings = referrerListings(t, closure);
        await blobsMoved();
        if (t.failure !== undefined)
            throw t.failure;
        const problem = (await Promise.all(t.checks)).find((e) => e !== undefined);
        if (problem !== undefined)
            throw problem;
        await allOrFirstError([publishReferrers(t, closure, listings), writeLegacyTags(t, closure)]);
        await writeTags(t, closure, plan);
        const changed = t.report.blobs.uploaded + t.report.blobs.mounted + t.report.manifests.pushed > 0 ||
            plan.tags.some((p) => p.destination === t.index && p.action !== 'unchanged');
        t.report.status = changed ? 'copied' : 'unchanged';
        logger.debug(`copyImage: ${t.report.name} ${t.report.status}`);
    }
    catch (error) {
        fail(t, error);
    }
    finalize(t);
}
async function pushManifests(t, closure, plan, blobsMoved) {
    const repo = t.destination.repository;
    const client = t.client;
    const pushed = new Map();
    const referrerQueues = new Map();
    const put = (m) => {
        const send = () => client.putManifest(repo, m.descriptor.digest, m.bytes, m.descriptor.mediaType);
        const subject = m.manifest.subject?.digest;
        if (!subject || client.capabilities.referrersApi === false)
            return send().then(() => undefined);
        const queued = (referrerQueues.get(subject) ?? Promise.resolve()).catch(() => undefined).then(send);
        referrerQueues.set(subject, queued);
        return queued.then(() => undefined);
    };
    const pushManifest = (m) => {
        let done = pushed.get(m.descriptor.digest);
        if (!done) {
            done = (async () => {
                const waitForSubject = m.manifest.subject && client.capabilities.referrersApi !== false;
                const deps = [
                    ...(isIndex(m.manifest) ? m.manifest.manifests : []),
                    ...(waitForSubject && m.manifest.subject ? [m.manifest.subject] : []),
                ];
                await Promise.all(deps
                    .map((d) => closure.manifests.find((n) => n.descriptor.digest === d.digest))
                    .filter((n) => Boolean(n))
                    .map(pushManifest));
                if (!plan.manifests.find((p) => p.digest === m.descriptor.digest)?.push.includes(t.index))
                    return;
                if (!isIndex(m.manifest)) {
                    await blobsMoved(new Set([m.manifest.config, ...m.manifest.layers].map((b) => b.digest)));
                }
                if (t.failure !== undefined)
                    throw t.failure;
                await put(m);
                t.report.manifests.pushed++;
                if (m.role === 'referrer')
                    t.report.referrersCopied++;
                t.writtenManifests.push(m);
                t.checks.push(settle(client.getManifest(repo, m.descriptor.digest)));
            })();
            pushed.set(m.descriptor.digest, done);
        }
        return done;
    };
    await allOrFirstError(closure.manifests.map(pushManifest));
}
function referrerListings(t, closure) {
    const bySubject = new Map();
    for (const r of closure.referrers) {
        const node = closure.manifests.find((m) => m.descriptor.digest === r.descriptor.digest);
        const listing = bySubject.get(r.subject) ?? { descriptors: [], listed: false };
        listing.descriptors.push(referrerDescriptor(node.manifest, node.descriptor));
        bySubject.set(r.subject, listing);
    }
    const written = new Set(t.writtenManifests.map((m) => m.descriptor.digest));
    for (const [subject, listing] of bySubject) {
        const listedBefore = t.observed.listed.get(subject);
        listing.listed = listing.descriptors.every((d) => listedBefore?.has(d.digest) && !written.has(d.digest));
        if (!listing.listed && t.client.capabilities.referrersApi !== true) {
            const current = t.client.readReferrersTag(t.destination.repository, subject);
            current.catch(() => undefined);
            listing.current = current;
        }
    }
    return bySubject;
}
async function publishReferrers(t, closure, listings) {
    const repo = t.destination.repository;
    const client = t.client;
    const publish = async (subject, listing) => {
        const { descriptors } = listing;
        if (listing.listed) {
            t.report.referrers += descriptors.length;
            return;
        }
        if (client.capabilities.referrersApi !== true) {
            const initial = closure.tagSchemaIndexes.get(subject);
            await client.addToReferrersTag(repo, subject, descriptors, initial, listing.current);
            t.report.referrers += descriptors.length;
            return;
        }
        const found = await client.getReferrers(repo, subject);
        const listed = new Set(found.descriptors.map((d) => d.digest));
        const missing = descriptors.filter((d) => !listed.has(d.digest));
        if (missing.length > 0) {
            throw new RegistryError('PROTOCOL_ERROR', { registry: client.registry, repository: repo, operation: `verify referrers of ${subject}` }, `${missing.length} referrer(s) not discoverable`);
        }
        t.report.referrers += descriptors.length;
    };
    await allOrFirstError([...listings].map(([subject, listing]) => publish(subject, listing)));
}
async function writeLegacyTags(t, closure) {
    await allOrFirstError(closure.legacyTags.map(async (legacy) => {
        if (t.observed.legacyTags.get(legacy.tag) === legacy.digest)
            return;
        const node = closure.manifests.find((m) => m.descriptor.digest === legacy.digest);
        await t.client.putManifest(t.destination.repository, legacy.tag, node.bytes, node.descriptor.mediaType);
    }));
}
async function writeTags(t, closure, plan) {
    const repo = t.destination.repository;
    const client = t.client;
    const root = closure.manifests.find((m) => m.descriptor.digest === closure.root.digest);
    for (const tag of plan.tags.filter((p) => p.destination === t.index)) {
        if (tag.action === 'unchanged')
            continue;
        const { confirmed } = await client.putManifest(repo, tag.tag, root.bytes, root.descriptor.mediaType);
        if (confirmed)
            continue;
        const now = await client.headManifest(repo, tag.tag);
        if (now?.digest !== closure.root.digest) {
            throw new RegistryError('DIGEST_MISMATCH', { registry: client.registry, repository: repo, operation: `verify tag ${tag.tag}` }, `tag points at ${now?.digest ?? 'nothing'}`);
        }
    }
}

;// CONCATENATED MODULE: ./packages/oci/src/copy-inspect.ts

class DestinationInspection {
    client;
    repository;
    tags;
    tagDigests;
    blobHeads = new Map();
    constructor(client, repository, tags) {
        this.client = client;
        this.repository = repository;
        this.tags = tags;
    }
    readTags() {
        this.tagDigests ??= handled((async () => {
            const found = new Map();
            await Promise.all(this.tags.map(async (tag) => found.set(tag, (await this.client.headManifest(this.repository, tag))?.digest)));
            return found;
        })());
        return this.tagDigests;
    }
    async hasImage(root) {
        return [...(await this.readTags()).values()].includes(root);
    }
    hasBlob(blob) {
        let found = this.blobHeads.get(blob.digest);
        if (!found) {
            found = handled(this.client.headBlob(this.repository, blob.digest).then((size) => size === blob.size));
            this.blobHeads.set(blob.digest, found);
        }
        return found;
    }
    async inspect(closure) {
        const { client, repository } = this;
        const manifests = new Set();
        const blobs = new Set();
        const byDigest = new Map(closure.manifests.map((m) => [m.descriptor.digest, m]));
        const markPresent = (digest) => {
            const m = byDigest.get(digest);
            if (!m || manifests.has(digest))
                return;
            manifests.add(digest);
            if (isIndex(m.manifest))
                for (const child of m.manifest.manifests)
                    markPresent(child.digest);
            else
                for (const b of [m.manifest.config, ...m.manifest.layers])
                    blobs.add(b.digest);
        };
        const observed = { listed: new Map(), legacyTags: new Map() };
        const [tagDigests] = await Promise.all([
            this.readTags(),
            ...closure.legacyTags.map(async (legacy) => {
                const current = (await client.headManifest(repository, legacy.tag))?.digest;
                observed.legacyTags.set(legacy.tag, current);
                if (current === legacy.digest)
                    markPresent(legacy.digest);
            }),
        ]);
        if ([...tagDigests.values()].includes(closure.root.digest))
            markPresent(closure.root.digest);
        if (manifests.has(closure.root.digest)) {
            const subjects = [...new Set(closure.referrers.map((r) => r.subject))];
            await Promise.all(subjects.map(async (subject) => {
                const found = await client.getReferrers(repository, subject);
                observed.listed.set(subject, new Set(found.descriptors.map((d) => d.digest)));
            }));
            for (const r of closure.referrers)
                if (observed.listed.get(r.subject)?.has(r.descriptor.digest))
                    markPresent(r.descriptor.digest);
        }
        const headBlobs = () => Promise.all(closure.blobs
            .filter((b) => !blobs.has(b.digest))
            .map(async (b) => {
            if (await this.hasBlob(b))
                blobs.add(b.digest);
        }));
        const headManifests = () => Promise.all(closure.manifests
            .filter((m) => !manifests.has(m.descriptor.digest))
            .map(async (m) => {
            const found = await client.headManifest(repository, m.descriptor.digest);
            if (found)
                markPresent(m.descriptor.digest);
        }));
        if (manifests.has(closure.root.digest)) {
            await headManifests();
            await headBlobs();
        }
        else
            await Promise.all([headManifests(), headBlobs()]);
        return { state: { registry: client.registry, repository, blobs, manifests, tags: tagDigests }, observed };
    }
}
function handled(promise) {
    promise.catch(() => undefined);
    return promise;
}

;// CONCATENATED MODULE: ./packages/oci/src/plan.ts


function parseDestination(line, input = 'destinations') {
    const text = line.trim();
    const lastSlash = text.lastIndexOf('/');
    const colon = text.lastIndexOf(':');
    let name = text;
    let tags = [];
    if (text.includes('@')) {
        throw new InputError(input, `Destination "${text}" in ${input} has a digest; give tags only (the copy keeps the source digest)`);
    }
    if (colon > lastSlash) {
        name = text.slice(0, colon);
        tags = text
            .slice(colon + 1)
            .split(',')
            .map((t) => t.trim());
    }
    const parsed = parseReference(tags[0] ? `${name}:${tags[0]}` : name, { input });
    for (const tag of tags.slice(1))
        parseReference(`${name}:${tag}`, { input });
    return { registry: parsed.registry, repository: parsed.repository, tags };
}
function parseDestinations(text, input = 'destinations') {
    const lines = text
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'));
    if (lines.length === 0)
        throw new InputError(input, `${input} is empty: give at least one registry/repository:tag line`, 'INPUT_REQUIRED');
    const destinations = lines.map((l) => parseDestination(l, input));
    const seen = new Set();
    for (const d of destinations) {
        const key = `${d.registry}/${d.repository}`;
        if (seen.has(key))
            throw new InputError(input, `Destination ${key} appears twice in ${input}; put all its tags on one line`);
        seen.add(key);
    }
    return destinations;
}
function planCopy(input) {
    const blobs = input.blobs.map((blob) => {
        const plan = {
            digest: blob.digest,
            size: blob.size,
            skip: [],
            mountFromSource: [],
            upload: [],
            mountFromPeer: [],
        };
        const byRegistry = new Map();
        input.destinations.forEach((d, i) => {
            if (d.blobs.has(blob.digest)) {
                plan.skip.push(i);
                return;
            }
            if (d.registry === input.source.registry && d.repository !== input.source.repository) {
                plan.mountFromSource.push(i);
                return;
            }
            const group = byRegistry.get(d.registry) ?? [];
            group.push(i);
            byRegistry.set(d.registry, group);
        });
        for (const [registry, group] of byRegistry) {
            const holder = input.destinations.findIndex((d) => d.registry === registry && d.blobs.has(blob.digest));
            const from = holder >= 0 ? holder : group[0];
            if (holder < 0)
                plan.upload.push(from);
            for (const i of group)
                if (i !== from)
                    plan.mountFromPeer.push({ destination: i, from });
        }
        return plan;
    });
    const manifests = input.manifests.map((m) => {
        const plan = { digest: m.digest, mediaType: m.mediaType, push: [], skip: [] };
        input.destinations.forEach((d, i) => (d.manifests.has(m.digest) ? plan.skip : plan.push).push(i));
        return plan;
    });
    const tags = input.tags.map((t) => {
        const current = input.destinations[t.destination]?.tags.get(t.tag);
        return { ...t, action: current === undefined ? 'create' : current === t.digest ? 'unchanged' : 'update' };
    });
    return { blobs, manifests, tags };
}
function describePlan(plan, destinations) {
    const name = (i) => `${destinations[i].registry}/${destinations[i].repository}`;
    const steps = [];
    for (const b of plan.blobs) {
        const short = `${b.digest.slice(0, 19)}… (${formatBytes(b.size)})`;
        for (const i of b.upload)
            steps.push({ action: 'upload blob', target: name(i), detail: short });
        for (const i of b.mountFromSource)
            steps.push({ action: 'mount blob', target: name(i), detail: `${short} from source` });
        for (const m of b.mountFromPeer)
            steps.push({
                action: 'mount blob',
                target: name(m.destination),
                detail: `${short} from ${name(m.from)}`,
            });
        for (const i of b.skip)
            steps.push({ action: 'skip blob', target: name(i), detail: `${short} already present` });
    }
    for (const m of plan.manifests) {
        for (const i of m.push)
            steps.push({ action: 'push manifest', target: name(i), detail: m.digest });
        for (const i of m.skip)
            steps.push({ action: 'skip manifest', target: name(i), detail: `${m.digest} already present` });
    }
    for (const t of plan.tags) {
        steps.push({
            action: t.action === 'unchanged' ? 'keep tag' : `${t.action} tag`,
            target: `${name(t.destination)}:${t.tag}`,
            detail: t.digest,
        });
    }
    return steps;
}

;// CONCATENATED MODULE: ./packages/oci/src/copy.ts












class CopyError extends errors/* BaseError */.Cf {
    result;
    constructor(message, result) {
        super('COPY_FAILED', message);
        this.result = result;
    }
}
async function copyImage(registries, source, destinations, options = {}) {
    const logger = options.logger ?? silentLogger;
    const sourceRef = typeof source === 'string' ? reference_parseReference(source, { input: 'source' }) : source;
    if (destinations.length === 0) {
        throw new errors/* InputError */.dz('destinations', 'No destinations given: name at least one registry/repository:tag', 'INPUT_REQUIRED');
    }
    const sourceClient = registries.client(sourceRef.registry);
    const repository = sourceRef.repository;
    const probes = destinations.map((d) => {
        const client = registries.client(d.registry);
        if (!options.dryRun)
            client.declarePush(d.repository);
        return client.probeCapabilities(d.repository).then(() => undefined, (error) => error);
    });
    const root = await sourceClient.getManifest(repository, sourceRef.reference);
    logger.debug(`copyImage: ${sourceRef.toString()} is ${root.descriptor.digest} (${root.descriptor.mediaType})`);
    const digest = root.descriptor.digest;
    const targets = destinations.map((destination, index) => newTarget(index, destination, registries.client(destination.registry), {
        digest,
        tags: destination.tags.length > 0
            ? destination.tags
            : sourceRef.tag && !sourceRef.digest
                ? [sourceRef.tag]
                : [],
        dryRun: options.dryRun ?? false,
    }));
    const inspections = targets.map((t) => new DestinationInspection(t.client, t.destination.repository, t.destination.tags));
    const ready = targets.map(async (t, index) => {
        try {
            const [probeError] = await Promise.all([probes[index], inspections[index].readTags()]);
            if (probeError !== undefined)
                throw probeError;
        }
        catch (error) {
            fail(t, error);
        }
    });
    const result = {
        source: sourceRef.toString(),
        digest,
        mediaType: root.descriptor.mediaType,
        sourceBytesRead: 0,
        closure: { manifests: 0, blobs: 0, bytes: 0, referrers: 0, legacyTags: [] },
        plan: { blobs: [], manifests: [], tags: [] },
        destinations: targets.map((t) => t.report),
    };
    const spoolDir = options.dryRun
        ? undefined
        : await (0,promises_.mkdtemp)(external_node_path_default().join(options.spoolDir ?? external_node_os_default().tmpdir(), 'deliverkit-oci-'));
    const abort = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, abort.signal]) : abort.signal;
    (0,external_node_events_.setMaxListeners)(0, signal);
    try {
        const mover = new BlobMover(registries, sourceClient, repository, targets, { ...options, signal }, result, spoolDir ?? '');
        const earlyLimit = spoolDir
            ? earlyMoveLimit(registries, [sourceRef.registry, ...destinations.map((d) => d.registry)])
            : 0;
        const moves = new BlobMoves(mover, options.blobConcurrency ?? 8, Math.max(1, earlyLimit));
        const early = [];
        const startEarly = async (blob) => {
            await Promise.all(ready);
            const held = await Promise.all(targets.map(async (t, i) => {
                try {
                    return (t.failure === undefined &&
                        ((await inspections[i].hasImage(digest)) || (await inspections[i].hasBlob(blob))));
                }
                catch (error) {
                    fail(t, error);
                    return false;
                }
            }));
            const destinationStates = targets.map((t, i) => ({
                ...t.state,
                blobs: new Set(held[i] ? [blob.digest] : []),
            }));
            const { blobs } = planCopy({
                source: sourceRef,
                blobs: [blob],
                manifests: [],
                tags: [],
                destinations: destinationStates,
            });
            if (!abort.signal.aborted)
                moves.start(blobs[0], true);
        };
        let closure;
        try {
            closure = await resolveClosure(sourceClient, repository, root, {
                includeReferrers: options.includeReferrers ?? true,
                logger,
                onBlobs: (blobs, role) => {
                    if (earlyLimit > 0 && !abort.signal.aborted && (role === 'root' || role === 'child'))
                        early.push(...blobs.map(startEarly));
                },
            });
        }
        catch (error) {
            abort.abort(error);
            moves.openEarly();
            await Promise.allSettled(early);
            await moves.all().catch(() => undefined);
            throw error;
        }
        await Promise.all(early);
        result.closure = {
            manifests: closure.manifests.length,
            blobs: closure.blobs.length,
            bytes: closure.blobs.reduce((n, b) => n + b.size, 0),
            referrers: closure.referrers.length,
            legacyTags: closure.legacyTags.map((l) => l.tag),
        };
        await Promise.all(targets.map(async (t, index) => {
            t.report.legacyTags = closure.legacyTags.map((l) => l.tag);
            await ready[index];
            if (t.failure !== undefined)
                return;
            try {
                const inspected = await inspections[index].inspect(closure);
                t.state = inspected.state;
                t.observed = inspected.observed;
            }
            catch (error) {
                fail(t, error);
            }
        }));
        const plan = planCopy({
            source: { registry: sourceRef.registry, repository },
            blobs: closure.blobs,
            manifests: closure.manifests.map((m) => m.descriptor),
            tags: targets.flatMap((t) => t.destination.tags.map((tag) => ({ destination: t.index, tag, digest }))),
            destinations: targets.map((t) => t.state),
        });
        plan.blobs = plan.blobs.map((b) => moves.plans.get(b.digest) ?? b);
        result.plan = plan;
        for (const t of targets) {
            t.report.blobs.skipped = plan.blobs.filter((b) => b.skip.includes(t.index)).length;
            t.report.manifests.skipped = plan.manifests.filter((m) => m.skip.includes(t.index)).length;
        }
        if (!spoolDir) {
            for (const t of targets) {
                t.report.referrers = closure.referrers.length;
                t.report.durationMs = Date.now() - t.started;
            }
            return finish(result, targets);
        }
        moves.openEarly();
        for (const b of plan.blobs)
            moves.start(b);
        await Promise.allSettled(targets.map((t) => finishDestination(t, closure, plan, logger, (digests) => moves.forDestination(t.index, digests))));
        await moves.all();
    }
    finally {
        if (spoolDir)
            await (0,promises_.rm)(spoolDir, { recursive: true, force: true });
    }
    return finish(result, targets);
}
function earlyMoveLimit(registries, hosts) {
    const slots = Math.min(...hosts.map((h) => registries.limits.get(registries.client(h).host).limit));
    return slots >= 2 ? slots - 1 : 0;
}
function finish(result, targets) {
    const failed = targets.filter((t) => t.failure !== undefined);
    if (failed.length > 0) {
        const lines = failed.map((t) => `${t.report.name}: ${(0,errors/* getErrorMessage */.u1)(t.failure)}`);
        throw new CopyError(`Copy of ${result.source} failed for ${failed.length} of ${targets.length} destination(s); no tag was written there.\n${lines.join('\n')}`, result);
    }
    return result;
}

;// CONCATENATED MODULE: ./packages/image-build/src/layout-publish.ts







function blobPath(layoutDir, digest) {
    const [algorithm, hex] = digest.split(':');
    return external_node_path_default().join(layoutDir, 'blobs', algorithm, hex);
}
async function setLayoutAnnotations(layoutDir, set, remove = []) {
    const indexFile = external_node_path_default().join(layoutDir, 'index.json');
    const layoutIndex = JSON.parse(await (0,promises_.readFile)(indexFile, 'utf8'));
    const top = layoutIndex.manifests[0];
    if (!top || layoutIndex.manifests.length !== 1) {
        throw new image_build_src_errors/* BuildError */.z('PUSH_FAILED', `OCI layout ${layoutDir} should hold exactly one image`);
    }
    const manifest = JSON.parse(await (0,promises_.readFile)(blobPath(layoutDir, top.digest), 'utf8'));
    const current = manifest.annotations ?? {};
    const changed = remove.some((key) => key in current) ||
        Object.entries(set).some(([key, value]) => current[key] !== value);
    if (!changed)
        return top.digest;
    const annotations = { ...current };
    for (const key of remove)
        delete annotations[key];
    Object.assign(annotations, set);
    const next = { ...manifest };
    if (Object.keys(annotations).length > 0)
        next.annotations = annotations;
    else
        delete next.annotations;
    const bytes = Buffer.from(JSON.stringify(next));
    const digest = computeDigest(bytes);
    await (0,promises_.writeFile)(blobPath(layoutDir, digest), bytes);
    layoutIndex.manifests = [{ ...top, digest, size: bytes.length }];
    await (0,promises_.writeFile)(indexFile, JSON.stringify(layoutIndex));
    return digest;
}
async function pushLayoutByDigest(registries, repository, layoutDir, logger = silentLogger) {
    const layoutIndex = JSON.parse(await (0,promises_.readFile)(external_node_path_default().join(layoutDir, 'index.json'), 'utf8'));
    const top = layoutIndex.manifests[0];
    if (!top || layoutIndex.manifests.length !== 1) {
        throw new image_build_src_errors/* BuildError */.z('PUSH_FAILED', `OCI layout ${layoutDir} should hold exactly one image, found ${layoutIndex.manifests.length}`);
    }
    const bytes = await (0,promises_.readFile)(blobPath(layoutDir, top.digest));
    if (computeDigest(bytes) !== top.digest)
        throw new image_build_src_errors/* BuildError */.z('PUSH_FAILED', `OCI layout ${layoutDir}: manifest bytes do not match ${top.digest}`);
    const manifest = JSON.parse(bytes.toString('utf8'));
    const config = JSON.parse(await (0,promises_.readFile)(blobPath(layoutDir, manifest.config.digest), 'utf8'));
    const client = registries.client(repository.registry);
    for (const blob of [manifest.config, ...manifest.layers]) {
        if ((await client.headBlob(repository.repository, blob.digest)) !== undefined) {
            logger.debug(`pushLayoutByDigest: ${blob.digest} already in ${repository.name}`);
            continue;
        }
        const file = blobPath(layoutDir, blob.digest);
        await client.uploadBlob(repository.repository, blob, {
            open: async (offset) => (0,external_node_fs_.createReadStream)(file, { start: offset }),
        });
    }
    const mediaType = manifest.mediaType ?? top.mediaType ?? MediaType.OciManifest;
    const { digest } = await client.putManifest(repository.repository, top.digest, bytes, mediaType);
    const served = await client.headManifest(repository.repository, digest);
    if (!served || served.digest !== digest) {
        throw new image_build_src_errors/* BuildError */.z('DIGEST_UNAVAILABLE', `${repository.name}@${digest} is not served after the push`);
    }
    const platform = config.variant
        ? { os: config.os, architecture: config.architecture, variant: config.variant }
        : { os: config.os, architecture: config.architecture };
    return {
        platform,
        descriptor: { mediaType, digest, size: bytes.length },
        size: manifest.config.size + manifest.layers.reduce((n, l) => n + l.size, 0),
    };
}
async function readPlatformImage(registries, ref) {
    const client = registries.client(ref.registry);
    const fetched = await client.getManifest(ref.repository, ref.reference);
    if (isIndex(fetched.manifest)) {
        throw new image_build_src_errors/* BuildError */.z('MERGE_INVALID', `${ref.toString()} is an index; merge takes one image manifest per platform`);
    }
    const manifest = fetched.manifest;
    const config = JSON.parse((await client.fetchBlob(ref.repository, manifest.config)).toString('utf8'));
    if (!config.os || !config.architecture) {
        throw new image_build_src_errors/* BuildError */.z('MERGE_INVALID', `${ref.toString()}: its config names no os/architecture`);
    }
    const platform = config.variant
        ? { os: config.os, architecture: config.architecture, variant: config.variant }
        : { os: config.os, architecture: config.architecture };
    return {
        platform,
        descriptor: {
            mediaType: fetched.descriptor.mediaType,
            digest: fetched.descriptor.digest,
            size: fetched.descriptor.size,
        },
        size: manifest.config.size + manifest.layers.reduce((n, l) => n + l.size, 0),
    };
}
function buildIndex(images, options = {}) {
    const seen = new Set();
    for (const image of images) {
        const key = (0,src_platform/* formatPlatform */.Bq)(image.platform);
        if (seen.has(key))
            throw new image_build_src_errors/* BuildError */.z('MERGE_INVALID', `two images for ${key}: give one digest per platform`);
        seen.add(key);
    }
    const descriptorAnnotations = options.descriptorAnnotations ?? {};
    const index = {
        schemaVersion: 2,
        mediaType: MediaType.OciIndex,
        manifests: images.map((image) => ({
            mediaType: image.descriptor.mediaType,
            digest: image.descriptor.digest,
            size: image.descriptor.size,
            ...(Object.keys(descriptorAnnotations).length > 0 ? { annotations: { ...descriptorAnnotations } } : {}),
            platform: image.platform.variant
                ? {
                    architecture: image.platform.architecture,
                    os: image.platform.os,
                    variant: image.platform.variant,
                }
                : { architecture: image.platform.architecture, os: image.platform.os },
        })),
        ...(options.annotations && Object.keys(options.annotations).length > 0
            ? { annotations: { ...options.annotations } }
            : {}),
    };
    const bytes = Buffer.from(JSON.stringify(index));
    return { bytes, digest: computeDigest(bytes), index };
}
async function publishIndex(registries, home, index, tags, tagsInput, logger = silentLogger) {
    const client = registries.client(home.registry);
    await client.putManifest(home.repository, index.digest, index.bytes, MediaType.OciIndex);
    const served = await client.headManifest(home.repository, index.digest);
    if (!served || served.digest !== index.digest) {
        throw new image_build_src_errors/* BuildError */.z('DIGEST_UNAVAILABLE', `${home.name}@${index.digest} is not served after the push`);
    }
    const byRepo = new Map();
    for (const tag of tags) {
        const ref = reference_parseReference(tag, { input: tagsInput });
        const key = ref.name;
        const entry = byRepo.get(key) ?? { ref, tags: [] };
        if (ref.tag)
            entry.tags.push(ref.tag);
        byRepo.set(key, entry);
    }
    const written = [];
    const homeTags = byRepo.get(home.name)?.tags ?? [];
    for (const tag of homeTags) {
        await client.putManifest(home.repository, tag, index.bytes, MediaType.OciIndex);
        written.push(`${home.name}:${tag}`);
    }
    const others = [...byRepo.values()].filter((e) => e.ref.name !== home.name);
    if (others.length > 0) {
        logger.debug(`publishIndex: copying ${home.name}@${index.digest} to ${others.map((o) => o.ref.name).join(', ')}`);
        await copyImage(registries, home.withDigest(index.digest), others.map((o) => ({ registry: o.ref.registry, repository: o.ref.repository, tags: o.tags })), { includeReferrers: false, logger });
        for (const o of others)
            for (const t of o.tags)
                written.push(`${o.ref.name}:${t}`);
    }
    return { digest: index.digest, tags: written };
}
async function ensureInRepository(registries, source, home, logger = silentLogger) {
    if (source.name === home.name)
        return;
    await copyImage(registries, source, [{ registry: home.registry, repository: home.repository, tags: [] }], {
        includeReferrers: false,
        logger,
    });
}

;// CONCATENATED MODULE: ./packages/image-build/src/run-buildah.ts














function platformFiles(workDir, p) {
    const dir = external_node_path_default().join(workDir, (0,src_platform/* platformSlug */.DN)(p));
    return { dir, iid: external_node_path_default().join(dir, 'iid'), layout: external_node_path_default().join(dir, 'oci'), digest: external_node_path_default().join(dir, 'digest') };
}
function planBuildah(spec, options) {
    run_buildah_validate(spec, options);
    return spec.platforms.map((platform) => {
        const files = platformFiles(options.workDir, platform);
        const derived = options.cacheImage && options.cacheMode !== 'none'
            ? resolveCacheRefs('buildah', options.cacheImage, [platform], options.cacheMode ?? 'registry')
            : { from: [], to: [] };
        const file = options.dockerfiles?.get((0,src_platform/* formatPlatform */.Bq)(platform)) ?? spec.file;
        const cacheFrom = spec.noCache ? [] : [...spec.cacheFrom, ...derived.from];
        const cacheTo = spec.noCache ? [] : [...spec.cacheTo, ...derived.to];
        const buildArgs = buildahBuildArgs(file === spec.file ? spec : { ...spec, file }, {
            platform,
            iidFile: files.iid,
            cacheFrom,
            cacheTo,
            authFile: options.authFile,
            tlsVerify: options.tlsVerify,
            certDir: options.certDir,
        });
        const buildah = options.buildahs?.get((0,src_platform/* formatPlatform */.Bq)(platform)) ?? options.buildah;
        const build = buildah.getCommand(buildArgs);
        const push = spec.push
            ? buildah.getCommand(buildahPushLayoutArgs('<image-id>', files.layout, files.digest))
            : undefined;
        return { platform, buildah, buildArgs, build, push, cacheFrom, cacheTo };
    });
}
function run_buildah_validate(spec, options) {
    if (spec.platforms.length === 0)
        throw new image_build_src_errors/* BuildError */.z('BUILD_FAILED', 'No platform to build');
    if ((options.mode ?? 'multi') === 'single') {
        if (spec.platforms.length !== 1) {
            throw new image_build_src_errors/* BuildError */.z('BUILD_FAILED', `mode single builds exactly one platform, got ${spec.platforms.map(src_platform/* formatPlatform */.Bq).join(', ')}`);
        }
        if (spec.push && !options.repository && spec.tags.length === 0) {
            throw new image_build_src_errors/* BuildError */.z('BUILD_FAILED', 'mode single needs the image repository to push to');
        }
    }
}
async function platformBuildahs(spec, options) {
    if (spec.platforms.length < 2 || options.storePerPlatform === false)
        return undefined;
    const store = await options.buildah.storePaths(options.env);
    return new Map(spec.platforms.map((p) => [
        (0,src_platform/* formatPlatform */.Bq)(p),
        options.buildah.withStore(`${store.root}-${(0,src_platform/* platformSlug */.DN)(p)}`, `${store.runroot}-${(0,src_platform/* platformSlug */.DN)(p)}`),
    ]));
}
async function pinBuildahBases(spec, options) {
    const file = (0,dockerfile/* dockerfilePath */.Se)(spec);
    if (!(0,external_node_fs_.existsSync)(file)) {
        const names = options.inputNames;
        const inputs = names ? ` (inputs "${names.context}" and "${names.file}")` : '';
        throw new image_build_src_errors/* BuildError */.z('BUILD_FAILED', `No Dockerfile at ${file}${inputs}`);
    }
    return pinBaseImages({
        registries: options.registries,
        file,
        buildArgs: spec.buildArgs,
        target: spec.target,
        platforms: spec.platforms,
        inputNames: options.inputNames,
        buildPlatform: options.buildPlatform ?? (0,image_build_src_platform/* hostPlatform */.ol)(),
        outDir: (p) => external_node_path_default().join(options.workDir, 'dockerfiles', (0,src_platform/* platformSlug */.DN)(p)),
        logger: options.logger,
    });
}
async function buildWithBuildah(spec, options) {
    const logger = options.logger ?? silentLogger;
    const mode = options.mode ?? 'multi';
    run_buildah_validate(spec, options);
    const pinned = options.registries && options.pinBaseImages !== false
        ? await pinBuildahBases(spec, { ...options, registries: options.registries, logger })
        : [];
    for (const p of pinned) {
        for (const b of p.pins)
            logger.info(`${(0,src_platform/* formatPlatform */.Bq)(p.platform)}: FROM ${b.reference} → ${b.pinned}`);
    }
    const commands = planBuildah(spec, {
        ...options,
        dockerfiles: new Map(pinned.map((p) => [(0,src_platform/* formatPlatform */.Bq)(p.platform), p.file])),
        buildahs: await platformBuildahs(spec, options),
    });
    const basesOf = (p) => pinned.find((x) => (0,src_platform/* formatPlatform */.Bq)(x.platform) === (0,src_platform/* formatPlatform */.Bq)(p))?.pins ?? [];
    if (spec.push && !options.registries)
        throw new image_build_src_errors/* BuildError */.z('PUSH_FAILED', 'push needs a registry client');
    const homeName = options.repository ?? (spec.tags[0] ? stripTag(spec.tags[0]) : undefined);
    if (spec.push && !homeName)
        throw new image_build_src_errors/* BuildError */.z('PUSH_FAILED', 'push needs at least one tag or a repository');
    const home = homeName ? reference_parseReference(homeName, { input: options.inputNames?.images }) : undefined;
    await (0,promises_.mkdir)(options.workDir, { recursive: true });
    const limit = Math.max(1, options.parallel ?? commands.length);
    const results = new Array(commands.length);
    let next = 0;
    const worker = async () => {
        while (next < commands.length) {
            const i = next++;
            const cmds = commands[i];
            results[i] = await buildOne(cmds, spec, options, home, basesOf(cmds.platform), logger);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, commands.length) }, worker));
    if (!spec.push)
        return { platforms: results.map(strip), tags: [] };
    if (mode === 'single') {
        const only = results[0];
        return { digest: only.digest, platforms: results.map(strip), tags: [] };
    }
    const index = buildIndex(results.map((r) => r.image), {
        annotations: annotationsFor(spec.annotations, 'index'),
        descriptorAnnotations: annotationsFor(spec.annotations, 'manifest-descriptor'),
    });
    const published = await publishIndex(options.registries, home, index, spec.tags, options.inputNames?.tags, logger);
    return { digest: published.digest, platforms: results.map(strip), tags: published.tags };
}
function strip(r) {
    const { image: _image, ...rest } = r;
    return rest;
}
async function buildOne(cmds, spec, options, home, baseImages, logger) {
    const platform = (0,src_platform/* formatPlatform */.Bq)(cmds.platform);
    const files = platformFiles(options.workDir, cmds.platform);
    await (0,promises_.rm)(files.dir, { recursive: true, force: true });
    await (0,promises_.mkdir)(files.dir, { recursive: true });
    const started = Date.now();
    const primed = options.registries && cmds.cacheFrom.length > 0
        ? await primeBuildahCache(options.registries, cmds.cacheFrom, cmds.buildah, options, options.env, logger)
        : 0;
    logger.info(`${platform}: building${primed ? ` (${primed} ARG steps primed from the cache)` : ''}`);
    const res = await cmds.buildah.run(cmds.buildArgs, {
        env: options.env,
        ignoreReturnCode: true,
        timeoutMs: 60 * 60_000,
    });
    const log = `${res.stdout}${res.stderr ? `\n${res.stderr}` : ''}`;
    const elapsed = () => ((Date.now() - started) / 1000).toFixed(1);
    if (res.exitCode !== 0) {
        await logger.group(`${platform}: build failed after ${elapsed()}s`, async () => logger.info(log));
        const step = failingStep(log);
        throw new image_build_src_errors/* BuildError */.z('BUILD_FAILED', `${platform}: build failed${step ? ` at ${step}` : ` (exit code ${res.exitCode})`}`, { platform });
    }
    const buildMs = Date.now() - started;
    const imageId = (await (0,promises_.readFile)(files.iid, 'utf8')).trim();
    const cache = { ...parseBuildahCacheStats(log), primed };
    if (options.registries && cmds.cacheTo.length > 0) {
        await recordBuildahPrime(options.registries, argStepCaches(log), logger);
    }
    let image;
    if (spec.push && cmds.push && home && options.registries) {
        await cmds.buildah.run(buildahPushLayoutArgs(imageId, files.layout, files.digest), {
            env: options.env,
        });
        await setLayoutAnnotations(files.layout, manifestAnnotations(spec, baseImages), BASE_ANNOTATIONS);
        image = await pushLayoutByDigest(options.registries, home, files.layout, logger);
        if (image.platform.os !== cmds.platform.os ||
            image.platform.architecture !== cmds.platform.architecture) {
            throw new image_build_src_errors/* BuildError */.z('BUILD_FAILED', `${platform}: the built image says ${(0,src_platform/* formatPlatform */.Bq)(image.platform)}`, { platform });
        }
    }
    const durationMs = Date.now() - started;
    await logger.group(`${platform}: built in ${elapsed()}s (${cache.hits} cached of ${cache.steps} steps` +
        `${image ? `; build ${(buildMs / 1000).toFixed(1)}s, push ${((durationMs - buildMs) / 1000).toFixed(1)}s` : ''})`, async () => logger.info(log));
    return {
        platform,
        imageId,
        digest: image?.descriptor.digest,
        size: image?.size,
        durationMs,
        cache,
        baseImages,
        image,
    };
}
const BASE_NAME = 'org.opencontainers.image.base.name';
const BASE_DIGEST = 'org.opencontainers.image.base.digest';
const BASE_ANNOTATIONS = [BASE_NAME, BASE_DIGEST];
function manifestAnnotations(spec, baseImages) {
    const out = annotationsFor(spec.annotations, 'manifest');
    const base = baseImages.find((b) => b.final);
    if (base && !(BASE_NAME in out)) {
        out[BASE_NAME] = reference_parseReference(base.reference).toString();
        out[BASE_DIGEST] = base.manifestDigest;
    }
    return out;
}

;// CONCATENATED MODULE: ./packages/image-build/src/run-buildx.ts







function buildxOutputFor(spec, mode, repository) {
    if (!spec.push)
        return { kind: 'cache-only' };
    if (mode === 'single') {
        const repo = repository ?? (spec.tags[0] ? stripTag(spec.tags[0]) : undefined);
        if (!repo)
            throw new image_build_src_errors/* BuildError */.z('PUSH_FAILED', 'mode single needs the image repository to push to');
        return { kind: 'push-by-digest', repository: repo };
    }
    return { kind: 'push' };
}
function planBuildx(spec, options) {
    const output = buildxOutputFor(spec, options.mode ?? 'multi', options.repository);
    return options.buildx.getCommand(buildxBuildArgs(spec, {
        metadataFile: options.metadataFile,
        output,
        builder: options.builder,
        provenance: options.provenance,
        sbom: options.sbom,
        progress: 'plain',
    }));
}
async function buildWithBuildx(spec, options) {
    const logger = options.logger ?? silentLogger;
    const mode = options.mode ?? 'multi';
    const cmd = planBuildx(spec, options);
    const started = Date.now();
    const res = await logger.group(`buildx build ${spec.platforms.map(src_platform/* formatPlatform */.Bq).join(', ')}`, () => options.buildx.run(cmd.args.slice(cmd.command === 'docker' ? 1 : 0), {
        env: options.env,
        stream: true,
        logger,
        ignoreReturnCode: true,
    }));
    if (res.exitCode !== 0) {
        const last = res.stderr
            .trim()
            .split('\n')
            .filter((l) => /ERROR|error:/.test(l))
            .pop() ?? res.stderr.trim().split('\n').pop();
        throw new image_build_src_errors/* BuildError */.z('BUILD_FAILED', `buildx build failed${last ? `: ${last.trim()}` : ''}`);
    }
    const durationMs = Date.now() - started;
    const names = spec.platforms.map(src_platform/* formatPlatform */.Bq);
    const stats = parseBuildxCacheStats(`${res.stderr}\n${res.stdout}`, names);
    const resultFor = (platform, digest) => {
        const s = stats.get(platform) ?? { steps: 0, hits: 0, pulled: 0 };
        return {
            ...emptyResult(platform, durationMs),
            digest,
            cache: { hits: s.hits, pulled: s.pulled, pushed: 0, steps: s.steps, primed: 0 },
        };
    };
    if (!spec.push)
        return { platforms: names.map((p) => resultFor(p)), tags: [] };
    const metadata = parseBuildxMetadata(await (0,promises_.readFile)(options.metadataFile, 'utf8'));
    logger.debug(`buildWithBuildx: pushed ${metadata.digest} (${metadata.descriptor?.mediaType ?? 'no descriptor'})`);
    let platforms = names.map((p) => resultFor(p));
    if (mode === 'single' || (metadata.descriptor && !run_buildx_isIndexMediaType(metadata.descriptor.mediaType))) {
        platforms = names.length === 1 ? [resultFor(names[0], metadata.digest)] : platforms;
    }
    else if (options.registries && spec.tags[0]) {
        const ref = reference_parseReference(stripTag(spec.tags[0]), { input: options.inputNames?.tags });
        const fetched = await options.registries
            .client(ref.registry)
            .getManifest(ref.repository, metadata.digest);
        if (isIndex(fetched.manifest)) {
            platforms = fetched.manifest.manifests
                .filter((d) => d.platform && d.platform.os !== 'unknown')
                .map((d) => resultFor(`${d.platform.os}/${d.platform.architecture}${d.platform.variant ? `/${d.platform.variant}` : ''}`, d.digest));
        }
    }
    return {
        digest: metadata.digest,
        mediaType: metadata.descriptor?.mediaType,
        platforms,
        tags: mode === 'single' ? [] : [...spec.tags],
    };
}
function run_buildx_isIndexMediaType(mediaType) {
    return (mediaType === 'application/vnd.oci.image.index.v1+json' ||
        mediaType === 'application/vnd.docker.distribution.manifest.list.v2+json');
}
function emptyResult(platform, durationMs) {
    return { platform, imageId: '', durationMs, cache: { hits: 0, pulled: 0, pushed: 0, steps: 0, primed: 0 } };
}

;// CONCATENATED MODULE: ./packages/image-build/src/run-merge.ts





async function mergeDigests(registries, options) {
    const logger = options.logger ?? silentLogger;
    const names = options.inputNames;
    const homeName = options.repository ?? (options.tags[0] ? stripTag(options.tags[0]) : undefined);
    if (!homeName)
        throw new errors/* InputError */.dz(names.tags, 'merge needs at least one tag or image to push the index to', 'INPUT_REQUIRED');
    const home = reference_parseReference(homeName, { input: names.images });
    if (options.digests.length === 0)
        throw new errors/* InputError */.dz(names.digests, `Input "${names.digests}" is empty: give one digest per platform`, 'INPUT_REQUIRED');
    const refs = options.digests.map((d) => {
        const text = d.trim();
        const ref = isSha256Digest(text) ? home.withDigest(text) : reference_parseReference(text, { input: names.digests });
        if (!ref.digest)
            throw new errors/* InputError */.dz(names.digests, `Input "${names.digests}" has "${text}" without a digest (expected repo@sha256:… or sha256:…)`);
        return ref;
    });
    const images = [];
    for (const ref of refs) {
        await ensureInRepository(registries, ref, home, logger);
        images.push(await readPlatformImage(registries, home.withDigest(ref.digest)));
    }
    const annotations = options.annotations ?? [];
    const index = buildIndex(images, {
        annotations: annotationsFor(annotations, 'index'),
        descriptorAnnotations: annotationsFor(annotations, 'manifest-descriptor'),
    });
    logger.debug(`mergeDigests: index ${index.digest} for ${images.map((i) => (0,src_platform/* formatPlatform */.Bq)(i.platform)).join(', ')}`);
    const published = await publishIndex(registries, home, index, options.tags, names.tags, logger);
    return {
        digest: published.digest,
        tags: published.tags,
        platforms: images.map((i) => ({
            platform: (0,src_platform/* formatPlatform */.Bq)(i.platform),
            imageId: '',
            digest: i.descriptor.digest,
            size: i.size,
            durationMs: 0,
            cache: { hits: 0, pulled: 0, pushed: 0, steps: 0, primed: 0 },
        })),
    };
}

;// CONCATENATED MODULE: ./packages/image-build/src/provenance.ts

const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
const GITHUB_WORKFLOW_BUILD_TYPE = 'https://actions.github.io/buildtypes/workflow/v1';
function hexOf(digest) {
    const [algorithm, hex] = digest.split(':');
    if (!algorithm || !hex)
        throw new image_build_src_errors/* BuildError */.z('DIGEST_INVALID', `not a digest: ${digest}`);
    return [algorithm, hex];
}
function dockerPurl(reference, platform) {
    const at = reference.indexOf('@');
    const base = at >= 0 ? reference.slice(0, at) : reference;
    const slash = base.indexOf('/');
    const first = slash >= 0 ? base.slice(0, slash) : '';
    const hasRegistry = first.includes('.') || first.includes(':') || first === 'localhost';
    const registry = hasRegistry ? first : 'docker.io';
    let name = hasRegistry ? base.slice(slash + 1) : base;
    let version = '';
    const colon = name.lastIndexOf(':');
    if (colon > 0) {
        version = name.slice(colon + 1);
        name = name.slice(0, colon);
    }
    if (registry === 'docker.io' && !name.includes('/'))
        name = `library/${name}`;
    const qualifiers = `${platform ? `platform=${encodeURIComponent(platform)}&` : ''}repository_url=${encodeURIComponent(registry)}`;
    return `pkg:docker/${name}${version ? `@${version}` : ''}?${qualifiers}`;
}
function buildProvenance(input) {
    const env = input.env;
    const server = (env['GITHUB_SERVER_URL'] ?? 'https://github.com').replace(/\/+$/, '');
    const repository = env['GITHUB_REPOSITORY'] ?? '';
    const workflowRef = env['GITHUB_WORKFLOW_REF'] ?? '';
    const atRef = workflowRef.lastIndexOf('@');
    const workflowPath = atRef > 0 ? workflowRef.slice(repository.length + 1, atRef) : '';
    const ref = env['GITHUB_REF'] ?? '';
    const [algorithm, hex] = hexOf(input.digest);
    const resolvedDependencies = [];
    if (repository && env['GITHUB_SHA']) {
        resolvedDependencies.push({
            uri: `git+${server}/${repository}@${ref}`,
            digest: { gitCommit: env['GITHUB_SHA'] },
        });
    }
    for (const base of input.baseImages ?? []) {
        const [a, h] = hexOf(base.digest);
        resolvedDependencies.push({
            uri: dockerPurl(base.reference, base.platform),
            digest: { [a]: h },
            name: base.reference,
        });
    }
    return {
        _type: IN_TOTO_STATEMENT_V1,
        subject: [...new Set(input.subjects)].map((name) => ({ name, digest: { [algorithm]: hex } })),
        predicateType: SLSA_PROVENANCE_V1,
        predicate: {
            buildDefinition: {
                buildType: GITHUB_WORKFLOW_BUILD_TYPE,
                externalParameters: {
                    workflow: { ref, repository: `${server}/${repository}`, path: workflowPath },
                },
                internalParameters: {
                    github: {
                        event_name: env['GITHUB_EVENT_NAME'] ?? '',
                        repository_id: env['GITHUB_REPOSITORY_ID'] ?? '',
                        repository_owner_id: env['GITHUB_REPOSITORY_OWNER_ID'] ?? '',
                        runner_environment: env['RUNNER_ENVIRONMENT'] ?? '',
                    },
                    build: {
                        backend: input.build.backend,
                        ...(input.build.backendVersion ? { backendVersion: input.build.backendVersion } : {}),
                        platforms: input.build.platforms,
                        ...(input.build.file ? { file: input.build.file } : {}),
                        ...(input.build.target ? { target: input.build.target } : {}),
                        buildArgs: input.build.buildArgs ?? {},
                    },
                },
                resolvedDependencies,
            },
            runDetails: {
                builder: { id: `${server}/${workflowRef}` },
                metadata: {
                    invocationId: `${server}/${repository}/actions/runs/${env['GITHUB_RUN_ID'] ?? ''}/attempts/${env['GITHUB_RUN_ATTEMPT'] ?? '1'}`,
                    ...(input.startedOn ? { startedOn: input.startedOn.toISOString() } : {}),
                    ...(input.finishedOn ? { finishedOn: input.finishedOn.toISOString() } : {}),
                },
            },
        },
    };
}

;// CONCATENATED MODULE: ./packages/image-build/src/write-provenance.ts







async function baseImagesOf(result, options) {
    const baseImages = [];
    for (const p of result.platforms) {
        for (const b of p.baseImages ?? []) {
            if (!baseImages.some((x) => x.reference === b.reference && x.digest === b.manifestDigest))
                baseImages.push({ reference: b.reference, digest: b.manifestDigest, platform: b.platform });
        }
    }
    const { context, file: given, buildArgs } = options.request;
    const file = given ?? external_node_path_default().join(context, 'Dockerfile');
    if (options.backend === 'merge' || baseImages.length > 0 || !(0,external_node_fs_.existsSync)(file))
        return baseImages;
    for (const from of (0,dockerfile/* parseFromLines */.lJ)(await (0,promises_.readFile)(file, 'utf8'), buildArgs)) {
        if (from.internal || !from.image)
            continue;
        try {
            const ref = reference_parseReference(from.image);
            const digest = ref.digest ??
                (await options.registries.client(ref.registry).headManifest(ref.repository, ref.reference))?.digest;
            if (digest && !baseImages.some((b) => b.reference === from.image))
                baseImages.push({ reference: from.image, digest });
        }
        catch {
        }
    }
    return baseImages;
}
async function writeProvenanceFile(result, options) {
    const { file, target, buildArgs, environment } = options.request;
    const statement = buildProvenance({
        subjects: [...new Set(options.tags.map(stripTag))],
        digest: result.digest,
        env: environment.github,
        build: {
            platforms: result.platforms.map((p) => p.platform),
            file,
            target,
            buildArgs,
            backend: options.backend,
            backendVersion: options.backendVersion,
        },
        baseImages: await baseImagesOf(result, options),
    });
    const out = external_node_path_default().join(environment.tempDir, `provenance-${result.digest.replace(':', '-')}.intoto.json`);
    await (0,promises_.writeFile)(out, `${JSON.stringify(statement, null, 2)}\n`);
    return out;
}

;// CONCATENATED MODULE: ./packages/image-build/src/image-build.ts












function buildImage(request, deps) {
    return withRun(request, deps, async (run) => {
        if (request.mode === 'merge') {
            if (!request.push)
                return { commands: [mergeLine(run)] };
            const result = await mergeDigests(run.registries, {
                digests: request.digests,
                repository: run.meta.images[0],
                tags: run.meta.tags,
                annotations: run.meta.leveledAnnotations,
                inputNames: request.inputNames,
                logger: run.logger,
            });
            return { result, commands: [], provenancePath: await provenance(run, result, 'merge') };
        }
        const setup = await setUp(run, request.mode, false);
        const result = setup.backend === 'buildx'
            ? await buildWithBuildx(setup.spec, setup.buildx)
            : await buildWithBuildah(setup.spec, setup.buildah);
        const version = await (setup.backend === 'buildx' ? run.buildx : run.buildah)
            .version()
            .catch(() => undefined);
        const provenancePath = request.push && request.mode === 'multi'
            ? await provenance(run, result, setup.backend, version)
            : undefined;
        return { backend: setup.backend, result, commands: [], provenancePath };
    });
}
function planImageBuild(request, deps) {
    return withRun(request, deps, async (run) => {
        if (request.mode === 'merge')
            return { commands: [mergeLine(run)] };
        const setup = await setUp(run, request.mode, true);
        return { backend: setup.backend, commands: await planCommands(run, setup) };
    });
}
async function withRun(request, deps, step) {
    const logger = deps.logger;
    const tools = { logger, exec: deps.exec };
    const payload = await readEventPayload(request.environment);
    const meta = await computeRunMetadata(request.metadata, request.environment, payload, request.environment.workspace ? new Git(request.environment.workspace, tools) : undefined, {
        inputNames: request.inputNames,
    });
    for (const w of meta.warnings)
        logger.warning(w);
    const names = request.inputNames;
    if ((request.push || request.mode !== 'multi') && meta.images.length === 0) {
        const needs = request.mode === 'multi' ? `${names.push}: true` : `${names.mode}: ${request.mode}`;
        throw new errors/* InputError */.dz(names.images, `Input "${names.images}" is required with ${needs}`, 'INPUT_REQUIRED');
    }
    const registries = openRegistries([], {
        insecureHosts: request.insecureRegistries,
        logger,
        onSecret: deps.onSecret,
    });
    try {
        const run = {
            request,
            logger,
            meta,
            payload,
            registries,
            buildx: new Buildx(tools),
            buildah: new Buildah(tools),
        };
        const outcome = await step(run);
        return {
            meta,
            ...outcome,
            platformDigests: platformDigests(outcome.result),
            pushedTo: pushedTo(outcome.result, meta),
        };
    }
    finally {
        registries.close();
    }
}
function setUp(run, mode, dryRun) {
    return setUpBuild({ ...run.request, mode }, run.meta, run.payload, run, dryRun);
}
const mergeLine = (run) => `merge ${run.request.digests.join(' ')} → ${run.meta.tags.join(' ')}`;
const quote = (a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
const commandLine = (c) => [c.command, ...c.args].map(quote).join(' ');
async function planCommands(run, setup) {
    const spec = { ...setup.spec, push: run.request.push };
    if (setup.backend === 'buildx')
        return [commandLine(planBuildx(spec, setup.buildx))];
    const pinned = await pinBuildahBases(setup.spec, { ...setup.buildah, registries: run.registries }).catch((e) => {
        run.logger.warning(`Base images not resolved for the plan: ${e.message}`);
        return [];
    });
    const dockerfiles = new Map(pinned.map((p) => [(0,src_platform/* formatPlatform */.Bq)(p.platform), p.file]));
    const buildahs = await platformBuildahs(setup.spec, setup.buildah).catch(() => undefined);
    return [
        ...pinned.flatMap((p) => p.pins.map((b) => `# ${(0,src_platform/* formatPlatform */.Bq)(p.platform)}: FROM ${b.reference} → ${b.pinned} (${b.platform})`)),
        ...planBuildah(spec, { ...setup.buildah, dockerfiles, buildahs }).flatMap((p) => [
            commandLine(p.build),
            ...(p.push ? [commandLine(p.push)] : []),
        ]),
    ];
}
function provenance(run, result, backend, backendVersion) {
    if (!run.request.provenance || !result.digest)
        return Promise.resolve(undefined);
    const { request, meta, registries } = run;
    return writeProvenanceFile({ ...result, digest: result.digest }, { request, tags: meta.tags, backend, backendVersion, registries });
}
function platformDigests(result) {
    return Object.fromEntries((result?.platforms ?? []).filter((p) => p.digest).map((p) => [p.platform, p.digest]));
}
function pushedTo(result, meta) {
    const byRepo = new Map();
    for (const t of result?.tags ?? []) {
        const repo = stripTag(t);
        byRepo.set(repo, [...(byRepo.get(repo) ?? []), t.slice(repo.length + 1)]);
    }
    if (result?.digest && byRepo.size === 0 && meta.images[0])
        byRepo.set(meta.images[0], []);
    return byRepo;
}

// EXTERNAL MODULE: ./actions/multiarch-build/src/inputs.ts + 2 modules
var src_inputs = __webpack_require__(19108);
;// CONCATENATED MODULE: ./actions/multiarch-build/src/request.ts
function imageBuildRequest(inputs, environment) {
    return {
        mode: inputs.mode,
        context: inputs.context,
        file: inputs.file,
        platforms: inputs.platforms,
        metadata: {
            images: inputs.images,
            tags: inputs.tags,
            flavor: inputs.flavor,
            labels: inputs.labels,
            annotations: inputs.annotations,
        },
        buildArgs: inputs['build-args'],
        secrets: inputs.secrets,
        secretFiles: inputs['secret-files'],
        target: inputs.target,
        push: inputs.push,
        cache: inputs.cache,
        cacheFrom: inputs['cache-from'],
        cacheTo: inputs['cache-to'],
        builder: inputs.builder,
        digests: inputs.digests,
        provenance: inputs.provenance,
        insecureRegistries: inputs['insecure-registries'],
        environment,
        inputNames: {
            builder: 'builder',
            cacheFrom: 'cache-from',
            context: 'context',
            file: 'file',
            target: 'target',
            images: 'images',
            tags: 'tags',
            flavor: 'flavor',
            labels: 'labels',
            annotations: 'annotations',
            push: 'push',
            mode: 'mode',
            digests: 'digests',
        },
    };
}

;// CONCATENATED MODULE: ./actions/multiarch-build/src/main.ts






const mb = (n) => (n === undefined ? '—' : `${(n / 1024 / 1024).toFixed(1)} MB`);
async function main(inputs = (0,src_inputs/* readInputs */.Ko)()) {
    const logger = new ActionsLogger();
    const { meta, backend, result, commands, provenancePath, platformDigests, pushedTo } = await (inputs['dry-run'] ? planImageBuild : buildImage)(imageBuildRequest(inputs, (0,src_inputs/* readEnvironment */.Qo)()), { logger, onSecret: core/* setSecret */.Pq });
    const digest = result?.digest;
    const [name, tags] = [...pushedTo][0] ?? [];
    const imageRecord = digest && name
        ? imageRecordOutput({
            schemaVersion: IMAGE_RECORD_SCHEMA_VERSION,
            name,
            digest,
            mediaType: result?.mediaType ??
                (inputs.mode === 'single'
                    ? 'application/vnd.oci.image.manifest.v1+json'
                    : 'application/vnd.oci.image.index.v1+json'),
            ...(tags?.length ? { tags } : {}),
            ...(Object.keys(platformDigests).length
                ? {
                    platforms: Object.fromEntries(Object.entries(platformDigests).map(([p, d]) => [p, { digest: d }])),
                }
                : {}),
            build: {
                builder: backend ?? 'none',
                mode: inputs.mode,
                ...(inputs.mode === 'merge' ? {} : { source: inputs.context }),
                ...(provenancePath ? { provenance: provenancePath } : {}),
            },
            destinations: Object.fromEntries([...pushedTo].map(([repo, repoTags]) => [
                repo,
                {
                    digest,
                    tags: repoTags,
                    references: [`${repo}@${digest}`, ...repoTags.map((t) => `${repo}:${t}`)],
                    status: 'pushed',
                },
            ])),
        })
        : undefined;
    setOutputs({
        digest,
        'platform-digests': platformDigests,
        tags: meta.tags.join('\n'),
        labels: meta.labels.join('\n'),
        annotations: meta.leveledAnnotations.join('\n'),
        version: meta.version.main ?? '',
        'image-record': imageRecord,
        'provenance-path': provenancePath,
        metadata: {
            ...meta.json,
            builder: backend ?? 'none',
            mode: inputs.mode,
            platforms: result?.platforms ?? [],
        },
    }, { json: 'json' });
    const summary = new SummaryBuilder().heading(`multiarch-build${inputs['dry-run'] ? ' (dry run)' : ''}`);
    if (commands.length > 0)
        summary
            .paragraph(`Builder: ${backend ?? 'none'}. Commands that would run:`)
            .code(commands.join('\n'), 'sh');
    for (const c of commands)
        logger.info(c);
    if (result) {
        summary.table(['Platform', 'Digest', 'Size', 'Duration', 'Cache'], result.platforms.map((p) => [
            p.platform,
            p.digest ?? p.imageId,
            mb(p.size),
            `${(p.durationMs / 1000).toFixed(1)}s`,
            p.cache.steps
                ? `${p.cache.hits}/${p.cache.steps} steps (${p.cache.pulled} from registry` +
                    `${p.cache.primed ? `, ${p.cache.primed} ARG steps primed` : ''})`
                : '—',
        ]));
        if (digest)
            summary.paragraph(`Digest: \`${digest}\``);
    }
    if (meta.tags.length > 0)
        summary.details('Tags', meta.tags.map((t) => `- \`${t}\``).join('\n'));
    await summary.write();
}


/***/ })

};
