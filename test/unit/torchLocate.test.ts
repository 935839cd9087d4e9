/**
 * Finding libtorch (sidecar/backend/torchLocate.ts): the order setting → PyTorch → Debian,
 * each step reported, with a probe that fakes the file system and python; then the real
 * machine, where the result must agree with what /usr/bin/python3's torch says.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { locateLibtorch, type LocateProbe } from '../../sidecar/backend/torchLocate';
import { classifyBuildFailure } from '../../scripts/native/buildOutcome';

const HEADER = 'include/torch/csrc/api/include/torch/torch.h';

/** A probe over a set of existing paths and a fixed python answer per interpreter. */
function fakeProbe(
  files: string[],
  python: Record<string, string | Error> = {},
  texts: Record<string, string> = {},
): LocateProbe & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    exists: (p) => files.some((f) => f === p || f.startsWith(`${p}/`)),
    readText: (p) => texts[p],
    runPython: (exe) => {
      asked.push(exe);
      return python[exe] ?? new Error(`${exe} not found`);
    },
    debianVersion: (pkg) => (pkg === 'libtorch-dev' ? '1.13.1+dfsg-4' : undefined),
  };
}

const debianFiles = [
  '/usr/include/torch/csrc/api/include/torch/torch.h',
  '/usr/lib/x86_64-linux-gnu/libtorch.so',
];
const pytorchAnswer = (dir: string, abi: boolean, cuda: string | null = null) =>
  JSON.stringify({ dir, version: '2.3.1+cu121', abi, cuda });

