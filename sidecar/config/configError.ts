/** A config problem, located: the file, the JSON path of the field, and what to do. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`${file}: ${field || '(root)'} ${problem}. ${fix}`);
    this.name = 'ConfigError';
  }
}
