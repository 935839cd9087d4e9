/**
 * Child process of the decompression-bomb tests: loads the training split of the data
 * section given as JSON in argv[2] (paths absolute) and prints one JSON line with the
 * outcome and the process's peak resident memory, measured by the kernel.
 */
import { loadDataset } from '../../sidecar/data/dataset';
import { loadOptionsFor } from '../../sidecar/data/loadOptions';
import type { DataConfig } from '../../sidecar/protocol/config';

async function main(): Promise<void> {
  const data = JSON.parse(process.argv[2]) as DataConfig;
  let outcome: { ok: boolean; count?: number; error?: string; errorName?: string };
  try {
    const ds = await loadDataset(data, '/', 'train', loadOptionsFor(data));
    outcome = { ok: true, count: ds.count };
  } catch (e) {
    outcome = {
      ok: false,
      error: e instanceof Error ? e.message : String(e),
      errorName: e instanceof Error ? e.name : typeof e,
    };
  }
  // maxRSS is in kilobytes.
  const maxRssMB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ ...outcome, maxRssMB }) + '\n');
}

void main();
