#include "bench/compute/workloads.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "bench/v1/bench.parigot.h"

namespace pb = ::bench::v1;

namespace parigot::bench {
namespace {

// xorshift64: a tiny deterministic generator, the same on every target.
struct XorShift64 {
  uint64_t state;
  uint64_t Next() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  }
};

// Folds `value` into a running checksum (order-sensitive).
uint64_t Mix(uint64_t sum, uint64_t value) {
  sum ^= value + 0x9e3779b97f4a7c15ull + (sum << 6) + (sum >> 2);
  return sum;
}

uint64_t FibRecursive(uint32_t n) {
  return n < 2 ? n : FibRecursive(n - 1) + FibRecursive(n - 2);
}

constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ull;
constexpr uint64_t kFnvPrime = 0x100000001b3ull;

pb::Order MakeOrder(uint32_t i, XorShift64& rng) {
  pb::Order order;
  order.id = 1000000 + i;
  pb::Customer& customer = order.customer.emplace();
  customer.id = rng.Next() >> 20;
  customer.name = "Customer number " + std::to_string(i % 977);
  customer.email = "customer" + std::to_string(i % 977) + "@example.com";
  pb::Address& address = customer.address.emplace();
  address.street = std::to_string(i % 300) + " Rue de la Paix";
  address.city = (i & 1) ? "Paris" : "Lyon";
  address.zip = 75000 + i % 100;
  const uint32_t item_count = 4 + i % 5;
  for (uint32_t k = 0; k < item_count; ++k) {
    pb::LineItem item;
    item.sku = "SKU-" + std::to_string(rng.Next() % 100000);
    item.quantity = 1 + static_cast<uint32_t>(rng.Next() % 20);
    item.price_cents = static_cast<int64_t>(rng.Next() % 200000) - 1000;
    item.tags = {"fragile", (k & 1) ? "blue" : "green", "lot-" + std::to_string(k)};
    order.items.push_back(std::move(item));
  }
  for (uint32_t k = 0; k < 16; ++k) {
    order.sizes.push_back(static_cast<int32_t>(rng.Next() % 5000) - 100);
  }
  order.status = (i % 3 == 0) ? pb::OrderStatus::ORDER_STATUS_SHIPPED
                              : pb::OrderStatus::ORDER_STATUS_OPEN;
  order.total = static_cast<double>(i) * 1.25;
  order.note.assign(32 + i % 64, static_cast<char>('a' + i % 26));
  order.labels["region"] = (i & 2) ? "eu-west" : "eu-central";
  order.labels["channel"] = "web";
  order.labels["batch"] = std::to_string(i / 100);
  return order;
}

}  // namespace

uint64_t Fib(uint32_t n) { return FibRecursive(n); }

uint64_t HashBuffer(uint32_t mib) {
  const uint32_t size = mib * 1024u * 1024u;
  std::vector<uint8_t> buffer(size);
  XorShift64 rng{0x243f6a8885a308d3ull};
  for (uint32_t i = 0; i + 8 <= size; i += 8) {
    const uint64_t word = rng.Next();
    std::memcpy(&buffer[i], &word, 8);  // both targets are little-endian
  }
  uint64_t hash = kFnvOffset;
  for (uint32_t i = 0; i < size; ++i) {
    hash ^= buffer[i];
    hash *= kFnvPrime;
  }
  return hash;
}

uint64_t SortInts(uint32_t count) {
  std::vector<int32_t> values(count);
  XorShift64 rng{0x13198a2e03707344ull};
  for (int32_t& v : values) v = static_cast<int32_t>(rng.Next() >> 32);
  std::sort(values.begin(), values.end());
  uint64_t sum = 0;
  for (uint32_t i = 0; i < count; ++i) {
    sum = Mix(sum, static_cast<uint64_t>(static_cast<uint32_t>(values[i])) * (i + 1));
  }
  return sum;
}

uint64_t ProtoRoundTrip(uint32_t iterations) {
  XorShift64 rng{0xa4093822299f31d0ull};
  uint64_t sum = 0;
  for (uint32_t i = 0; i < iterations; ++i) {
    const pb::Order order = MakeOrder(i, rng);
    const std::string bytes = order.SerializeAsString();
    pb::Order decoded;
    if (!decoded.ParseFromString(bytes) || !(decoded == order)) return 0;
    sum = Mix(sum, static_cast<uint64_t>(bytes.size()));
    sum = Mix(sum, decoded.customer->id);
    for (const pb::LineItem& item : decoded.items) {
      sum = Mix(sum, item.quantity);
      sum = Mix(sum, static_cast<uint64_t>(item.price_cents));
    }
    for (int32_t s : decoded.sizes) sum = Mix(sum, static_cast<uint32_t>(s));
    sum = Mix(sum, decoded.labels.size());
  }
  return sum;
}

}  // namespace parigot::bench
