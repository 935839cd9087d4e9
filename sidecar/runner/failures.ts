/** Turns whatever a run threw into the structured RunError users see. */
import { ConfigError } from '../config/configError';
import { DataError } from '../data/errors';
import type { RunError, ScaleNetConfig } from '../protocol';

export function describeFailure(error: unknown, config: ScaleNetConfig): RunError {
  if (error instanceof ConfigError) {
    return {
      code: 'config',
      message: error.message,
      file: error.file,
      field: error.field,
      fix: error.fix,
    };
  }
  if (error instanceof DataError) {
    return { code: 'data', message: error.message, file: error.file, fix: error.fix };
  }
  const message = error instanceof Error ? error.message : String(error);
  if (
    /out of memory|Cannot enlarge memory|memory access out of bounds|Array buffer allocation failed/i.test(
      message,
    )
  ) {
    return {
      code: 'out-of-memory',
      message: `Out of memory training ${config.model.arch} [${config.model.widths.join(', ')}] with batch size ${config.pretext.batchSize} (x4 rotations): ${message}`,
      fix: 'Lower pretext.batchSize or the model widths, or use the GPU backend.',
    };
  }
  return {
    code: 'internal',
    message: error instanceof Error ? (error.stack ?? message) : message,
    fix: 'This is a bug in ScaleNet; the sidecar log has the details.',
  };
}
