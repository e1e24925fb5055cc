#!/usr/bin/env bash
# Installs the Debian 12 packages parigot needs to build, test and run.
#
# Idempotent: asks apt-get only for packages that are not installed yet, and
# does nothing (not even `apt-get update`) when everything is present.
set -euo pipefail

packages=(
  # Build tools; dpkg-dev's dpkg-shlibdeps gives the .deb (make package) the
  # Depends of its binaries.
  cmake ninja-build ccache make pkg-config dpkg-dev
  # Host and guest compiler (DESIGN.md section 4: the host is built with clang
  # too, since g++-12 cannot compile the wabt interpreter headers in C++20).
  clang-19 lld-19 llvm-19
  # The wasm32-wasi sysroot and C++ runtime for guests.
  wasi-libc libc++-19-dev-wasm32 libc++abi-19-dev-wasm32
  libclang-rt-19-dev-wasm32
  # WebAssembly engines: the wabt interpreter library and wasm2c.
  wabt
  # Interfaces and transport.
  protobuf-compiler libprotobuf-dev libprotoc-dev
  libgrpc++-dev protobuf-compiler-grpc
  # Host libraries: descriptor, command line, logging, the log's JSON
  # format (header-only), fibers.
  libtomlplusplus-dev libcli11-dev libspdlog-dev libfmt-dev nlohmann-json3-dev
  libboost-dev libboost-context-dev
  # The built-in services' storage (host/builtin).
  libsqlite3-dev
  # Tests and benchmarks.
  libgtest-dev libgmock-dev libbenchmark-dev gdb python3
  # HTTP clients that are not parigot, for the ingress tests and bench.
  curl wrk
  # A gRPC client that is not parigot, for the network-mode tests.
  python3-grpcio python3-protobuf
  # SHA-256 for the AOT cache keys (libcrypto).
  libssl-dev
  # clang's sanitizer runtimes, for the ASan/UBSan codec tests.
  libclang-rt-19-dev
)

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  if [[ "$status" != "installed" ]]; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
