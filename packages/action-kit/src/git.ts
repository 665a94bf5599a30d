import { type ExecOptions, type ExecResult, exec as defaultExec } from './exec';
import { type Logger, silentLogger } from './logger';

export interface GitOptions {
  /** The git executable (default `git` on the PATH). */
  git?: string;
  /** HTTPS token, handed to git through the environment (never argv, never .git/config). */
  token?: string;
  author?: { name: string; email: string };
  logger?: Logger;
  /** The process seam (default: action-kit's exec). */
  exec?: (cmd: string, args: readonly string[], options?: ExecOptions) => Promise<ExecResult>;
}

/**
 * git in one working tree, one method per subcommand (as docker/actions-toolkit's Git class), for every package
 * that drives git: the build asks the checkout for a commit's date, GitOps clones, commits, reverts and pushes.
 * Argument arrays only; a failure is action-kit's CommandInvocationError, which each package wraps at its boundary.
 */
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
      env.GIT_CONFIG_COUNT = '1';
      env.GIT_CONFIG_KEY_0 = 'http.extraheader';
      env.GIT_CONFIG_VALUE_0 = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${this.options.token}`).toString('base64')}`;
    }
    return env;
  }

  private get logger(): Logger {
    return this.options.logger ?? silentLogger;
  }

  /** Any subcommand in the working tree (or `cwd`); its trimmed stdout. */
  async run(args: readonly string[], cwd = this.dir): Promise<string> {
    const res = await (this.options.exec ?? defaultExec)(this.options.git ?? 'git', args, {
      cwd,
      env: this.env(),
      logger: this.logger,
    });
    return res.stdout.trim();
  }

  /**
   * The committer date of `sha`; undefined when the tree is not a git checkout that has the commit (a shallow clone
   * of another commit, no git at all): callers use the date as a fallback only.
   */
  async commitDate(sha: string): Promise<Date | undefined> {
    const text = await this.run(['log', '-1', '--format=%cI', sha]).catch(() => '');
    this.logger.debug(`Git.commitDate: ${sha}: ${text || 'unknown'}`);
    return text ? new Date(text) : undefined;
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

  /** Commits what is staged; the new commit's SHA. */
  async commit(message: string): Promise<string> {
    await this.run(['commit', '--quiet', '-m', message]);
    return this.run(['rev-parse', 'HEAD']);
  }

  showHead(): Promise<string> {
    return this.run(['show', '--format=', '--unified=1', 'HEAD']);
  }

  /** The newest commit touching `file` whose message matches `grep`; empty when none does. */
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
