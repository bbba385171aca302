/**
 * An error in a data file: it names the file and the place in it (byte offset, record index,
 * image path, or line:column for text), so a user can find the bad spot without a debugger.
 */
export class DataFormatError extends Error {
  constructor(
    readonly file: string,
    readonly place: string | undefined,
    readonly detail: string,
    message = place ? `${file}: ${place}: ${detail}` : `${file}: ${detail}`,
  ) {
    super(message);
    this.name = 'DataFormatError';
  }

  /** A place in a text file, written file:line:column as compilers and editors do (1-based). */
  static at(file: string, line: number, column: number, detail: string): DataFormatError {
    return new DataFormatError(file, `${line}:${column}`, detail, `${file}:${line}:${column}: ${detail}`);
  }
}
