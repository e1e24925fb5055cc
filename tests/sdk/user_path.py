#!/usr/bin/env python3
"""What a user of the installed SDK does, outside parigot's trees.

usage: user_path.py --build-dir BUILD --source-dir SOURCE --example DIR

1. `cmake --install BUILD --prefix <tmp>/prefix`, then move the prefix
   (the install must be relocatable);
2. copy the example application (its sources, .proto files and descriptor)
   into <tmp>/app with a CMakeLists.txt that uses find_package(Parigot);
3. configure and build it with only the installed SDK on PATH: no -D, and
   no path of parigot's source or build tree in the application's build
   files;
4. run it (its greeting printed, exit code 0) with an empty AOT cache that
   must stay empty: the artifacts built with the application are found
   beside its .wasm files;
5. touch one source file and rebuild: the guest is relinked, its artifact
   reused, and the application still runs.
Prints what it runs; exits 1 at the first failed step.
"""
import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

APP_CMAKELISTS = """\
cmake_minimum_required(VERSION 3.25)
find_package(Parigot REQUIRED)  # before project(): the wasm32-wasi toolchain
project(helloworld LANGUAGES C CXX)
parigot_add_guest(greet SOURCES greet/main.cc PROTOS proto/greeting/v1/greeting.proto)
parigot_add_guest(hello SOURCES hello/main.cc PROTOS proto/greeting/v1/greeting.proto)
"""


def run(args, env, cwd=None, expect_rc=0):
    print("+", " ".join(str(a) for a in args), flush=True)
    proc = subprocess.run(args, env=env, cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=600)
    print(proc.stdout, end="", flush=True)
    if proc.returncode != expect_rc:
        fail(f"exit code {proc.returncode}, expected {expect_rc}")
    return proc.stdout


def fail(message):
    print("FAILED:", message, flush=True)
    sys.exit(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", required=True, type=pathlib.Path)
    parser.add_argument("--source-dir", required=True, type=pathlib.Path)
    parser.add_argument("--example", required=True, type=pathlib.Path)
    args = parser.parse_args()
    forbidden = [str(args.build_dir.resolve()), str(args.source_dir.resolve())]

    with tempfile.TemporaryDirectory(prefix="parigot-user-") as tmp:
        tmp = pathlib.Path(tmp)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("PARIGOT") and k not in ("CMAKE_PREFIX_PATH",)}
        run(["cmake", "--install", args.build_dir, "--prefix", tmp / "installed"], env)
        prefix = tmp / "moved"
        (tmp / "installed").rename(prefix)

        app = tmp / "app"
        app.mkdir()
        for part in ("greet", "hello", "proto", "helloworld.toml"):
            source = args.example / part
            if source.is_dir():
                shutil.copytree(source, app / part)
            else:
                shutil.copy(source, app / part)
        (app / "CMakeLists.txt").write_text(APP_CMAKELISTS)
        descriptor = app / "helloworld.toml"
        text = descriptor.read_text()
        if "[config.dev]\n" not in text:
            fail("the example's descriptor has no [config.dev] table")
        descriptor.write_text(text.replace("[config.dev]\n",
                                           '[config.dev]\nSearchDir = ["build/wasm"]\n', 1))

        env["PATH"] = f"{prefix / 'bin'}:{env.get('PATH', '/usr/bin:/bin')}"
        env["PARIGOT_CACHE_DIR"] = str(tmp / "cache")
        run(["cmake", "-S", app, "-B", app / "build", "-G", "Ninja"], env)
        run(["cmake", "--build", app / "build"], env)
        for name in ("build.ninja", "CMakeCache.txt"):
            text = (app / "build" / name).read_text()
            for path in forbidden:
                if path in text:
                    fail(f"{name} names {path}: the application depends on parigot's trees")

        out = run(["parigot", "run", "helloworld.toml"], env, cwd=app)
        if "[helloworld] bonjour world" not in out:
            fail("no greeting")
        cache = tmp / "cache"
        if cache.exists() and any(p for p in cache.iterdir() if not p.name.startswith(".")):
            fail("parigot compiled a guest at run time: the built artifacts were not found")

        os.utime(app / "hello" / "main.cc")
        out = run(["cmake", "--build", app / "build"], env)
        if "hello.wasm unchanged, artifact reused" not in out:
            fail("the touched guest was not relinked and checked by parigot-aot")
        out = run(["parigot", "run", "helloworld.toml"], env, cwd=app)
        if "[helloworld] bonjour world" not in out:
            fail("no greeting after the rebuild")
    print("the user's path works", flush=True)


if __name__ == "__main__":
    main()
