/** Turns whatever a run threw into the structured RunError users see (summary.json, run/finished). */
import { classifyError } from '../inspect/errors';
import { ErrorCodes, type RunError, type ScaleNetConfig } from '../protocol';

const OUT_OF_MEMORY =
  /out of memory|Cannot enlarge memory|memory access out of bounds|Array buffer allocation failed/i;

export function describeFailure(error: unknown, config: ScaleNetConfig): RunError {
  const { code, message, data } = classifyError(error);
  if (code === ErrorCodes.config) return { code: 'config', message, ...data };
  if (code === ErrorCodes.data) return { code: 'data', message, ...data };
  const plain = error instanceof Error ? error.message : String(error);
  if (OUT_OF_MEMORY.test(plain)) {
    return {
      code: 'out-of-memory',
      message: `Out of memory training ${config.model.arch} [${config.model.widths.join(', ')}] with batch size ${config.pretext.batchSize} (x4 rotations): ${plain}`,
      fix: 'Lower pretext.batchSize or the model widths, or use the GPU backend.',
    };
  }
  return {
    code: 'internal',
    message,
    fix: 'This is a bug in ScaleNet; the sidecar log has the details.',
  };
}
