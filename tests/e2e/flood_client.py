#!/usr/bin/python3
"""A gRPC client floods a parigot host with calls that never end.

usage: flood_client.py --address HOST:PORT -- parigot run net.toml -d flood --host back

Starts the host, then, with Debian's python3-grpcio and raw bytes (no
generated code):
  1. waits until test.v1.Echo/Reflect answers;
  2. sends 20 concurrent test.v1.Echo/Stall calls (Stall never answers)
     with a 5 s deadline: the host may take at most 2 of them (its
     in-flight budget, net.toml's flood deployment); every other one must
     fail at once with RESOURCE_EXHAUSTED, the taken ones at the host's
     1 s deadline with DEADLINE_EXCEEDED, and nothing else;
  3. checks that Echo answers again once the flood is over (the budget is
     given back), then stops the host with SIGTERM (exit code 130).
Prints what it did; exits 1 on the first failed check.
"""
import argparse
import collections
import concurrent.futures
import subprocess
import sys
import time

import grpc

from host_process import fail, stop_and_check, wait_until


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    host = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    channel = grpc.insecure_channel(args.address)
    reflect = channel.unary_unary("/test.v1.Echo/Reflect")
    stall = channel.unary_unary("/test.v1.Echo/Stall")
    ping = b"\x0a\x04ping"  # test.v1.Payload{data: "ping"}

    wait_until(host, lambda: reflect(ping, timeout=1) == ping, "an answer from Echo")
    print("Echo answers", flush=True)

    def stalled(_):
        started = time.monotonic()
        try:
            stall(b"", timeout=5)
            return "OK", 0
        except grpc.RpcError as error:
            return error.code().name, time.monotonic() - started

    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as threads:
        results = list(threads.map(stalled, range(20)))
    outcomes = collections.Counter(code for code, _ in results)
    print(f"20 concurrent Stall calls: {dict(outcomes)}", flush=True)
    if set(outcomes) - {"RESOURCE_EXHAUSTED", "DEADLINE_EXCEEDED"}:
        fail("a flooded call ended otherwise than refused or at its deadline", host)
    if outcomes["DEADLINE_EXCEEDED"] > 2 or outcomes["RESOURCE_EXHAUSTED"] < 18:
        fail("the host took more calls than its in-flight budget allows", host)
    slow_refusals = [t for code, t in results if code == "RESOURCE_EXHAUSTED" and t > 0.5]
    if slow_refusals:
        fail(f"{len(slow_refusals)} refusals took over 0.5 s: they must be immediate", host)

    if reflect(ping, timeout=5) != ping:
        fail("Echo answered wrong after the flood", host)
    print("Echo still answers", flush=True)

    channel.close()
    stop_and_check(host)
    return 0

if __name__ == "__main__":
    sys.exit(main())
