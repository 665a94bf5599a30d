import { exec, type Logger, silentLogger } from '@deliverkit/action-kit';

export interface KubectlOptions {
  /** The kubectl executable (default: `kubectl` on PATH). */
  kubectl?: string;
  logger?: Logger;
}

/**
 * kubectl, for what client-node cannot do: Kustomize rendering (kubectl's built-in Kustomize). Argument arrays only;
 * the cluster itself is reached through the API client, never through kubectl.
 */
export class Kubectl {
  constructor(private readonly options: KubectlOptions = {}) {}

  /** `kubectl kustomize DIR`: the overlay rendered to YAML; the overlay is only read. */
  async kustomize(dir: string): Promise<string> {
    const res = await exec(this.options.kubectl ?? 'kubectl', ['kustomize', dir], {
      logger: this.options.logger ?? silentLogger,
    });
    return res.stdout;
  }
}
