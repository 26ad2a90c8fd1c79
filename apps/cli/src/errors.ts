/** An operator error: printed as `error: <message>`, exit code 1 (or the one given). */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
