// The world the exchange and syscalls fuzzers drive: a real Kernel with two
// guests, "greet" (a service exporting greeting.v1.Greeting, method Fetch)
// and "main" (a program requiring it), as the runtime would add them. A
// fresh one per input keeps inputs independent (the kernel's ids are
// random, so a fuzz input names them through Slot below).
//
// Its log goes through host/log's escaping, and a line that still holds a
// control character aborts: guests choose what is logged.
//
// Thread safety: one thread drives it (the kernel's own watchdog thread
// aside).
#ifndef PARIGOT_TESTS_FUZZ_COMMON_TWO_GUESTS_H_
#define PARIGOT_TESTS_FUZZ_COMMON_TWO_GUESTS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "host/kernel/kernel.h"
#include "parigot/exchange.h"

namespace parigot::fuzz {

class TwoGuests {
 public:
  // With `set_up`, both guests have registered, exported, required and
  // launched, and taken their launch events, so calls can flow at once;
  // else they are only added and started (their system calls do the rest).
  explicit TwoGuests(bool set_up);

  // An id an input may name by a small number: the words {0, n} stand for
  // the n-th of these (Resolve), so that an input can reach what exists.
  enum Slot : uint64_t {
    kService = 1,      // greeting.v1.Greeting
    kMethod = 2,       // its Fetch
    kLastCall = 3,     // the last call a dispatch started
    kLastIncoming = 4, // the last call a guest received
    kClientGuest = 5,  // an id of the wrong kind
    kSlotCount
  };
  exchange::WireId Resolve(const exchange::WireId& id) const;
  // `ops` with their ids resolved.
  void Resolve(std::vector<exchange::Op>& ops) const;
  // An exchange request as a guest of this world would mean it: its ids
  // resolved and its wait made a poll (0 ms), so that no input blocks; the
  // bytes as they are if they do not parse.
  std::string Resolve(std::string_view exchange_request) const;
  // Remembers what an answer revealed: new calls, incoming calls.
  void Learn(std::string_view exchange_response);

  kernel::Kernel kernel;
  GuestId server;
  GuestId client;
  ServiceId service;
  MethodId method;
  exchange::WireId last_call;
  exchange::WireId last_incoming;
};

// Decodes an exchange response whole (every result and event, nothing
// left over), as a guest does; false if it is malformed.
bool DecodeResponse(std::string_view bytes, exchange::ResponseHeader* header);

// The bytes of an exchange request (BeginRequest, AppendOp, FinishRequest).
std::string EncodeRequest(const exchange::RequestHeader& header,
                          const std::vector<exchange::Op>& ops);

}  // namespace parigot::fuzz

#endif  // PARIGOT_TESTS_FUZZ_COMMON_TWO_GUESTS_H_
