/**
 * The outcome of building the torch addon, and how a compiler or loader failure is turned
 * into the thing the user must fix. Shared by the build script and the extension's
 * "ScaleNet: Set Up Native Backend" command (which reads it as the last JSON line).
 */
import type { Libtorch } from '../../sidecar/backend/torchLocate';

export type BuildOutcomeKind =
  | 'built'
  | 'skipped'
  | 'no-libtorch'
  | 'no-compiler'
  | 'no-node-headers'
  | 'no-node-gyp'
  | 'no-sources'
  | 'abi-mismatch'
  | 'missing-library'
  | 'build-failed'
  | 'load-failed';

export interface BuildOutcome {
  ok: boolean;
  kind: BuildOutcomeKind;
  message: string;
  /** The built addon, when ok. */
  addon?: string;
}

/** Picks the most telling line of a failed compile, link or load and says what it means. */
export function classifyBuildFailure(
  tail: string[],
  libtorch: Libtorch,
  phase: 'build' | 'load' = 'build',
): BuildOutcome {
  const text = tail.join('\n');
  const abi = libtorch.cxx11Abi === false ? 0 : 1;
  // Undefined std::__cxx11 symbols: the addon and libtorch disagree on _GLIBCXX_USE_CXX11_ABI.
  if (/undefined (symbol|reference).*(__cxx11|St7__cxx11|basic_string)/.test(text)) {
    return {
      ok: false,
      kind: 'abi-mismatch',
      message: `C++ ABI mismatch: the addon was compiled with _GLIBCXX_USE_CXX11_ABI=${abi} but ${libtorch.libDir} was not (a PyTorch wheel built with the other ABI?). Use a libtorch built with the new ABI, or set SCALENET_LIBTORCH to one`,
    };
  }
  const missingLib = /(lib[\w.+-]+\.so[\w.]*): cannot open shared object file/.exec(text);
  if (missingLib) {
    return {
      ok: false,
      kind: 'missing-library',
      message: `${missingLib[1]} cannot be found at run time (it should be in ${libtorch.libDir}, or on LD_LIBRARY_PATH)`,
    };
  }
  if (/cannot find -l(torch|c10)/.test(text)) {
    return {
      ok: false,
      kind: 'missing-library',
      message: `the linker found no libtorch in ${libtorch.libDir}`,
    };
  }
  if (/fatal error: .*(torch|ATen|c10)\/.*No such file/.test(text)) {
    return {
      ok: false,
      kind: 'no-libtorch',
      message: `libtorch headers missing under ${libtorch.includeDirs.join(', ')}`,
    };
  }
  const firstError = tail.find((l) => /error|Error/.test(l)) ?? tail.at(-1) ?? 'no output';
  return phase === 'load'
    ? { ok: false, kind: 'load-failed', message: `built, but it does not load: ${firstError}` }
    : { ok: false, kind: 'build-failed', message: `the compile failed: ${firstError.trim()}` };
}
