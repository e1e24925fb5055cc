#!/usr/bin/python3
"""A gRPC client that is not parigot calls the kv built-in on its host.

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
import sys

import grpc
from google.protobuf import message_factory

import grpc_client
from host_process import fail, stop_and_check, wait_until

SERVICE = "parigot.kv.v1.KV"


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


def check_kv(host, args):
    channel = grpc.insecure_channel(args.address)
    wait_until(host, lambda: grpc_client.health_check(channel, SERVICE), f"{SERVICE} SERVING")
    print(f"health: {SERVICE} is SERVING", flush=True)
    services, pool = grpc_client.reflected_pool(host, channel, args, SERVICE)
    print("reflection lists: " + ", ".join(services), flush=True)
    if SERVICE not in services:
        fail(f"reflection does not list {SERVICE}", host)
    factory = message_factory.MessageFactory(pool)

    def method(name):
        descriptor = pool.FindServiceByName(SERVICE).FindMethodByName(name)
        request = factory.GetPrototype(descriptor.input_type)
        response = factory.GetPrototype(descriptor.output_type)
        return request, channel.unary_unary(f"/{SERVICE}/{name}",
                                            request_serializer=request.SerializeToString,
                                            response_deserializer=response.FromString)

    PutRequest, put = method("Put")
    GetRequest, get = method("Get")
    ListRequest, list_ = method("List")

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


if __name__ == "__main__":
    sys.exit(grpc_client.main(check_kv))
