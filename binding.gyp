# Builds the `torch` backend's native addon (build/Release/scalenet_torch.node).
# libtorch is located by the caller (scripts that search SCALENET_LIBTORCH, the user's
# PyTorch, then Debian's libtorch-dev) and handed over in three environment variables;
# the defaults are Debian bookworm's libtorch-dev 1.13.1.
#   SCALENET_LIBTORCH_INCLUDE  space-separated include dirs (torch/csrc/api/include and its parent)
#   SCALENET_LIBTORCH_LIB      the dir holding libtorch.so, libtorch_cpu.so, libc10.so
#   SCALENET_LIBTORCH_CXX11_ABI  0 or 1: must match how that libtorch was built
#   SCALENET_LIBTORCH_EXTRA_LIBS optional extra link flags (e.g. -ltorch_cuda -lc10_cuda)
{
  "variables": {
    "libtorch_lib%": "<!(node -p \"process.env.SCALENET_LIBTORCH_LIB || '/usr/lib/x86_64-linux-gnu'\")",
    "libtorch_abi%": "<!(node -p \"process.env.SCALENET_LIBTORCH_CXX11_ABI || '1'\")",
  },
  "targets": [
    {
      "target_name": "scalenet_torch",
      "sources": [
        "sidecar/backend/torch/native/addon.cpp",
        "sidecar/backend/torch/native/store.cpp",
        "sidecar/backend/torch/native/kernels_elementwise.cpp",
        "sidecar/backend/torch/native/kernels_nn.cpp",
        "sidecar/backend/torch/native/kernels_shape.cpp",
        "sidecar/backend/torch/native/kernels_reduce.cpp",
        "sidecar/backend/torch/native/kernels_grad.cpp",
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node -p \"process.env.SCALENET_LIBTORCH_INCLUDE || '/usr/include/torch/csrc/api/include /usr/include'\")",
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "_GLIBCXX_USE_CXX11_ABI=<(libtorch_abi)",
      ],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++14", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-O2", "-Wno-unused-parameter"],
      "libraries": [
        "-L<(libtorch_lib)",
        "-Wl,-rpath,<(libtorch_lib)",
        "-ltorch",
        "-ltorch_cpu",
        "-lc10",
        "<!@(node -p \"process.env.SCALENET_LIBTORCH_EXTRA_LIBS || ''\")",
      ],
      "conditions": [
        [
          "OS=='linux'",
          # libtorch_cuda registers its kernels from static initialisers: keep it linked
          # even though no symbol of it is referenced directly.
          { "ldflags": ["-Wl,--no-as-needed"] },
        ],
        [
          "OS=='mac'",
          {
            "xcode_settings": {
              "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
              "GCC_ENABLE_CPP_RTTI": "YES",
              "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
              "MACOSX_DEPLOYMENT_TARGET": "11.0",
            },
          },
        ],
      ],
    }
  ],
}
