/**
 * What the inspect commands (`harris`, `preview`) share: telling a located sidecar error
 * to the user, and writing the PNGs the sidecar sends (base64) into the output folder.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { ResponseError } from 'vscode-jsonrpc/node';
import { ErrorCodes, type ErrorData } from '../../sidecar/protocol';

/** Prints the error and returns the exit code: 2 for bad arguments, else 1. */
export function reportError(error: unknown): number {
  if (error instanceof ResponseError) {
    // The sidecar's message already names the file and says the fix.
    console.error(error.message);
    const data = error.data as ErrorData | undefined;
    if (data?.field) console.error(`  field: ${data.field}`);
    return error.code === ErrorCodes.invalidParams ? 2 : 1;
  }
  console.error(error instanceof Error ? error.message : String(error));
  return 1;
}

export function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function writeBase64(dir: string, name: string, base64: string): string {
  writeFileSync(join(dir, name), Buffer.from(base64, 'base64'));
  return name;
}

export const parseInteger = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`not an integer: ${value}`);
  return n;
};

export const parseNumber = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`not a number: ${value}`);
  return n;
};

/** "0.5,1" → [0.5, 1]. */
export const parseNumberList = (value: string): number[] => value.split(',').map(parseNumber);
