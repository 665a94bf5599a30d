import { exec, getErrorMessage, type Logger, silentLogger } from '@deliverkit/action-kit';
import { DeployError } from './errors';

export interface GitOptions {
  git?: string;
  /** HTTPS token, handed to git through the environment (never argv). */
  token?: string;
  author?: { name: string; email: string };
  logger?: Logger;
}

/** git in one working tree, one method per subcommand (as docker/actions-toolkit's Git class). */
export class Git {
  constructor(
    readonly dir: string,
    private readonly options: GitOptions = {},
  ) {}

  private env(): Record<string, string> {
    const name = this.options.author?.name ?? 'deliverkit';
    const email = this.options.author?.email ?? 'deliverkit@users.noreply.github.com';
    const env: Record<string, string> = {
      GIT_TERMINAL_PROMPT: '0',
      GIT_AUTHOR_NAME: name,
      GIT_AUTHOR_EMAIL: email,
      GIT_COMMITTER_NAME: name,
      GIT_COMMITTER_EMAIL: email,
    };
    if (this.options.token) {
      // GIT_CONFIG_* keeps the credential out of argv, process listings and .git/config.
      env.GIT_CONFIG_COUNT = '1';
      env.GIT_CONFIG_KEY_0 = 'http.extraheader';
      env.GIT_CONFIG_VALUE_0 = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${this.options.token}`).toString('base64')}`;
    }
    return env;
  }

  async run(args: readonly string[], cwd = this.dir): Promise<string> {
    try {
      const res = await exec(this.options.git ?? 'git', args, {
        cwd,
        env: this.env(),
        logger: this.options.logger ?? silentLogger,
      });
      return res.stdout.trim();
    } catch (e) {
      throw new DeployError('GITOPS_FAILED', getErrorMessage(e), { cause: e });
    }
  }

  async clone(repo: string, branch: string, cwd: string): Promise<void> {
    await this.run(['clone', '--quiet', '--branch', branch, '--', repo, this.dir], cwd);
  }

  diff(file: string): Promise<string> {
    return this.run(['diff', '--unified=1', '--', file]);
  }

  async add(file: string): Promise<void> {
    await this.run(['add', '--', file]);
  }

  async commit(message: string): Promise<string> {
    await this.run(['commit', '--quiet', '-m', message]);
    return this.run(['rev-parse', 'HEAD']);
  }

  showHead(): Promise<string> {
    return this.run(['show', '--format=', '--unified=1', 'HEAD']);
  }

  lastCommit(file: string, grep: string): Promise<string> {
    return this.run(['log', '--format=%H', '-n', '1', `--grep=${grep}`, '--', file]);
  }

  async revert(commit: string): Promise<string> {
    await this.run(['revert', '--no-edit', commit]);
    return this.run(['rev-parse', 'HEAD']);
  }

  async push(branch: string, options: { force?: boolean } = {}): Promise<void> {
    await this.run([
      'push',
      '--quiet',
      ...(options.force ? ['--force'] : []),
      'origin',
      `HEAD:refs/heads/${branch}`,
    ]);
  }
}
