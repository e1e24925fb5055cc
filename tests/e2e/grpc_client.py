#!/usr/bin/python3
"""A gRPC client that is not parigot calls a parigot host.

usage: grpc_client.py --protoc PROTOC --proto-dir DIR --address HOST:PORT
                      -- parigot run app.toml --host NAME [...]

Starts the host with the command after `--`, then, as any gRPC user would,
with Debian's python3-grpcio and nothing generated from the service's own
.proto:
  1. waits until grpc.health.v1.Health says greeting.v1.Greeting is SERVING;
  2. asks server reflection (grpc.reflection.v1alpha) for the services and
     for the file defining greeting.v1.Greeting, and builds the message
     classes from the descriptors it returns;
  3. calls /greeting.v1.Greeting/FetchGreeting for French (expects
     "bonjour") and for Unspecified, which greet refuses (expects the
     application error UnknownLang = 4: status UNKNOWN with trailers
     parigot-result-error: 4 and parigot-result-error-name: UnknownLang);
  4. as a hostile but fair client: 2000 FetchGreeting calls with a 300 us
     deadline from 16 threads, each of which may answer or fail with
     DEADLINE_EXCEEDED and nothing else; then greet must still answer, and
     its log must not say it was killed (a caller's deadline never harms
     the callee);
     a request over the host's MaxMessageSize (the default, 128 MiB) must
     fail with RESOURCE_EXHAUSTED, and 40 MB requests with a 20 ms deadline
     may only answer or fail with DEADLINE_EXCEEDED: neither harms greet;
  5. stops the host with SIGTERM and expects exit code 130.
Prints what it did; exits 1 on the first failed check.
"""
import argparse
import collections
import concurrent.futures
import importlib.util
import os
import socket
import subprocess
import sys
import tempfile

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, wrappers_pb2

from host_process import fail, stop_and_check, wait_until


def health_check(channel, service):
    """grpc.health.v1.Health/Check, encoded by hand (field 1: service)."""
    name = service.encode()
    request = b"\x0a" + bytes([len(name)]) + name if name else b""
    check = channel.unary_unary("/grpc.health.v1.Health/Check",
                                request_serializer=None,
                                response_deserializer=None)
    reply = check(request, timeout=1)
    # HealthCheckResponse { status = 1 }: SERVING is 1.
    return reply == b"\x08\x01"


