#!/usr/bin/env python3
"""The Debian package: built by CPack from the build tree, it holds the SDK
under /usr, declares what building guests needs, and works where it lands.

usage: deb_contents.py --build-dir BUILD

1. `cpack -G DEB` into a temporary directory: parigot_<version>_<arch>.deb;
2. its files: the three binaries, the guest SDK, parigot's .proto files and
   the CMake package, and nothing of the source tree (no .cc, no tests);
3. its Depends: the Debian packages that building guests needs, and the
   shared libraries of the binaries;
4. `dpkg-deb -x` it, and with that usr/bin on PATH: `parigot --version`,
   `parigot new`, and configuring the new application (find_package finds
   the extracted SDK).
Prints what it runs; exits 1 at the first failed step.
"""
import argparse
import pathlib
import tempfile

from steps import fail, run, user_env

REQUIRED_FILES = [
    "./usr/bin/parigot",
    "./usr/bin/protoc-gen-parigot",
    "./usr/bin/parigot-aot",
    "./usr/lib/cmake/Parigot/ParigotConfig.cmake",
    "./usr/lib/cmake/Parigot/ParigotConfigVersion.cmake",
    "./usr/lib/cmake/Parigot/ParigotGuest.cmake",
    "./usr/lib/cmake/Parigot/wasm32-wasi.cmake",
    "./usr/lib/parigot/guest/lib/libparigot_guest.a",
    "./usr/lib/parigot/guest/lib/libparigot_wire.a",
    "./usr/lib/parigot/guest/include/parigot/parigot.h",
    "./usr/lib/parigot/guest/include/parigot/testing.h",
    "./usr/lib/parigot/guest/include/parigot/coroutine.h",
    "./usr/lib/parigot/guest/include/parigot/combinators.h",
    "./usr/lib/parigot/guest/include/parigot/timed.h",
    "./usr/lib/parigot/guest/include/parigot/operation.h",
    "./usr/lib/parigot/guest/include/parigot/operation/v1/operation.parigot.h",
    "./usr/lib/parigot/guest/include/parigot/kv/v1/kv.parigot.h",
    "./usr/lib/parigot/guest/include/parigot/http/v1/http.parigot.h",
    "./usr/lib/parigot/guest/include/parigot/queue/v1/queue.parigot.h",
    "./usr/lib/parigot/guest/include/parigot/file/v1/file.parigot.h",
    "./usr/lib/parigot/guest/include/parigot/syscall/v1/syscall.parigot.h",
    "./usr/share/parigot/proto/protosupport/v1/protosupport.proto",
    "./usr/share/parigot/proto/parigot/syscall/v1/syscall.proto",
    "./usr/share/parigot/proto/parigot/operation/v1/operation.proto",
    "./usr/share/parigot/proto/parigot/kv/v1/kv.proto",
    "./usr/share/parigot/proto/parigot/http/v1/http.proto",
    "./usr/share/parigot/proto/parigot/queue/v1/queue.proto",
    "./usr/share/parigot/proto/parigot/file/v1/file.proto",
]
REQUIRED_DEPENDS = ["clang-19", "lld-19", "wasi-libc", "libc++-19-dev-wasm32",
                    "libc++abi-19-dev-wasm32", "libclang-rt-19-dev-wasm32",
                    "protobuf-compiler", "libprotobuf-dev", "wabt", "cmake",
                    "libgrpc++1.51", "libprotobuf32"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", required=True, type=pathlib.Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="parigot-deb-") as tmp:
        tmp = pathlib.Path(tmp)
        run(["cpack", "-G", "DEB", "--config", args.build_dir / "CPackConfig.cmake",
             "-B", tmp / "out"])
        debs = list((tmp / "out").glob("parigot_*.deb"))
        if len(debs) != 1:
            fail(f"expected one parigot_<version>_<arch>.deb, found {debs}")
        deb = debs[0]
        arch = run(["dpkg", "--print-architecture"]).strip()
        if not deb.name.endswith(f"_{arch}.deb"):
            fail(f"{deb.name} is not named for {arch}")

        files = set(line.split()[-1] for line in
                    run(["dpkg-deb", "-c", deb]).splitlines() if line.strip())
        for f in REQUIRED_FILES:
            if f not in files:
                fail(f"{f} is missing from the package")
        for f in files:
            if f.endswith((".cc", ".cpp")) or "/tests/" in f or "/build/" in f:
                fail(f"{f} does not belong in the package")

        depends = run(["dpkg-deb", "-f", deb, "Depends"])
        names = [d.strip().split(" ")[0] for d in depends.split(",")]
        for package in REQUIRED_DEPENDS:
            if package not in names:
                fail(f"Depends lacks {package}")

        run(["dpkg-deb", "-x", deb, tmp / "root"])
        env = user_env(tmp / "root/usr/bin")
        run(["parigot", "--version"], env)
        run(["parigot", "new", tmp / "app"], env)
        out = run(["cmake", "--preset", "default"], env, cwd=tmp / "app")
        if str(tmp / "root/usr/lib/cmake/Parigot") not in (
                tmp / "app/build/CMakeCache.txt").read_text():
            fail("the application did not find the extracted package's SDK")
    print("the Debian package is complete", flush=True)


if __name__ == "__main__":
    main()
