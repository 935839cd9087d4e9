import manifest from '../package.json';

/** The extension's version is the sidecar's: they ship and update together. */
export const SIDECAR_VERSION: string = manifest.version;
