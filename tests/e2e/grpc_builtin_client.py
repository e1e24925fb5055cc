#!/usr/bin/python3
"""A gRPC client that is not parigot calls a built-in on its host.

usage: grpc_builtin_client.py --protoc PROTOC --proto-dir DIR --address HOST:PORT
                              -- parigot run kv-net.toml --host back
       (or queue-net.toml: the built-in checked is the one the host serves)

Starts the host with the command after `--`, then, with Debian's
python3-grpcio and nothing generated from the built-in's .proto: waits
until grpc.health.v1.Health says the service is SERVING and builds the
messages from server reflection. For parigot.kv.v1.KV: writes, reads,
lists, swaps on a version (a stale one must fail with UNKNOWN and the
trailer parigot-result-error-name: VersionMismatch) and sends an empty
key (InvalidArgument). For parigot.queue.v1.Queue: creates a queue, sends
two messages, receives them with their own ids, acknowledges them, finds
the queue empty (an empty answer, not an error) and a bad name refused
(InvalidArgument). Then stops the host with SIGTERM and expects exit code
130. Prints what it did and PASS; exits 1 on the first failed check.
"""
import os
import sys

import grpc
from google.protobuf import message_factory

import grpc_client
from host_process import fail, stop_and_check, wait_until

KV = "parigot.kv.v1.KV"
QUEUE = "parigot.queue.v1.Queue"


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


def served_builtin(host, channel):
    """The built-in the host serves, once health says it is SERVING."""
    served = []

    def serving():
        for service in (KV, QUEUE):
            try:
                if grpc_client.health_check(channel, service):
                    served[:] = [service]
                    return True
            except grpc.RpcError:
                pass  # not served here (NOT_FOUND), or not yet
        return False

    wait_until(host, serving, f"{KV} or {QUEUE} SERVING")
    print(f"health: {served[0]} is SERVING", flush=True)
    return served[0]


def methods_of(host, channel, args, service):
    """method(name) -> (request class, callable), from reflection."""
    services, pool = grpc_client.reflected_pool(host, channel, args, service)
    print("reflection lists: " + ", ".join(services), flush=True)
    if service not in services:
        fail(f"reflection does not list {service}", host)
    factory = message_factory.MessageFactory(pool)

    def method(name):
        descriptor = pool.FindServiceByName(service).FindMethodByName(name)
        request = factory.GetPrototype(descriptor.input_type)
        response = factory.GetPrototype(descriptor.output_type)
        return request, channel.unary_unary(f"/{service}/{name}",
                                            request_serializer=request.SerializeToString,
                                            response_deserializer=response.FromString)

    return method


def check_builtin(host, args):
    channel = grpc.insecure_channel(args.address)
    service = served_builtin(host, channel)
    method = methods_of(host, channel, args, service)
    (check_kv if service == KV else check_queue)(host, method)
    stop_and_check(host)
    return 0


def check_queue(host, method):
    # A queue of this run's own: an earlier failed run may have left one.
    name = f"outside_{os.getpid()}"
    CreateRequest, create = method("Create")
    SendRequest, send = method("Send")
    ReceiveRequest, receive = method("Receive")
    AckRequest, ack = method("Ack")
    created = create(CreateRequest(name=name), timeout=10)
    sent = send(SendRequest(queue=name, bodies=[b"first", b"second"]), timeout=10)
    print(f"Create {name} (created={created.created}); Send 2 -> ids {list(sent.ids)}",
          flush=True)
    got = receive(ReceiveRequest(queue=name, max_messages=10), timeout=10)
    messages = [(m.id, m.body) for m in got.messages]
    print(f"Receive -> {messages}", flush=True)
    if messages != list(zip(sent.ids, [b"first", b"second"])) or len(set(sent.ids)) != 2:
        fail("Receive did not give both messages, in order, each with its own id", host)
    acked = ack(AckRequest(queue=name, receipts=[m.receipt for m in got.messages]),
                timeout=10)
    print(f"Ack -> {acked.acked} acked", flush=True)
    if acked.acked != 2:
        fail("Ack did not acknowledge both", host)
    empty = receive(ReceiveRequest(queue=name, max_messages=10), timeout=10)
    print(f"Receive on the empty queue -> {len(empty.messages)} messages, no error", flush=True)
    if empty.messages:
        fail("an acknowledged message came back", host)
    print("Create with a bad name:", flush=True)
    expect_error(create, CreateRequest(name="no spaces here"), "InvalidArgument", host)


def check_kv(host, method):
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


if __name__ == "__main__":
    sys.exit(grpc_client.main(check_builtin))
