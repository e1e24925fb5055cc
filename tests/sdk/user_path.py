#!/usr/bin/env python3
"""What a user of the installed SDK does, outside parigot's trees.

usage: user_path.py --build-dir BUILD --source-dir SOURCE

1. `cmake --install BUILD --prefix <tmp>/installed`, then move the prefix
   (the install must be relocatable);
2. `parigot new <tmp>/app --service Cart`, with only the moved prefix's
   bin/ added to PATH;
3. `cmake --workflow --preset default` in it: no -D, and no path of
   parigot's source or build tree in the application's build files;
4. `parigot run app.toml` (its greeting printed, exit code 0) with an
   empty AOT cache that must stay empty: the artifacts built with the
   application are found beside its .wasm files;
5. `parigot test app.toml`, `ctest --preset default`, and `parigot up
   app-net.toml` (two hosts);
6. touch one source file and rebuild: the guest is relinked, its artifact
   reused, and the application still runs;
7. a project that finds the SDK after project() without its toolchain
   fails to configure, saying so.
Prints what it runs; exits 1 at the first failed step.
"""
import argparse
import os
import pathlib
import subprocess
import tempfile

from steps import fail, run, user_env


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", required=True, type=pathlib.Path)
    parser.add_argument("--source-dir", required=True, type=pathlib.Path)
    args = parser.parse_args()
    forbidden = [str(args.build_dir.resolve()), str(args.source_dir.resolve())]

    with tempfile.TemporaryDirectory(prefix="parigot-user-") as tmp:
        tmp = pathlib.Path(tmp)
        prefix = tmp / "moved"
        env = user_env(prefix / "bin")
        run(["cmake", "--install", args.build_dir, "--prefix", tmp / "installed"], env)
        (tmp / "installed").rename(prefix)
        env["PARIGOT_CACHE_DIR"] = str(tmp / "cache")

        app = tmp / "app"
        run(["parigot", "new", app, "--service", "Cart"], env)
        run(["cmake", "--workflow", "--preset", "default"], env, cwd=app)
        for name in ("build.ninja", "CMakeCache.txt"):
            text = (app / "build" / name).read_text()
            for path in forbidden:
                if path in text:
                    fail(f"{name} names {path}: the application depends on parigot's trees")

        def check_run():
            out = run(["parigot", "run", "app.toml"], env, cwd=app)
            if "[main] hello, world" not in out:
                fail("no greeting")

        check_run()
        cache = tmp / "cache"
        if cache.exists() and any(not p.name.startswith(".") for p in cache.iterdir()):
            fail("parigot compiled a guest at run time: the built artifacts were not found")
        out = run(["parigot", "test", "app.toml"], env, cwd=app)
        if "2 passed, 0 failed" not in out:
            fail("the Test program did not pass")
        run(["ctest", "--preset", "default"], env, cwd=app)
        out = run(["parigot", "up", "app-net.toml"], env, cwd=app)
        if "[front/main] hello, world" not in out:
            fail("no greeting from two hosts")

        os.utime(app / "cart" / "main.cc")
        out = run(["cmake", "--build", "build"], env, cwd=app)
        if "cart.wasm unchanged, artifact reused" not in out:
            fail("the touched guest was not relinked and checked by parigot-aot")
        check_run()

        # A project that finds the SDK after project() without parigot's
        # toolchain is told so at configure time.
        wrong = tmp / "wrong"
        wrong.mkdir()
        (wrong / "CMakeLists.txt").write_text(
            "cmake_minimum_required(VERSION 3.25)\n"
            "project(wrong LANGUAGES C CXX)\n"
            "find_package(Parigot REQUIRED)\n")
        proc = subprocess.run(["cmake", "-S", wrong, "-B", wrong / "build"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        print(proc.stdout[-2000:], flush=True)
        if proc.returncode == 0 or "guests are wasm32-wasi" not in proc.stdout:
            fail("a project without parigot's toolchain was not told so")
    print("the user's path works", flush=True)


if __name__ == "__main__":
    main()
