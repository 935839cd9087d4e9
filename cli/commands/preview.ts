/**
 * `scalenet preview <config> --out <dir>`: one PNG grid of what the network will see
 * (rows = images of the pretext subset, columns = every input mode at every scale of the
 * chain), made by the sidecar (`data/preview`), plus preview.json saying what each row
 * and column is. What a user checks before spending hours of training.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataPreviewRequest, type BackendPreference } from '../../sidecar/protocol';
import { openSession } from '../sidecarSession';
import { ensureDir, reportError, writeBase64 } from './inspectOutput';

export interface PreviewOptions {
  out: string;
  count?: number;
  zoom?: number;
  backend?: BackendPreference;
  verbose?: boolean;
}

export async function previewCommand(config: string, options: PreviewOptions): Promise<number> {
  const session = await openSession(options);
  try {
    const result = await session.request(DataPreviewRequest.type, {
      configPath: resolve(config),
      count: options.count,
      zoom: options.zoom,
    });
    const dir = ensureDir(resolve(options.out));
    writeBase64(dir, 'preview.png', result.png);
    const layout = { ...result, png: undefined };
    writeFileSync(join(dir, 'preview.json'), `${JSON.stringify(layout, null, 2)}\n`);
    console.log(
      `Wrote ${join(dir, 'preview.png')} (${result.width}x${result.height}, cells ${result.cellSize} px)`,
    );
    console.log(`Rows: ${result.rows.map((r) => `#${r.index} ${r.className}`).join(', ')}`);
    const scales = [...new Set(result.columns.map((c) => c.scale))];
    for (const scale of scales) {
      const cols = result.columns.filter((c) => c.scale === scale);
      console.log(`Scale ${scale} (${cols[0].size} px): ${cols.map((c) => c.mode).join(', ')}`);
    }
    return 0;
  } catch (error) {
    return reportError(error);
  } finally {
    await session.close();
  }
}
