#!/usr/bin/python3
"""A gRPC client that is not parigot uses the file built-in.

usage: file_grpc_client.py --protoc PROTOC --proto-dir DIR --address HOST:PORT
                           -- parigot run files-net.toml --host back [...]

Starts the host that serves parigot.file.v1.File, then, as any gRPC user
would (python3-grpcio, messages built from server reflection, nothing
generated from file.proto): waits for health to say SERVING; creates a
file, writes to it, closes it, opens it again and reads the same bytes
back; checks that a path leading out of the sandbox fails with the
service's InvalidArgument (status UNKNOWN, trailers parigot-result-error 4
and parigot-result-error-name InvalidArgument) and an unknown handle with
BadHandle (8); deletes the file; stops the host with SIGTERM (exit 130).
Prints what it did; exits 1 on the first failed check.
"""
import sys

import grpc
from google.protobuf import message_factory

import grpc_client
from host_process import fail, stop_and_check, wait_until

SERVICE = "parigot.file.v1.File"


def check_files(host, args):
    channel = grpc.insecure_channel(args.address)
    wait_until(host, lambda: grpc_client.health_check(channel, SERVICE), SERVICE + " SERVING")
    services, pool = grpc_client.reflected_pool(host, channel, args, SERVICE)
    if SERVICE not in services:
        fail(f"reflection does not list {SERVICE}: {services}", host)
    factory = message_factory.MessageFactory(pool)
    service = pool.FindServiceByName(SERVICE)

    def method(name):
        descriptor = service.FindMethodByName(name)
        request = factory.GetPrototype(descriptor.input_type)
        response = factory.GetPrototype(descriptor.output_type)
        call = channel.unary_unary(f"/{SERVICE}/{name}",
                                   request_serializer=request.SerializeToString,
                                   response_deserializer=response.FromString)
        return lambda **fields: call(request(**fields), timeout=5)

    def refused(what, number, name, call, **fields):
        try:
            call(**fields)
            fail(f"{what} succeeded", host)
        except grpc.RpcError as error:
            trailers = dict(error.trailing_metadata() or ())
            got = (error.code(), trailers.get("parigot-result-error"),
                   trailers.get("parigot-result-error-name"))
            print(f"{what}: {got[0].name}, {got[1]} {got[2]}", flush=True)
            if got != (grpc.StatusCode.UNKNOWN, str(number), name):
                fail(f"{what}: expected UNKNOWN with parigot-result-error {number} ({name})",
                     host)

    create, write, read, open_, close, delete = (
        method(n) for n in ("Create", "Write", "Read", "Open", "Close", "Delete"))
    text = b"written by a plain gRPC client"
    handle = create(path="from-grpc.txt").handle
    if write(handle=handle, data=text).written != len(text):
        fail("Write did not write it all", host)
    close(handle=handle)
    reader = open_(path="from-grpc.txt")
    got = read(handle=reader.handle, max_bytes=1000)
    print(f"read back {len(got.data)} bytes, eof {got.eof}", flush=True)
    if got.data != text or not got.eof or reader.size != len(text):
        fail(f"read back {got.data!r}, eof {got.eof}, size {reader.size}", host)
    close(handle=reader.handle)
    refused("Open ../escape", 4, "InvalidArgument", open_, path="../escape")
    refused("Read of a closed handle", 8, "BadHandle", read, handle=reader.handle, max_bytes=1)
    delete(path="from-grpc.txt")
    channel.close()
    stop_and_check(host)
    return 0


if __name__ == "__main__":
    sys.exit(grpc_client.main(check_files))
