import { describe, expect, it } from 'vitest';
import { provenanceBuilderProblem } from '../../packages/sign/src/verify-image';

const predicate = (id: unknown) => ({ runDetails: { builder: { id } } });

describe('provenanceBuilderProblem: the build ran in the repository the signature is bound to', () => {
  it("accepts a workflow of that repository, at any ref, on the instance's server", () => {
    expect(
      provenanceBuilderProblem(
        predicate('https://github.com/acme/hello/.github/workflows/ci-cd.yml@refs/heads/main'),
        'acme/hello',
      ),
    ).toBeUndefined();
    expect(
      provenanceBuilderProblem(
        predicate('https://ghe.example.com/Acme/Hello/.github/workflows/ci.yml@refs/tags/v1'),
        'acme/hello',
      ),
    ).toBeUndefined();
  });
  it('refuses another repository, a look-alike, no workflow, no ref, or no builder — naming what it found', () => {
    for (const id of [
      'https://github.com/evil/hello/.github/workflows/ci-cd.yml@refs/heads/main',
      'https://github.com/acme/hello-evil/.github/workflows/ci-cd.yml@refs/heads/main',
      'https://github.com/acme/hellox/.github/workflows/ci-cd.yml@refs/heads/main',
      'https://github.com/acme/hello/.github/workflows/ci-cd.yml',
      'https://github.com/acme/hello',
      'https://github.com/',
    ]) {
      expect(provenanceBuilderProblem(predicate(id), 'acme/hello'), id).toContain(id);
    }
    expect(provenanceBuilderProblem(predicate(undefined), 'acme/hello')).toMatch(/no builder/);
    expect(provenanceBuilderProblem(undefined, 'acme/hello')).toMatch(/no builder/);
  });
});
