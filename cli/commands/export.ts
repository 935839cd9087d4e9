/**
 * `scalenet export RUN --out DIR`: the trunk and the kept classifiers as TF.js model
 * folders and as safetensors with a JSON description of the layers, loadable from
 * Python without ScaleNet. Computed by the sidecar (`model/export`).
 */
import { resolve } from 'node:path';
import { ModelExportRequest, type BackendPreference } from '../../sidecar/protocol';
import { openSession, type Session } from '../sidecarSession';
import { reportError } from './inspectOutput';

export interface ExportOptions {
  out?: string;
  checkpoint?: string;
  classifiers?: boolean;
  backend?: BackendPreference;
  verbose?: boolean;
}

export async function exportCommand(run: string, options: ExportOptions): Promise<number> {
  let session: Session | undefined;
  try {
    const outDir = resolve(options.out ?? resolve(run, 'export'));
    session = await openSession(options);
    const result = await session.request(ModelExportRequest.type, {
      runDir: resolve(run),
      checkpoint: options.checkpoint,
      outDir,
      classifiers: options.classifiers,
    });
    for (const m of result.models) {
      console.log(
        `${m.name.padEnd(16)} ${m.inputShape.join('x')} -> ${m.outputShape.join('x')}, ${m.parameters} parameters: ${m.tfjs}, ${m.safetensors}, ${m.layers}`,
      );
    }
    console.log(
      `Exported ${result.models.length} models from ${result.checkpoint} in ${result.elapsedMs.toFixed(0)} ms`,
    );
    return 0;
  } catch (error) {
    return reportError(error);
  } finally {
    await session?.close();
  }
}
