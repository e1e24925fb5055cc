#!/usr/bin/python3
"""A guest calls a gRPC service outside the application.

usage: external_service.py --listen HOST:PORT --contains TEXT -- parigot run ...

Serves greeting.v1.Greeting/FetchGreeting with Debian's python3-grpcio
(answering "salut" whatever the tongue, encoded by hand: nothing here is
parigot), runs the command after `--` (a descriptor naming this server as an
external service), and checks that it exits 0 and prints TEXT.
"""
import argparse
import subprocess
import sys
from concurrent import futures

import grpc


def fetch_greeting(request, context):
    # FetchGreetingResponse { string greeting = 1; }
    greeting = b"salut"
    return b"\x0a" + bytes([len(greeting)]) + greeting


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--listen", required=True)
    parser.add_argument("--contains", required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    handler = grpc.method_handlers_generic_handler("greeting.v1.Greeting", {
        "FetchGreeting": grpc.unary_unary_rpc_method_handler(fetch_greeting),
    })
    server.add_generic_rpc_handlers((handler,))
    if server.add_insecure_port(args.listen) == 0:
        print(f"FAIL: cannot listen on {args.listen}")
        return 1
    server.start()
    try:
        done = subprocess.run(command, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=60)
    finally:
        server.stop(grace=None)
    output = done.stdout.decode(errors="replace")
    sys.stdout.write(output)
    failures = []
    if done.returncode != 0:
        failures.append(f"exit code {done.returncode}, want 0")
    if args.contains not in output:
        failures.append(f"output lacks {args.contains!r}")
    for failure in failures:
        print("FAIL: " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
