/**
 * Budgets clamped to the data (data/budgets.ts) are said twice: a log line each, and in
 * the run summary, so a run that used fewer images or labels than its config names
 * says so where a user looks afterwards.
 */
export function reportDataNotes(
  runId: string,
  notes: string[],
  intoSummary: (notes: string[]) => void,
  log: (line: string) => void = (line) => process.stderr.write(line + '\n'),
): void {
  if (notes.length === 0) return;
  for (const note of notes) log(`[sidecar] run ${runId}: ${note}`);
  intoSummary(notes);
}
