// kv's program: uses the key-value built-in (parigot.kv.v1.KV) as a real
// application would: counts its runs in a key that survives them, writes
// and reads, swaps only on a matching version, writes several keys at
// once, lists them a page at a time, deletes, and shows what a bad request
// gets. Exits 0, or 1 when anything went otherwise.
#include <string>

#include "parigot/kv/v1/kv.parigot.h"
#include "parigot/parigot.h"

namespace {

using parigot::Future;
using parigot::KernelErr;
namespace kv = parigot::kv::v1;

void Fail(const std::string& what) {
  parigot::log::error(what);
  parigot::exit(1);
}

std::string Name(kv::KvErr error) { return std::string(kv::KvErr_Name(error)); }

Future<void, kv::KvErr> Demo(kv::KV store) {
  // A counter that survives the application: read, then write back only
  // if nobody wrote in between (compare-and-swap on the version).
  auto runs = co_await store.Get({.ns = "demo", .key = "runs"});
  if (!runs) Fail("Get failed: " + Name(runs.error()));
  int count = runs->found ? std::stoi(runs->value) : 0;
  auto counted = co_await store.Put({.ns = "demo", .key = "runs",
                                     .value = std::to_string(count + 1),
                                     .check_version = true,
                                     .expected_version = runs->version});
  if (!counted) Fail("Put failed: " + Name(counted.error()));
  parigot::log::info("run " + std::to_string(count + 1) + " of this application");

  // A stale version is refused, and changes nothing.
  auto stale = co_await store.Put({.ns = "demo", .key = "runs", .value = "0",
                                   .check_version = true,
                                   .expected_version = runs->version});
  if (stale || stale.error() != kv::KvErr::VersionMismatch) Fail("a stale Put went through");
  parigot::log::info("a stale write was refused: " + Name(stale.error()));

  // Several keys at once, all or none.
  kv::BatchRequest batch{.ns = "books"};
  for (const char* title : {"dune", "emma", "ulysses"}) {
    batch.writes.push_back({.key = std::string("title/") + title,
                            .value = std::string("a book called ") + title});
  }
  auto written = co_await store.Batch(batch);
  if (!written) Fail("Batch failed: " + Name(written.error()));

  // Read them back by prefix, two at a time.
  std::string after;
  int pages = 0;
  int listed = 0;
  do {
    auto page = co_await store.List({.ns = "books", .prefix = "title/", .start_after = after,
                                     .limit = 2});
    if (!page) Fail("List failed: " + Name(page.error()));
    ++pages;
    listed += static_cast<int>(page->entries.size());
    after = page->next_after;
  } while (!after.empty());
  parigot::log::info("listed " + std::to_string(listed) + " books in " +
                     std::to_string(pages) + " pages");

  auto removed = co_await store.Delete({.ns = "books", .key = "title/emma"});
  if (!removed || !removed->existed) Fail("Delete failed");
  auto gone = co_await store.Get({.ns = "books", .key = "title/emma"});
  if (!gone || gone->found) Fail("a deleted key was found");
  parigot::log::info("deleted one book, it is gone");

  auto bad = co_await store.Put({.ns = "demo", .key = "", .value = "x"});
  if (bad || bad.error() != kv::KvErr::InvalidArgument) Fail("an empty key was accepted");
  parigot::log::info("an empty key gets " + Name(bad.error()));
}

Future<void, KernelErr> Main(parigot::Program& app) {
  auto launched = co_await app.launch();
  if (!launched) co_await parigot::fail(launched.error());
  auto done = co_await Demo(kv::KV::locate());
  parigot::exit(done ? 0 : 1);
}

}  // namespace

int main() {
  parigot::Program app({kv::KV::require});
  auto running = Main(app);
  return parigot::run();
}
