import { exec, type Logger, silentLogger } from '@deliverkit/action-kit';

export interface GitOptions {
  /** The git executable (default: `git` on PATH). */
  git?: string;
  /** HTTPS token, handed to git through the environment (never argv). */
  token?: string;
  author?: { name: string; email: string };
  logger?: Logger;
}

/**
 * git, as the GitOps mode drives it (docker/actions-toolkit's Git class is the model): one method per subcommand,
 * argument arrays only, every call in one working directory. Identity and credentials go through the environment,
 * so a token never reaches argv, a process listing or .git/config.
 */
export class Git {
  constructor(
    /** The working tree (the clone's directory). */
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

  /** Runs `git ARGS` in `cwd` (default: the working tree) and returns its trimmed stdout. */
  async run(args: readonly string[], cwd = this.dir): Promise<string> {
    const res = await exec(this.options.git ?? 'git', args, {
      cwd,
      env: this.env(),
      logger: this.options.logger ?? silentLogger,
    });
    return res.stdout.trim();
  }

  /** Clones one branch of `repo` into the working tree (which must be empty), from `cwd`. */
  async clone(repo: string, branch: string, cwd: string): Promise<void> {
    await this.run(['clone', '--quiet', '--branch', branch, '--', repo, this.dir], cwd);
  }

  /** The working tree's unstaged change to `file`, with one line of context. */
  diff(file: string): Promise<string> {
    return this.run(['diff', '--unified=1', '--', file]);
  }

  async add(file: string): Promise<void> {
    await this.run(['add', '--', file]);
  }

  /** Commits what is staged; returns the new commit's id. */
  async commit(message: string): Promise<string> {
    await this.run(['commit', '--quiet', '-m', message]);
    return this.run(['rev-parse', 'HEAD']);
  }

  /** HEAD's change, with one line of context and no header. */
  showHead(): Promise<string> {
    return this.run(['show', '--format=', '--unified=1', 'HEAD']);
  }

  /** The newest commit touching `file` whose message matches `grep`, or '' when none does. */
  lastCommit(file: string, grep: string): Promise<string> {
    return this.run(['log', '--format=%H', '-n', '1', `--grep=${grep}`, '--', file]);
  }

  /** Reverts `commit`; returns the revert commit's id. */
  async revert(commit: string): Promise<string> {
    await this.run(['revert', '--no-edit', commit]);
    return this.run(['rev-parse', 'HEAD']);
  }

  /** Pushes HEAD to `branch` on origin (force: replace a branch this tool owns). */
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
