/** Where the CLI writes: lines to standard output and standard error (tests pass their own). */
export interface CliIO {
  out: (line: string) => void;
  err: (line: string) => void;
}

export const defaultIO: CliIO = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
};
