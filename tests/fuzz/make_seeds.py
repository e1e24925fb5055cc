#!/usr/bin/env python3
"""Writes the seed corpora of the exchange, syscalls and codec fuzz targets.

Each seed is a script of steps (tests/fuzz/common/steps.h): a selector byte,
a u16 little-endian length, then that many bytes. The requests follow
common/include/parigot/exchange.h and proto/parigot/syscall/v1/syscall.proto
byte for byte; ids are written as the slots of common/two_guests.h
({0, n}), which the targets resolve to the kernel's real (random) ids.

Run it after changing either layout, then commit what it writes:
  tests/fuzz/make_seeds.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

# Slots (TwoGuests::Slot).
SERVICE, METHOD, LAST_CALL, LAST_INCOMING, CLIENT_GUEST = 1, 2, 3, 4, 5
UNKNOWN_CALL = (0x63 << 56 | 0x1234, 0x5678)  # a call id nobody made
CLIENT, SERVER = 0, 1  # selector bit 0 (bit 4 in the syscalls target)


def step(selector, payload):
    return struct.pack("<BH", selector, len(payload)) + payload


# --- exchange (common/include/parigot/exchange.h) -------------------------

def wire_id(slot_or_pair):
    high, low = (0, slot_or_pair) if isinstance(slot_or_pair, int) else slot_or_pair
    return struct.pack("<QQ", high, low)


def dispatch(service=SERVICE, method=METHOD, param=b"ping", timeout_ms=0):
    return (struct.pack("<I", 1) + wire_id(service) + wire_id(method) +
            struct.pack("<II", timeout_ms, len(param)) + param)


def ret(call=LAST_INCOMING, error=0, result=b"pong"):
    return (struct.pack("<I", 2) + wire_id(call) + struct.pack("<iI", error, len(result)) +
            result)


def request(ops, max_events=8, timeout_ms=0, version=1, op_count=None):
    count = len(ops) if op_count is None else op_count
    return struct.pack("<IiII", version, timeout_ms, max_events, count) + b"".join(ops)


def exchange_seeds():
    ping = request([dispatch()], max_events=0)
    return {
        "round_trip": step(CLIENT, ping) + step(SERVER, request([])) +
                      step(SERVER, request([ret(error=4)])) + step(CLIENT, request([])),
        "each_op_its_result": step(CLIENT, request(
            [dispatch(param=b"a"), dispatch(service=METHOD), ret(call=UNKNOWN_CALL, result=b""),
             dispatch(method=CLIENT_GUEST), dispatch(param=b"b")], max_events=0)) +
            step(SERVER, request([])) + step(SERVER, request([])),
        "batches": step(CLIENT, request([dispatch(param=b"p")] * 5, max_events=0)) +
                   b"".join(step(SERVER, request([], max_events=1)) for _ in range(5)) +
                   step(SERVER, request([ret(result=b"0123456789")])) +
                   step(CLIENT, request([], max_events=2)) +
                   step(CLIENT | 0x10, request([])) + step(CLIENT, request([])),
        "answer_twice": step(CLIENT, ping) + step(SERVER, request([])) +
                        step(SERVER, request([ret(), ret(), ret(call=LAST_CALL)])),
        "malformed": step(CLIENT, ping[:-1]) + step(CLIENT, request([], version=2)) +
                     step(CLIENT, request([dispatch()], op_count=1000)) +
                     step(SERVER, request([ret()]) + b"x") + step(CLIENT, b""),
    }


# --- syscalls (proto/parigot/syscall/v1/syscall.proto) ---------------------

def varint(n):
    out = b""
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out += bytes([byte | 0x80])
        else:
            return out + bytes([byte])


def field(number, value):
    if isinstance(value, bytes):
        return varint(number << 3 | 2) + varint(len(value)) + value
    return varint(number << 3) + varint(value & (2**64 - 1))


def fqs(package, service):
    return field(1, package.encode()) + field(2, service.encode())


def id_raw(slot):
    return varint(1 << 3 | 1) + struct.pack("<Q", 0) + varint(2 << 3 | 1) + struct.pack("<Q", slot)


GREETING = fqs("greeting.v1", "Greeting")
# Syscall numbers: the order of common/include/parigot/syscalls.def, then
# exchange.
(REGISTER, EXPORT, BIND, REQUIRE, LAUNCH, LOCATE, EXIT, LOG, TEST_BEGIN, TEST_REPORT,
 EXCHANGE) = range(11)
GUEST_SERVER = 0x10
# Pointer modes (selector bits 5-7, fuzz_syscalls.cc).
SMALL_BUFFER, BAD_REQUEST_PTR, BAD_LENGTH_PTR, BAD_RESPONSE_PTR, HUGE_LENGTH, AT_END, \
    OVERLAP = range(1, 8)


def call(number, payload, server=False, mode=0):
    return step(number | (GUEST_SERVER if server else 0) | mode << 5, payload)


def syscalls_seeds():
    start_up = (call(REGISTER, field(1, b"greet"), server=True) +
                call(EXPORT, field(1, GREETING), server=True) +
                call(BIND, field(1, id_raw(SERVICE)) + field(2, b"Fetch"), server=True) +
                call(REGISTER, b"") + call(REQUIRE, field(1, GREETING)) +
                call(LAUNCH, b"", server=True) + call(LAUNCH, b"") +
                call(EXCHANGE, request([], max_events=1)) +
                call(EXCHANGE, request([], max_events=1), server=True) +
                call(LOCATE, field(1, b"greeting.v1") + field(2, b"Greeting")))
    conversation = (call(EXCHANGE, request([dispatch(param=b"hi")], max_events=0)) +
                    call(EXCHANGE, request([]), server=True) +
                    call(EXCHANGE, request([ret(result=b"hello")]), server=True) +
                    call(EXCHANGE, request([])))
    return {
        # Not set up (the first byte): the guests' own system calls do it.
        "start_up_and_call": b"\0" + start_up + conversation +
                             call(LOG, field(1, 2) + field(2, b"done\n\x1b[2J\0")) +
                             call(EXIT, field(1, 3) + field(2, 1)),
        "errors_on_the_way": b"\0" + call(LAUNCH, b"") + call(LOCATE, field(1, b"x")) +
                             call(REGISTER, b"") + call(REGISTER, b"") +
                             call(EXPORT, field(1, GREETING) * 2, server=True) +
                             call(REQUIRE, field(1, fqs("no.v1", "Such"))) + call(LAUNCH, b"") +
                             call(BIND, field(1, id_raw(CLIENT_GUEST)) + field(2, b"M"),
                                  server=True),
        # Set up: calls flow at once.
        "pointers": b"\1" + call(LOCATE, field(1, b"greeting.v1") + field(2, b"Greeting"),
                                 mode=SMALL_BUFFER) +
                    b"".join(call(LOG, field(2, b"x" * 40), mode=m)
                             for m in (BAD_REQUEST_PTR, BAD_LENGTH_PTR, BAD_RESPONSE_PTR,
                                       HUGE_LENGTH, AT_END, OVERLAP)) +
                    call(EXCHANGE, request([dispatch(param=b"y" * 300)], max_events=0),
                         mode=OVERLAP) +
                    call(EXCHANGE, request([], max_events=4), server=True, mode=SMALL_BUFFER),
        "malformed": b"\1" + b"".join(call(n, b"\x0a\x05ab") for n in range(9)) +
                     call(EXIT, field(1, -1)),
    }


# --- codec (tests/codec/proto, hostile.proto) -------------------------------
# A seed is a selector byte (fuzz_codec.cc: 0 Everything, 1 Legacy, 2 Team,
# 3 Cases), then an encoded message.

def fixed32(number, value, fmt="<I"):
    return varint(number << 3 | 5) + struct.pack(fmt, value)


def fixed64(number, value, fmt="<Q"):
    return varint(number << 3 | 1) + struct.pack(fmt, value)


def zigzag(n):
    return (n << 1) ^ (n >> 63)


def packed(number, payload):
    return field(number, payload)


def group(number, body):
    return varint(number << 3 | 3) + body + varint(number << 3 | 4)


def nested(a=0, b=b"", children=(), depth=0):
    return (field(1, a) + field(2, b) + b"".join(field(3, c) for c in children) +
            field(4, depth))


def codec_seeds():
    scalars = (field(1, -5) + field(2, 1 << 40) + field(3, 0xFFFFFFFF) + field(4, 2**64 - 1) +
               field(5, zigzag(-3)) + field(6, zigzag(-(1 << 50))) + fixed32(7, 7) +
               fixed64(8, 8) + fixed32(9, -9, "<i") + fixed64(10, -10, "<q") +
               fixed32(11, 1.5, "<f") + fixed64(12, -2.25, "<d") + field(13, 1) +
               field(14, "h\u00e9llo \U0001f600".encode()) + field(15, b"\0\xff") +
               field(16, -1) + field(17, 1) +
               field(18, nested(1, b"x", [nested(2, depth=1)], 1)) +
               field(19, field(1, zigzag(-4)) + field(2, 5) + field(3, b"p")) + field(20, 1))
    repeated = (packed(31, varint(1) + varint(2**64 - 1) + varint(300)) +
                packed(42, struct.pack("<dd", 0.5, -1e300)) + field(44, b"a") + field(44, b"") +
                field(47, nested(1)) + field(47, nested(b=b"y")) + field(51, 7) + field(51, 8) +
                field(56, 2) + packed(43, b"\x01\x00\x01"))
    maps = (field(61, field(1, b"k") + field(2, b"v")) +
            field(62, field(1, 2**64 - 1) + field(2, 5)) +
            field(63, field(1, 7) + field(2, nested(1))) +
            field(64, field(1, zigzag(-2)) + field(2, 2)) +
            field(65, field(1, 1) + field(2, b"\x01")) +
            field(66, fixed64(1, 3) + fixed64(2, 0.25, "<d")) +
            field(67, fixed32(1, -1, "<i") + field(2, field(3, b"l"))) +
            field(68, field(1, b"r") + field(2, field(1, 1))))
    odd = (field(72, b"one") + field(71, 3) + field(81, 0) + field(82, b"") + field(85, 0) +
           field(90, field(90, field(13, 1))) + field(91, b"") + field(91, field(1, 2)) +
           field(100, 1) + field(101, b"ns") + field(536870911, 9) +
           fixed64(12, 0x7FF8000000000001) + fixed64(84, 0x8000000000000000) +
           field(1000, 5) + group(1001, field(1, 1)))  # unknown fields, skipped
    legacy = (field(1, 42) + field(2, b"n") + field(10, 1) + field(11, 3) + field(12, 1) +
              field(12, 2) + packed(13, varint(3) + varint(4)) + field(15, 2) + field(15, 9) +
              field(14, field(1, 1) + field(14, field(1, 2))) +
              group(19, field(20, 1) + field(21, field(1, 3)) + group(22, field(23, b"t")) +
                    group(22, b"")) + field(100, 7))
    player = field(5, 3)
    team = (field(1, field(1, b"a") + field(2, field(3, field(2, player)))) + field(2, player) +
            field(3, field(4, field(5, b"x"))) + field(4, player) +
            field(6, field(1, -1) + field(2, field(5, b"n"))))
    return {
        "everything_scalars": b"\0" + scalars,
        "everything_repeated": b"\0" + repeated,
        "everything_maps": b"\0" + maps,
        "everything_oneof_recursion_unknown": b"\0" + odd,
        "legacy_groups": b"\1" + legacy,
        "legacy_missing_required": b"\1" + field(2, b"no id"),
        "team_recursion": b"\2" + team,
        "cases_oneof": b"\3" + field(3, b"kFooNotSet") + field(1, 5) + field(4, 1) + field(5, 2),
    }


def write(target, seeds):
    directory = os.path.join(HERE, target, "corpus")
    os.makedirs(directory, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(directory, name), "wb") as out:
            out.write(data)


if __name__ == "__main__":
    write("exchange", exchange_seeds())
    write("syscalls", syscalls_seeds())
    write("codec", codec_seeds())
