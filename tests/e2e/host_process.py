"""What the gRPC client tests share about the parigot host they start."""
import signal
import subprocess
import sys
import time

import grpc


def fail(message, host=None):
    """Prints FAIL and the host's output (killing it first), and exits 1."""
    print("FAIL: " + message, flush=True)
    if host is not None:
        host.kill()
        out, _ = host.communicate()
        sys.stdout.write(out.decode(errors="replace"))
    sys.exit(1)


def stop_and_check(host):
    """Stops the host as an operator would (SIGTERM) and checks how it ended:
    within 10 s, with exit code 130, and no guest killed or trapped. Prints
    its output and PASS; exits 1 on a failed check."""
    host.send_signal(signal.SIGTERM)
    try:
        out, _ = host.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        fail("the host did not stop within 10 s of SIGTERM", host)
    sys.stdout.write(out.decode(errors="replace"))
    if host.returncode != 130:
        fail(f"the host exited with {host.returncode} after SIGTERM, want 130")
    if b"killed" in out or b"trapped" in out:
        fail("the host's log says a guest was killed")
    print("PASS", flush=True)


def wait_until(host, ready, what):
    """Calls ready() every 50 ms until it is true (an RpcError counts as not
    yet), for at most 30 s; fails if the host exits first or never is."""
    deadline = time.monotonic() + 30
    while True:
        try:
            if ready():
                return
        except grpc.RpcError:
            pass
        if host.poll() is not None:
            fail(f"the host exited with {host.returncode} before serving", host)
        if time.monotonic() > deadline:
            fail(what + " never happened", host)
        time.sleep(0.05)
