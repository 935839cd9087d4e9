/** Plain-text tables for the terminal: columns padded to their widest cell. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (cell ?? '').padEnd(widths[c]))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** "mean ± std (n)" in percent, sample std; a single value has no spread. */
export function meanStd(values: number[]): string {
  if (values.length === 0) return '—';
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length === 1) return (100 * mean).toFixed(2);
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1);
  return `${(100 * mean).toFixed(2)} ± ${(100 * Math.sqrt(variance)).toFixed(2)} (n=${values.length})`;
}
