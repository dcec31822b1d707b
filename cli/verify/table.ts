/** Plain-text tables with wrapped cells, for the report and the provider table. */

/**
 * Words of `text` in lines of at most `width` characters; longer words are cut, and a newline in
 * the text starts a new line.
 */
export function wrap(text: string, width: number): string[] {
  if (text.includes("\n")) return text.split("\n").flatMap((part) => wrap(part, width));
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    let rest = word;
    while (rest.length > width) {
      if (line !== "") {
        lines.push(line);
        line = "";
      }
      lines.push(rest.slice(0, width));
      rest = rest.slice(width);
    }
    if (line === "") line = rest;
    else if (line.length + 1 + rest.length <= width) line += ` ${rest}`;
    else {
      lines.push(line);
      line = rest;
    }
  }
  if (line !== "" || lines.length === 0) lines.push(line);
  return lines;
}

export interface Column {
  title: string;
  width: number;
}

/**
 * A table with wrapped cells: a header, a rule, and each row on as many lines as its tallest cell.
 * `paint` colours a cell's lines after padding, so widths count visible characters only.
 */
export function renderTable(
  columns: readonly Column[],
  rows: readonly string[][],
  paint: (row: number, column: number, text: string) => string = (_r, _c, t) => t,
): string[] {
  const out: string[] = [];
  const pad = (s: string, w: number) => s + " ".repeat(Math.max(0, w - s.length));
  out.push(
    columns
      .map((c) => pad(c.title, c.width))
      .join("  ")
      .trimEnd(),
  );
  out.push(columns.map((c) => "-".repeat(c.width)).join("  "));
  rows.forEach((row, r) => {
    const cells = columns.map((c, i) => wrap(row[i] ?? "", c.width));
    const height = Math.max(...cells.map((lines) => lines.length));
    for (let l = 0; l < height; l++) {
      out.push(
        columns
          .map((c, i) => paint(r, i, pad(cells[i][l] ?? "", c.width)))
          .join("  ")
          .trimEnd(),
      );
    }
  });
  return out;
}
