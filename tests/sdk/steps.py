"""Helpers shared by the SDK tests: run a step, fail loudly, and the
environment of a user who has nothing of parigot but what a test gives."""
import os
import subprocess
import sys


def run(args, env=None, cwd=None):
    """Runs `args`, prints the command and the tail of its output; fails the
    test unless it exits with 0. Returns the output (stdout + stderr)."""
    print("+", " ".join(str(a) for a in args), flush=True)
    proc = subprocess.run(args, env=env, cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=600)
    print(proc.stdout[-8000:], end="", flush=True)
    if proc.returncode != 0:
        fail(f"exit code {proc.returncode}")
    return proc.stdout


def fail(message):
    print("FAILED:", message, flush=True)
    sys.exit(1)


def user_env(bin_dir):
    """The caller's environment without PARIGOT_* or CMAKE_PREFIX_PATH, with
    `bin_dir` first on PATH."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PARIGOT") and k != "CMAKE_PREFIX_PATH"}
    env["PATH"] = f"{bin_dir}:{env.get('PATH', '/usr/bin:/bin')}"
    return env
