/** The pthread worker script that tfjs-backend-wasm ships as a string (no typings of its own). */
declare module '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js' {
  export const wasmWorkerContents: string;
}
