// primes.v1.Primes: counts the primes below a limit, as a long-running
// operation (parigot/operation.h). The work tests numbers by trial
// division with the primes up to the limit's square root, 20,000 numbers
// per slice (about a millisecond on aot), and gives the loop back between
// slices: GetOperation, WaitOperation and CancelOperation are served
// meanwhile, and no turn comes near the time limit, however large the
// limit.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "parigot/parigot.h"
#include "primes/v1/primes.parigot.h"

namespace {

using parigot::Future;
using parigot::Operation;
using primes::v1::CountRequest;
using primes::v1::CountResult;
using primes::v1::PrimesErr;

constexpr uint32_t kMaxLimit = 100'000'000;
constexpr uint32_t kSlice = 20'000;

// The primes up to sqrt(limit), by a small sieve.
std::vector<uint32_t> SmallPrimes(uint32_t limit) {
  uint32_t root = 1;
  while (uint64_t{root} * root < limit) ++root;
  std::vector<bool> composite(root + 1, false);
  std::vector<uint32_t> primes;
  for (uint32_t i = 2; i <= root; ++i) {
    if (composite[i]) continue;
    primes.push_back(i);
    for (uint64_t j = uint64_t{i} * i; j <= root; j += i) composite[j] = true;
  }
  return primes;
}

// REQUIRES: `small` holds every prime up to sqrt(n).
bool IsPrime(uint32_t n, const std::vector<uint32_t>& small) {
  for (uint32_t p : small) {
    if (uint64_t{p} * p > n) return true;
    if (n % p == 0) return false;
  }
  return true;
}

Future<CountResult, PrimesErr> CountPrimes(uint32_t limit, parigot::OperationContext op) {
  const std::vector<uint32_t> small = SmallPrimes(limit);
  uint32_t count = 0;
  for (uint32_t start = 2; start < limit; start += kSlice) {
    if (op.cancel_requested()) co_return parigot::fail(PrimesErr::Cancelled);
    const uint32_t end = std::min(limit, start + kSlice);
    for (uint32_t n = start; n < end; ++n) count += IsPrime(n, small) ? 1 : 0;
    op.set_progress(static_cast<uint32_t>(uint64_t{end} * 1000 / limit));
    co_await parigot::next_turn();
  }
  co_return CountResult{.limit = limit, .count = count};
}

class PrimesImpl : public primes::v1::PrimesServer {
 public:
  Future<Operation, PrimesErr> Count(const CountRequest& request) override {
    if (request.limit > kMaxLimit) {
      return Future<Operation, PrimesErr>::Failed(PrimesErr::LimitTooLarge);
    }
    return operations_.Start([limit = request.limit](parigot::OperationContext op) {
      return CountPrimes(limit, op);
    });
  }
  Future<Operation, PrimesErr> GetOperation(const parigot::OperationRequest& request) override {
    return operations_.Get(request);
  }
  Future<Operation, PrimesErr> WaitOperation(
      const parigot::WaitOperationRequest& request) override {
    return operations_.Wait(request);
  }
  Future<Operation, PrimesErr> CancelOperation(
      const parigot::OperationRequest& request) override {
    return operations_.Cancel(request);
  }

 private:
  parigot::Operations<CountResult, PrimesErr> operations_{PrimesErr::UnknownOperation};
};

}  // namespace

int main() {
  PrimesImpl primes;
  parigot::Program app({}, {&primes});
  app.launch();
  return parigot::run();
}
