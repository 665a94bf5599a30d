import { describe, expect, it } from 'vitest';
import { parseAttestation } from '@deliverkit/sign';

describe('parseAttestation', () => {
  it('reads type, path, an optional predicate type and platform', () => {
    expect(parseAttestation(' type=spdx, path=sbom/linux-arm64.spdx.json, platform=linux/arm64 ')).toEqual({
      type: 'spdx',
      path: 'sbom/linux-arm64.spdx.json',
      predicateType: undefined,
      platform: 'linux/arm64',
      source: 'type=spdx, path=sbom/linux-arm64.spdx.json, platform=linux/arm64',
    });
    expect(parseAttestation('type=custom,predicate-type=https://example.com/p/v1,path=p.json')).toMatchObject(
      {
        type: 'custom',
        predicateType: 'https://example.com/p/v1',
      },
    );
  });

  it.each([
    ['path=x', /type must be spdx, cyclonedx, slsaprovenance1 or custom, got ""/],
    ['type=sbom,path=x', /got "sbom"/],
    ['type=spdx', /path is required/],
    ['type=custom,path=x', /type=custom needs predicate-type=URL/],
    ['type=spdx,path=x,file=y', /unknown key "file"/],
    ['type=spdx,path', /expected key=value, got "path"/],
    ['type=spdx,path=x,platform=Linux/AMD64', /platform must be os\/arch\[\/variant\]/],
  ])('refuses %s', (line, message) => {
    expect(() => parseAttestation(line)).toThrow(message);
    expect(() => parseAttestation(line)).toThrow(
      expect.objectContaining({ name: 'SignError', code: 'ATTESTATION_SPEC_INVALID' }),
    );
  });
});
