/**
 * The one error type of the data layer. Every problem with a user's files becomes a
 * DataError naming the file, where in it (byte offset or path) and what to do, so the
 * run fails with a message the user can act on instead of crashing the sidecar or
 * silently training on fewer images. The run code maps it to RunError code `data`.
 */
export class DataError extends Error {
  override readonly name = 'DataError';
  /** The file or folder the problem is in. */
  readonly file: string;
  /** Byte offset of the problem (in the decompressed stream for .gz files). */
  readonly offset?: number;
  /** What the user can do about it. */
  readonly fix: string;
  /** The problem alone, without file/offset/fix. */
  readonly problem: string;

  constructor(file: string, problem: string, fix: string, offset?: number) {
    const where = offset === undefined ? file : `${file} (byte offset ${offset})`;
    super(`${where}: ${problem}. ${fix}`);
    this.file = file;
    this.offset = offset;
    this.fix = fix;
    this.problem = problem;
  }
}
