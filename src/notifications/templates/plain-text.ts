/** Helpers for the hand-written plain-text parts: wrapped paragraphs and aligned "label: value" lines. */

export const TEXT_WIDTH = 76;

/** Word-wraps a paragraph; a single word longer than the line (a URL) is kept whole rather than broken. */
export function wrap(text: string, width = TEXT_WIDTH, indent = ''): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter((w) => w.length > 0)) {
      if (line.length === 0) line = indent + word;
      else if (line.length + 1 + word.length <= width) line += ` ${word}`;
      else {
        lines.push(line);
        line = indent + word;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** `Label:      value` lines, labels padded to one column; long values continue under the value column. */
export function fields(rows: readonly (readonly [string, string | null])[], width = TEXT_WIDTH): string[] {
  const present = rows.filter((row): row is readonly [string, string] => row[1] !== null && row[1] !== '');
  const labelWidth = Math.min(26, Math.max(0, ...present.map(([label]) => label.length + 2)));
  const out: string[] = [];
  for (const [label, value] of present) {
    const head = `${label}:`.padEnd(labelWidth);
    const [first = '', ...rest] = wrap(value, width - labelWidth);
    out.push(`${head}${head.length > labelWidth ? ' ' : ''}${first}`);
    for (const line of rest) out.push(' '.repeat(labelWidth) + line);
  }
  return out;
}

/** A heading underlined to its own length, the way plain-text mail marks sections. */
export function heading(text: string): string[] {
  return [text, '-'.repeat(Math.min(text.length, TEXT_WIDTH))];
}

/** Joins blocks with one blank line between them; null or empty blocks are left out. */
export function textDocument(blocks: readonly (readonly string[] | null)[]): string {
  const parts = blocks.filter((b): b is readonly string[] => b !== null && b.length > 0).map((b) => b.join('\n'));
  return `${parts.join('\n\n')}\n`;
}

/** A left text (wrapped) and an amount right-aligned to the line end: `Plan Pro ......  S/ 100.00`. */
export function amountRow(left: string, right: string, width = TEXT_WIDTH): string[] {
  // Amounts line up on the right edge; 12 columns fit S/ 99,999.99 so the text column does not jump per row.
  const room = width - Math.max(12, right.length) - 2;
  const [first = '', ...rest] = wrap(left, room);
  return [first.padEnd(width - right.length) + right, ...rest];
}
