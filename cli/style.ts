/**
 * How the command's reports are painted: ANSI colours on a terminal, plain text otherwise (and
 * under NO_COLOR). Shared by `plan` and `verify`.
 */
export interface Style {
  bold(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
}

const ANSI = (code: number) => (s: string) => `\u001b[${code}m${s}\u001b[0m`;
export const COLOR: Style = {
  bold: ANSI(1),
  red: ANSI(31),
  green: ANSI(32),
  yellow: ANSI(33),
  dim: ANSI(2),
};
const same = (s: string) => s;
export const PLAIN: Style = { bold: same, red: same, green: same, yellow: same, dim: same };