void describe('locateLibtorch', () => {
  void it('takes SCALENET_LIBTORCH first, with the ABI from its TorchConfig.cmake', () => {
    const root = '/opt/libtorch';
    const probe = fakeProbe(
      [`${root}/${HEADER}`, `${root}/lib/libtorch.so`, ...debianFiles],
      {},
      {
        [`${root}/share/cmake/Torch/TorchConfig.cmake`]:
          'set(TORCH_CXX_FLAGS "-D_GLIBCXX_USE_CXX11_ABI=0")',
      },
    );
    const found = locateLibtorch({ SCALENET_LIBTORCH: root }, probe);
    assert.equal(found.libtorch?.source, 'setting');
    assert.equal(found.libtorch?.libDir, '/opt/libtorch/lib');
    assert.deepEqual(found.libtorch?.includeDirs, [
      '/opt/libtorch/include',
      '/opt/libtorch/include/torch/csrc/api/include',
    ]);
    assert.equal(found.libtorch?.cxx11Abi, false);
    assert.deepEqual(probe.asked, [], 'python is not asked when the setting names a libtorch');
  });

  void it('a wrong SCALENET_LIBTORCH stops the search and says how to fix it', () => {
    const probe = fakeProbe(debianFiles);
    const found = locateLibtorch({ SCALENET_LIBTORCH: '/nonexistent' }, probe);
    assert.equal(found.libtorch, undefined);
    assert.equal(found.steps.length, 1);
    assert.match(found.steps[0].note, /^\/nonexistent does not exist \(fix SCALENET_LIBTORCH/);
  });

  void it("then the user's PyTorch, with its ABI and CUDA; a python without torch is reported and skipped", () => {
    const dir = '/home/u/.venv/lib/python3.11/site-packages/torch';
    const probe = fakeProbe([`${dir}/${HEADER}`, `${dir}/lib/libtorch.so`, ...debianFiles], {
      python3: new Error("ModuleNotFoundError: No module named 'torch'"),
      '/usr/bin/python3': pytorchAnswer(dir, false, '12.1'),
    });
    const found = locateLibtorch({}, probe);
    assert.deepEqual(probe.asked, ['python3', '/usr/bin/python3']);
    assert.equal(found.libtorch?.source, 'pytorch');
    assert.equal(found.libtorch?.cxx11Abi, false);
    assert.equal(found.libtorch?.cuda, '12.1');
    assert.equal(found.libtorch?.version, '2.3.1+cu121');
    assert.deepEqual(
      found.steps.map((s) => [s.source, s.where, s.found]),
      [
        ['setting', 'SCALENET_LIBTORCH', false],
        ['pytorch', 'python3', false],
        ['pytorch', '/usr/bin/python3', true],
      ],
    );
    assert.match(found.steps[1].note, /no PyTorch \(ModuleNotFoundError/);
  });

  void it("a PyTorch without headers (Debian's python3-torch alone) falls through to libtorch-dev", () => {
    const dir = '/usr/lib/python3/dist-packages/torch';
    const probe = fakeProbe([`${dir}/lib/libtorch.so`, ...debianFiles], {
      python3: pytorchAnswer(dir, true),
    });
    const found = locateLibtorch({ SCALENET_PYTHON: 'python3' }, probe);
    assert.equal(found.libtorch?.source, 'debian');
    assert.equal(found.libtorch?.version, '1.13.1');
    assert.equal(found.libtorch?.libDir, '/usr/lib/x86_64-linux-gnu');
    assert.equal(found.libtorch?.cxx11Abi, true);
    assert.match(found.steps[1].note, /has no include\/torch.*libtorch-dev/);
  });

  void it('nothing found: every step says what it looked at and how to get it', () => {
    const found = locateLibtorch({}, fakeProbe([]));
    assert.equal(found.libtorch, undefined);
    assert.equal(found.steps.length, 4);
    assert.match(found.steps[3].note, /apt-get install libtorch-dev/);
  });

  void it('on this machine: finds a libtorch with headers and libraries, the ABI it was built with', (t) => {
    if (!existsSync('/usr/include/torch/csrc/api/include/torch/torch.h')) {
      t.skip('no libtorch-dev on this machine');
      return;
    }
    const found = locateLibtorch({});
    assert.ok(found.libtorch, JSON.stringify(found.steps));
    assert.ok(existsSync(`${found.libtorch.libDir}/libtorch.so`));
    assert.ok(existsSync(`${found.libtorch.includeDirs[1]}/torch/torch.h`));
    // Where /usr/bin/python3 has torch (python3-torch), its ABI is the truth; else Debian's
    // libtorch-dev, built with GCC 12's default, the new ABI.
    let abi = '1';
    try {
      abi = execFileSync(
        '/usr/bin/python3',
        ['-c', 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))'],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
      ).trim();
    } catch {
      assert.equal(found.libtorch.source, 'debian');
    }
    assert.equal(found.libtorch.cxx11Abi, abi === '1');
  });
});

void describe('classifyBuildFailure', () => {
  const libtorch = {
    source: 'pytorch' as const,
    root: '/t',
    includeDirs: ['/t/include'],
    libDir: '/t/lib',
    cxx11Abi: true,
  };

  void it('names an ABI mismatch, a missing library, missing headers', () => {
    assert.equal(
      classifyBuildFailure(
        [
          'Error: scalenet_torch.node: undefined symbol: _ZN3c106detail14torchCheckFailEPKcS2_jRKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE',
        ],
        libtorch,
        'load',
      ).kind,
      'abi-mismatch',
    );
    const missing = classifyBuildFailure(
      ['libc10.so: cannot open shared object file: No such file'],
      libtorch,
      'load',
    );
    assert.equal(missing.kind, 'missing-library');
    assert.match(missing.message, /libc10\.so .*\/t\/lib/);
    assert.equal(
      classifyBuildFailure(
        ['../addon.cpp:1:10: fatal error: torch/torch.h: No such file or directory'],
        libtorch,
      ).kind,
      'no-libtorch',
    );
    assert.equal(
      classifyBuildFailure(['/usr/bin/ld: cannot find -ltorch'], libtorch).kind,
      'missing-library',
    );
    const other = classifyBuildFailure(['addon.cpp:3: error: expected ;'], libtorch);
    assert.equal(other.kind, 'build-failed');
    assert.match(other.message, /expected ;/);
  });
});