def reflection_module(protoc, proto_dir, out_dir):
    subprocess.run([protoc, f"-I{proto_dir}", f"--python_out={out_dir}",
                    os.path.join(proto_dir, "grpc/reflection/v1alpha/reflection.proto")],
                   check=True)
    # Loaded by path: its package name, grpc.reflection.v1alpha, would be
    # looked for inside python3-grpcio's own `grpc` package.
    path = os.path.join(out_dir, "grpc/reflection/v1alpha/reflection_pb2.py")
    spec = importlib.util.spec_from_file_location("reflection_pb2", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def reflect(channel, reflection_pb2, requests):
    info = channel.stream_stream(
        "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
        request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
        response_deserializer=reflection_pb2.ServerReflectionResponse.FromString)
    return list(info(iter(requests), timeout=5))


def reflected_pool(host, channel, args, service):
    """Asks server reflection for the services listed and for the files
    defining `service`; gives the sorted service names and a
    DescriptorPool of those files, built as any client without the .proto
    would."""
    with tempfile.TemporaryDirectory() as generated:
        reflection_pb2 = reflection_module(args.protoc, args.proto_dir, generated)
        Request = reflection_pb2.ServerReflectionRequest
        listed, found = reflect(channel, reflection_pb2, [
            Request(list_services=""),
            Request(file_containing_symbol=service),
        ])
    services = sorted(s.name for s in listed.list_services_response.service)
    pool = descriptor_pool.DescriptorPool()
    files = [descriptor_pb2.FileDescriptorProto.FromString(raw)
             for raw in found.file_descriptor_response.file_descriptor_proto]
    pending = {f.name: f for f in files}
    while pending:  # dependencies first
        progressed = False
        for name, proto in list(pending.items()):
            if all(dep not in pending for dep in proto.dependency):
                pool.Add(proto)
                del pending[name]
                progressed = True
        if not progressed:
            fail("reflection's files miss a dependency: " + ", ".join(pending), host)
    return services, pool


def main(check=None):
    """Parses the arguments, starts the host and runs `check(host, args)`
    (check_host unless given) on it; returns its exit code."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--protoc", required=True)
    parser.add_argument("--proto-dir", required=True)
    parser.add_argument("--address", required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command

    # Answers from a process left over on the port would prove nothing.
    probe = socket.socket()
    # As servers do: connections of an earlier test in TIME_WAIT don't count.
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        host_part, port = args.address.rsplit(":", 1)
        probe.bind((host_part, int(port)))
    except OSError as error:
        fail(f"{args.address} is already in use ({error}): another process listens there")
    finally:
        probe.close()

    host = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        return (check or check_host)(host, args)
    finally:
        if host.poll() is None:
            host.kill()
            host.wait()


def check_host(host, args):
    channel = grpc.insecure_channel(args.address)

    wait_until(host, lambda: health_check(channel, "greeting.v1.Greeting"),
               "greeting.v1.Greeting SERVING")
    print("health: greeting.v1.Greeting is SERVING", flush=True)

    services, pool = reflected_pool(host, channel, args, "greeting.v1.Greeting")
    print("reflection lists: " + ", ".join(services), flush=True)
    for wanted in ("greeting.v1.Greeting", "grpc.health.v1.Health"):
        if wanted not in services:
            fail(f"reflection does not list {wanted}", host)

    method = pool.FindServiceByName("greeting.v1.Greeting").FindMethodByName("FetchGreeting")
    factory = message_factory.MessageFactory(pool)
    FetchRequest = factory.GetPrototype(method.input_type)
    FetchResponse = factory.GetPrototype(method.output_type)
    tongue = pool.FindEnumTypeByName("greeting.v1.Tongue")

    fetch = channel.unary_unary("/greeting.v1.Greeting/FetchGreeting",
                                request_serializer=FetchRequest.SerializeToString,
                                response_deserializer=FetchResponse.FromString)
    reply = fetch(FetchRequest(tongue=tongue.values_by_name["French"].number), timeout=5)
    print(f"FetchGreeting(French) = {reply.greeting}", flush=True)
    if reply.greeting != "bonjour":
        fail("expected bonjour", host)

    try:
        fetch(FetchRequest(tongue=tongue.values_by_name["Unspecified"].number), timeout=5)
        fail("FetchGreeting(Unspecified) succeeded; greet knows no such tongue", host)
    except grpc.RpcError as error:
        trailers = dict(error.trailing_metadata() or ())
        print(f"FetchGreeting(Unspecified) failed: {error.code().name}, "
              f"parigot-result-error={trailers.get('parigot-result-error')}, "
              f"parigot-result-error-name={trailers.get('parigot-result-error-name')}",
              flush=True)
        if error.code() != grpc.StatusCode.UNKNOWN or \
                trailers.get("parigot-result-error") != "4" or \
                trailers.get("parigot-result-error-name") != "UnknownLang":
            fail("expected UNKNOWN with parigot-result-error 4 (UnknownLang)", host)

    # Short deadlines never kill the service.
    french = FetchRequest(tongue=tongue.values_by_name["French"].number)

    def hurried(_):
        try:
            fetch(french, timeout=0.0003)
            return "OK"
        except grpc.RpcError as error:
            return error.code().name

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool_of_threads:
        outcomes = collections.Counter(pool_of_threads.map(hurried, range(2000)))
    print(f"2000 calls with a 300 us deadline: {dict(outcomes)}", flush=True)
    if set(outcomes) - {"OK", "DEADLINE_EXCEEDED"}:
        fail("a call with a short deadline failed otherwise than by its deadline", host)
    reply = fetch(french, timeout=5)
    if reply.greeting != "bonjour":
        fail("greet no longer answers after the hurried calls", host)

    # Big messages: the French request with an unknown field (15) of n
    # bytes, which greet's decoder skips: a BytesValue's field 1 (tag 0x0a),
    # renumbered.
    def padded(n):
        field = wrappers_pb2.BytesValue(value=bytes(n)).SerializeToString()
        return french.SerializeToString() + b"\x7a" + field[1:]

    raw_fetch = channel.unary_unary("/greeting.v1.Greeting/FetchGreeting",
                                    request_serializer=None,
                                    response_deserializer=FetchResponse.FromString)
    try:
        raw_fetch(padded(129 << 20), timeout=30)
        fail("a request over MaxMessageSize was answered", host)
    except grpc.RpcError as error:
        print(f"a 129 MiB request failed: {error.code().name}", flush=True)
        if error.code() != grpc.StatusCode.RESOURCE_EXHAUSTED:
            fail("expected RESOURCE_EXHAUSTED for a request over MaxMessageSize", host)
    big = padded(40 << 20)
    big_outcomes = collections.Counter()
    for _ in range(5):
        try:
            raw_fetch(big, timeout=0.02)
            big_outcomes["OK"] += 1
        except grpc.RpcError as error:
            big_outcomes[error.code().name] += 1
    print(f"5 calls of 40 MB with a 20 ms deadline: {dict(big_outcomes)}", flush=True)
    if set(big_outcomes) - {"OK", "DEADLINE_EXCEEDED"}:
        fail("a big call with a short deadline failed otherwise than by its deadline", host)
    reply = fetch(french, timeout=5)
    if reply.greeting != "bonjour":
        fail("greet no longer answers after the big calls", host)
    print("greet still answers", flush=True)

    channel.close()
    stop_and_check(host)
    return 0

if __name__ == "__main__":
    sys.exit(main())
