import { CliTool } from './tool';

/** git, as actions/checkout leaves it in the workspace: asked for facts about the commit being built. */
export class Git extends CliTool {
  protected get name(): string {
    return 'Git';
  }

  getCommand(args: readonly string[]): { command: string; args: string[] } {
    return { command: 'git', args: [...args] };
  }

  protected versionArgs(): string[] {
    return ['--version'];
  }

  /** `git version 2.39.5` → `2.39.5`. */
  parseVersion(stdout: string): string {
    return /git version (\S+)/.exec(stdout)?.[1] ?? stdout.trim();
  }

  /**
   * The committer date of `sha` in the checkout at `workspace`; undefined when the workspace is not a git
   * checkout that has the commit (a shallow clone of another commit, no git at all): the date is a fallback.
   */
  async commitDate(sha: string, workspace: string): Promise<Date | undefined> {
    const res = await this.run(['log', '-1', '--format=%cI', sha], {
      cwd: workspace,
      ignoreReturnCode: true,
    }).catch(() => undefined);
    const text = res?.exitCode === 0 ? res.stdout.trim() : '';
    this.logger.debug(`Git.commitDate: ${sha}: ${text || 'unknown'}`);
    return text ? new Date(text) : undefined;
  }
}
