#!/usr/bin/env python3
"""A .wasm that has no build-time artifact is compiled on first use into the
cache ($PARIGOT_CACHE_DIR), with a progress line; the second run reuses it.

    first_use_test.py PARIGOT WASM_DIR WORK_DIR

Makes helloworld's greet.wasm unique (a custom section with a random payload,
so no prebuilt artifact matches its content) and runs helloworld twice."""
import os
import shutil
import subprocess
import sys
import uuid

parigot, wasm_dir, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
payload = uuid.uuid4().bytes
name = b"parigot-test"
body = bytes([len(name)]) + name + payload
with open(os.path.join(wasm_dir, "greet.wasm"), "rb") as f:
    wasm = f.read()
with open(os.path.join(work, "greet.wasm"), "wb") as f:
    f.write(wasm + bytes([0, len(body)]) + body)  # section 0: custom
shutil.copy(os.path.join(wasm_dir, "hello.wasm"), work)
toml = os.path.join(work, "app.toml")
with open(toml, "w") as f:
    f.write('[config.dev]\n[config.dev.microservice.greet]\nWasmPath = "greet.wasm"\n'
            '[config.dev.microservice.helloworld]\nWasmPath = "hello.wasm"\nMain = true\n')
env = dict(os.environ, PARIGOT_CACHE_DIR=os.path.join(work, "cache"))
runs = []
for _ in range(2):
    p = subprocess.run([parigot, "run", "--engine", "aot", toml], env=env,
                       capture_output=True, text=True, timeout=300)
    print(p.stdout + p.stderr)
    runs.append(p)
ok = all(p.returncode == 0 and "bonjour world" in p.stdout for p in runs)
ok = ok and "parigot: compiling greet to native code (first run only)" in runs[0].stderr
ok = ok and "compiling" not in runs[1].stderr
entries = [e for e in os.listdir(env["PARIGOT_CACHE_DIR"]) if not e.startswith(".")]
ok = ok and len(entries) == 1
print("cache entries:", entries)
shutil.rmtree(work, ignore_errors=True)
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
