#!/usr/bin/env python3
"""dev.edit_loop_s: the time from saving a one-line change to one guest to
seeing the application's output again, on the user's path.

usage: edit_loop.py --build-dir BUILD --out FILE.json [--rounds 5]

Installs the SDK into a temporary prefix, scaffolds an application with
`parigot new`, builds it once (not timed), then for each round changes the
greeting in the service's source (one line), and times `cmake --build build`
followed by `parigot run NAME.toml` until it prints the new greeting. Reports
the median round, and the median time parigot-aot spent compiling native
code, as JSON in compute.json's format (bench/README.md).
"""
import argparse
import json
import os
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import time


def run(args, env, cwd=None):
    proc = subprocess.run(args, env=env, cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=900)
    if proc.returncode != 0:
        print(proc.stdout, file=sys.stderr)
        sys.exit(f"edit_loop: {' '.join(map(str, args))} exited with {proc.returncode}")
    return proc.stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", required=True, type=pathlib.Path)
    parser.add_argument("--out", required=True, type=pathlib.Path)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="parigot-edit-loop-") as tmp:
        tmp = pathlib.Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PARIGOT")}
        env["PATH"] = f"{tmp / 'sdk/bin'}:{env.get('PATH', '/usr/bin:/bin')}"
        env["PARIGOT_CACHE_DIR"] = str(tmp / "cache")
        run(["cmake", "--install", args.build_dir, "--prefix", tmp / "sdk"], env)
        app = tmp / "app"
        run(["parigot", "new", app, "--name", "app"], env)
        run(["cmake", "--workflow", "--preset", "default"], env, cwd=app)
        source = app / "greeter" / "main.cc"
        original = source.read_text()
        if '"hello, "' not in original:
            sys.exit("edit_loop: the scaffold's greeting line changed; update edit_loop.py")
        loops, aot = [], []
        for i in range(args.rounds):
            greeting = f"hello{i}, "
            start = time.monotonic()
            source.write_text(original.replace('"hello, "', f'"{greeting}"'))
            built = run(["cmake", "--build", "build"], env, cwd=app)
            out = run(["parigot", "run", "app.toml"], env, cwd=app)
            loops.append(time.monotonic() - start)
            if f"{greeting}world" not in out:
                sys.exit(f"edit_loop: the change did not show: {out}")
            aot += [float(s) for s in re.findall(r"compiled to native code \(([0-9.]+) s\)", built)]
        loop_s = statistics.median(loops)
        aot_s = statistics.median(aot) if aot else 0.0
    print(f"edit loop (one-line change to one guest, rebuild, run): median {loop_s:.2f} s "
          f"of {args.rounds} (native code: {aot_s:.2f} s); goal <= 10 s")
    report = [
        {"metric": "dev.edit_loop_s", "value": loop_s, "unit": "s",
         "baseline": "goal", "baseline_value": 10.0, "ratio": loop_s / 10.0},
        {"metric": "dev.edit_loop_aot_s", "value": aot_s, "unit": "s",
         "baseline": "", "baseline_value": None, "ratio": None},
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
