import { exec, getErrorMessage, type Logger, silentLogger } from '@deliverkit/action-kit';
import { DeployError } from './errors';

export interface KubectlOptions {
  kubectl?: string;
  logger?: Logger;
}

/** kubectl, for what the API client cannot do: rendering Kustomize overlays. */
export class Kubectl {
  constructor(private readonly options: KubectlOptions = {}) {}

  async kustomize(dir: string): Promise<string> {
    try {
      const res = await exec(this.options.kubectl ?? 'kubectl', ['kustomize', dir], {
        logger: this.options.logger ?? silentLogger,
      });
      return res.stdout;
    } catch (e) {
      throw new DeployError('KUSTOMIZE_FAILED', getErrorMessage(e), { cause: e });
    }
  }
}
