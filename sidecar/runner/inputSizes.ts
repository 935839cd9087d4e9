/** The check of a config against its data that the config alone cannot make. */
import { ConfigError } from '../config/configError';
import { minInputSize } from '../models/buildModel';
import { modelSpecOf } from '../models/modelSpec';
import type { ScaleNetConfig } from '../protocol';

/**
 * The smallest scale must still give the network an input it accepts. The size is the
 * scale's own (a resize would give at least 1 px, so 0.01 of 28 px trained "at 1 px").
 */
export function checkInputSizes(config: ScaleNetConfig, imageSize: number, file: string): void {
  const smallest = Math.round(config.pretext.scales[0] * imageSize);
  const needed = minInputSize(modelSpecOf(config.model));
  if (smallest < needed) {
    throw new ConfigError(
      file,
      'pretext.scales.0',
      `gives ${smallest}x${smallest} inputs (${imageSize} px images), but ${config.model.arch} needs at least ${needed} px`,
      `Use a first scale of at least ${Math.ceil((needed / imageSize) * 100) / 100}, or a model for small images (e.g. "variant": "cifar").`,
    );
  }
}
