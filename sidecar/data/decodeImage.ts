/**
 * The one image decoder of the sidecar (folder datasets, previews, Grad-CAM inputs):
 * libvips through `sharp`. Its JPEG decoder is libjpeg-turbo's, so the pixels equal
 * what PIL, OpenCV and torchvision users get (jpeg-js differed by up to 60 levels).
 *
 * The header is read first and the pixel count bounded before anything is decoded: a
 * 560 KB PNG can declare 12000x12000 pixels (432 MB of RGB), which must be refused by
 * its dimensions, not discovered by running out of memory.
 */
import sharp from 'sharp';
import { DataError } from './errors';

/** 8-bit RGB pixels, row-major HWC. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Largest image accepted: 40 megapixels (e.g. 6324x6324; 120 MB of RGB). Training
 * images are resized to tens of pixels, so anything larger is a mistake or an attack.
 */
export const MAX_IMAGE_PIXELS = 40_000_000;

const DECODABLE = new Set(['png', 'jpeg']);

/** Decodes a PNG or JPEG into RGB (alpha dropped, gray repeated); problems are DataErrors. */
export async function decodeImage(
  bytes: Uint8Array,
  file: string,
  maxPixels = MAX_IMAGE_PIXELS,
): Promise<RgbImage> {
  let format: string | undefined;
  let width = 0;
  let height = 0;
  try {
    // Header only (no pixels yet); its own limit would hide the dimensions from the message.
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    format = meta.format;
    width = meta.width ?? 0;
    height = meta.height ?? 0;
  } catch (error) {
    throw cannotDecode(file, error);
  }
  if (!format || !DECODABLE.has(format)) {
    throw new DataError(
      file,
      `the file is ${format ? `a ${format.toUpperCase()} image` : 'not an image'}; only PNG and JPEG are read`,
      'Convert the image to PNG or JPEG, or delete it',
    );
  }
  if (width * height > maxPixels) {
    throw new DataError(
      file,
      `the image declares ${width}x${height} pixels (${((width * height) / 1e6).toFixed(1)} megapixels), ` +
        `more than the ${maxPixels / 1e6} megapixels an input image may have`,
      'Downscale the image (it is resized to the configured imageSize anyway), or delete it',
    );
  }
  try {
    // sharp's own pixel limit is the second line of defence, should the header lie.
    const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || data.length !== info.width * info.height * 3) {
      throw new Error(`decoded ${info.width}x${info.height}x${info.channels}`);
    }
    return {
      width: info.width,
      height: info.height,
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    };
  } catch (error) {
    throw cannotDecode(file, error);
  }
}

function cannotDecode(file: string, error: unknown): DataError {
  return new DataError(
    file,
    `cannot decode the image (${firstLine(error)})`,
    'Re-save the file as PNG or baseline JPEG, or delete it',
  );
}

/** libvips repeats its complaint over several lines; the first says it. */
function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].trim();
}
