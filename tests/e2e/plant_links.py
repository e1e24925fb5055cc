#!/usr/bin/env python3
"""Plants symbolic links that lead out of a file service's sandbox, as
someone with access to the host could, or checks afterwards that nothing
outside was touched.

usage: plant_links.py --sandbox DIR --outside DIR [--check]

Without --check: makes OUTSIDE holding one file, `secret` ("top secret"),
and SANDBOX holding `etc` -> /etc, `up` -> OUTSIDE (as a relative path
through ..), and `chain` -> up; any earlier ones are replaced.
With --check: exits 1 unless OUTSIDE still holds exactly `secret`, with
its contents.
"""
import argparse
import os
import sys

SECRET = "top secret"


def plant(sandbox, outside):
    os.makedirs(outside, exist_ok=True)
    with open(os.path.join(outside, "secret"), "w") as f:
        f.write(SECRET)
    os.makedirs(sandbox, exist_ok=True)
    links = {
        "etc": "/etc",
        "up": os.path.relpath(outside, sandbox),
        "chain": "up",
    }
    for name, target in links.items():
        path = os.path.join(sandbox, name)
        if os.path.lexists(path):
            os.remove(path)
        os.symlink(target, path)
    print("planted " + ", ".join(f"{n} -> {t}" for n, t in links.items()))


def check(outside):
    entries = sorted(os.listdir(outside))
    with open(os.path.join(outside, "secret")) as f:
        text = f.read()
    if entries != ["secret"] or text != SECRET:
        print(f"outside was touched: entries {entries}, secret {text!r}")
        return 1
    print("outside untouched")
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sandbox", required=True)
    parser.add_argument("--outside", required=True)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if args.check:
        return check(args.outside)
    plant(args.sandbox, args.outside)
    return 0


if __name__ == "__main__":
    sys.exit(main())
