#!/usr/bin/python3
"""A gRPC client that is not parigot calls a built-in service on its host.

usage: grpc_builtin_client.py --protoc PROTOC --proto-dir DIR --address HOST:PORT
                              -- parigot run kv-net.toml --host back

Starts the host with the command after `--` (it must hold a `Builtin =
"kv"` store), then, with Debian's python3-grpcio and nothing generated
from kv.proto: waits until grpc.health.v1.Health says parigot.kv.v1.KV is
SERVING; builds the messages from server reflection; writes, reads, lists,
swaps on a version (a stale one must fail with UNKNOWN and the trailer
parigot-result-error-name: VersionMismatch) and sends an empty key
(InvalidArgument); stops the host with SIGTERM and expects exit code 130.
Prints what it did and PASS; exits 1 on the first failed check.
"""
import argparse
import subprocess
import tempfile

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

from grpc_client import health_check, reflect, reflection_module
from host_process import fail, stop_and_check, wait_until

SERVICE = "parigot.kv.v1.KV"


def kv_methods(channel, args, host):
    """The KV methods as callables taking and returning message objects,
    their message classes built from what reflection returns."""
    with tempfile.TemporaryDirectory() as generated:
        reflection_pb2 = reflection_module(args.protoc, args.proto_dir, generated)
        Request = reflection_pb2.ServerReflectionRequest
        listed, found = reflect(channel, reflection_pb2, [
            Request(list_services=""), Request(file_containing_symbol=SERVICE)])
    services = sorted(s.name for s in listed.list_services_response.service)
    print("reflection lists: " + ", ".join(services), flush=True)
    if SERVICE not in services:
        fail(f"reflection does not list {SERVICE}", host)
    pool = descriptor_pool.DescriptorPool()
    pending = {}
    for raw in found.file_descriptor_response.file_descriptor_proto:
        proto = descriptor_pb2.FileDescriptorProto.FromString(raw)
        pending[proto.name] = proto
    while pending:  # dependencies first
        ready = [n for n, p in pending.items() if all(d not in pending for d in p.dependency)]
        if not ready:
            fail("reflection's files miss a dependency: " + ", ".join(pending), host)
        for name in ready:
            pool.Add(pending.pop(name))
    factory = message_factory.MessageFactory(pool)
    service = pool.FindServiceByName(SERVICE)
    methods = {}
    for method in service.methods:
        request = factory.GetPrototype(method.input_type)
        response = factory.GetPrototype(method.output_type)
        methods[method.name] = (request, channel.unary_unary(
            f"/{SERVICE}/{method.name}", request_serializer=request.SerializeToString,
            response_deserializer=response.FromString))
    return methods


def expect_error(call, request, name, host):
    try:
        call(request, timeout=10)
    except grpc.RpcError as error:
        trailers = dict(error.trailing_metadata() or ())
        got = trailers.get("parigot-result-error-name")
        print(f"  failed as expected: {error.code().name}, parigot-result-error-name={got}",
              flush=True)
        if error.code() != grpc.StatusCode.UNKNOWN or got != name:
            fail(f"expected UNKNOWN with parigot-result-error-name {name}", host)
        return
    fail(f"the call succeeded; expected {name}", host)


def check_host(host, args):
    channel = grpc.insecure_channel(args.address)
    wait_until(host, lambda: health_check(channel, SERVICE), f"{SERVICE} SERVING")
    print(f"health: {SERVICE} is SERVING", flush=True)
    kv = kv_methods(channel, args, host)
    PutRequest, put = kv["Put"]
    GetRequest, get = kv["Get"]
    ListRequest, list_ = kv["List"]

    first = put(PutRequest(ns="outside", key=b"colour", value=b"blue"), timeout=10)
    second = put(PutRequest(ns="outside", key=b"shape", value=b"round"), timeout=10)
    print(f"Put colour -> version {first.version}, shape -> version {second.version}",
          flush=True)
    got = get(GetRequest(ns="outside", key=b"colour"), timeout=10)
    print(f"Get colour = {got.value!r} (found={got.found}, version {got.version})", flush=True)
    if not got.found or got.value != b"blue" or got.version != first.version:
        fail("Get did not read back what Put wrote", host)
    swapped = put(PutRequest(ns="outside", key=b"colour", value=b"green", check_version=True,
                             expected_version=got.version), timeout=10)
    print(f"Put colour if version {got.version} -> version {swapped.version}", flush=True)
    print("Put colour if version 0 (it exists):", flush=True)
    expect_error(put, PutRequest(ns="outside", key=b"colour", value=b"red", check_version=True,
                                 expected_version=0), "VersionMismatch", host)
    print("Put with an empty key:", flush=True)
    expect_error(put, PutRequest(ns="outside", key=b"", value=b"x"), "InvalidArgument", host)
    page = list_(ListRequest(ns="outside", prefix=b"", limit=10), timeout=10)
    listed = [(e.key.decode(), e.value.decode()) for e in page.entries]
    print(f"List outside = {listed}", flush=True)
    if listed != [("colour", "green"), ("shape", "round")]:
        fail("List did not show the two keys as written", host)
    stop_and_check(host)
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--protoc", required=True)
    parser.add_argument("--proto-dir", required=True)
    parser.add_argument("--address", required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    host = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        return check_host(host, args)
    finally:
        if host.poll() is None:
            host.kill()
            host.wait()


if __name__ == "__main__":
    raise SystemExit(main())
