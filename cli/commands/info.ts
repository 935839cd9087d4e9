import type { BackendPreference } from '../../sidecar/protocol';
import { openSession } from '../sidecarSession';

/** `scalenet info`: versions, the backend in use and why each better one was not used. */
export async function infoCommand(options: {
  backend?: BackendPreference;
  verbose?: boolean;
}): Promise<number> {
  const session = await openSession(options);
  try {
    const { info } = session;
    console.log(`ScaleNet sidecar ${info.version} (protocol ${info.protocolVersion})`);
    console.log(`Node ${info.nodeVersion}, TensorFlow.js ${info.tfjsVersion}, pid ${info.pid}`);
    console.log(
      `Backend: ${info.backend.name} — ${info.backend.label}${info.backend.forced ? ' (forced)' : ''}`,
    );
    const device = info.backend.device;
    if (device) {
      const threads = device.threads != null ? `, ${device.threads} threads` : '';
      console.log(`  device: ${device.device}${threads}`);
      if (device.library) {
        const version = device.library.version ? ` ${device.library.version}` : '';
        console.log(`  ${device.library.name}${version} at ${device.library.path}`);
      }
    }
    for (const rejected of info.backend.rejected) {
      // The backend in use can be listed too, for what it is not (e.g. torch not on a GPU).
      const what =
        rejected.backend === info.backend.name ? rejected.backend : `not ${rejected.backend}:`;
      console.log(`  ${what} ${rejected.reason}`);
    }
    return 0;
  } finally {
    await session.close();
  }
}
