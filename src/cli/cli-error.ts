/** A command failure meant for the operator: its message goes to stderr, without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    /** 1: the command failed or was used wrongly; 2: the command is not available in this build. */
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
