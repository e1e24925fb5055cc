// files' program: uses the file built-in (parigot.file.v1.File) as a real
// application would: makes a directory and a note, replaces the note,
// writes and reads back a file larger than any one message in chunks,
// lists a directory a page at a time, renames, deletes, and shows what
// paths leading out of the sandbox and an unknown handle get. Leaves the
// sandbox as empty as it found it. Exits 0, or 1 when anything went
// otherwise.
#include <cstddef>
#include <cstdint>
#include <string>

#include "parigot/file/v1/file.parigot.h"
#include "parigot/parigot.h"

namespace {

using parigot::Future;
using parigot::KernelErr;
namespace file = parigot::file::v1;

// The most bytes one Read or Write moves (file.proto).
constexpr size_t kChunk = size_t{4} << 20;

[[noreturn]] void Fail(const std::string& what) {
  parigot::log::error(what);
  parigot::exit(1);
}

std::string Name(file::FileErr error) { return std::string(file::FileErr_Name(error)); }

// Chunk `n` of the big file: its own letter, with a counter every 4 KiB.
std::string Chunk(int n) {
  std::string data(kChunk, static_cast<char>('A' + n));
  for (size_t at = 0; at < kChunk; at += 4096) data[at] = static_cast<char>(at / 4096 % 251);
  return data;
}

// Writes `text` to a new (or emptied) file `path`, and closes it.
Future<void, file::FileErr> WriteFile(file::File files, std::string path, std::string text) {
  auto created = co_await files.Create({.path = path});
  if (!created) Fail("Create " + path + " failed: " + Name(created.error()));
  auto written = co_await files.Write({.handle = created->handle, .data = text});
  if (!written || written->written != text.size()) Fail("Write " + path + " failed");
  auto closed = co_await files.Close({.handle = created->handle});
  if (!closed) Fail("Close " + path + " failed: " + Name(closed.error()));
}

Future<void, file::FileErr> BigFile(file::File files) {
  auto big = co_await files.Create({.path = "big.bin"});
  if (!big) Fail("Create big.bin failed: " + Name(big.error()));
  for (int n = 0; n < 3; ++n) {
    auto written = co_await files.Write({.handle = big->handle, .data = Chunk(n)});
    if (!written) Fail("Write of chunk " + std::to_string(n) + " failed: " + Name(written.error()));
  }
  if (!co_await files.Close({.handle = big->handle})) Fail("Close big.bin failed");

  auto opened = co_await files.Open({.path = "big.bin", .mode = file::Mode::READ_ONLY});
  if (!opened) Fail("Open big.bin failed: " + Name(opened.error()));
  size_t total = 0;
  int chunks = 0;
  for (bool eof = false; !eof; ++chunks) {
    auto read = co_await files.Read({.handle = opened->handle, .max_bytes = kChunk});
    if (!read) Fail("Read failed: " + Name(read.error()));
    if (read->data != Chunk(chunks)) Fail("chunk " + std::to_string(chunks) + " differs");
    total += read->data.size();
    eof = read->eof;
  }
  parigot::log::info("wrote and read back " + std::to_string(total) + " bytes in " +
                     std::to_string(chunks) + " chunks of " + std::to_string(kChunk) +
                     " bytes");
  auto over = co_await files.Read({.handle = opened->handle, .offset = 0,
                                   .max_bytes = kChunk + 1});
  if (over || over.error() != file::FileErr::InvalidArgument) Fail("a read over 4 MiB went");
  parigot::log::info("a read over 4 MiB gets " + Name(over.error()));
  if (!co_await files.Close({.handle = opened->handle})) Fail("Close failed");
  if (!co_await files.Delete({.path = "big.bin"})) Fail("Delete big.bin failed");
}

Future<void, file::FileErr> Demo(file::File files) {
  auto made = co_await files.MakeDir({.path = "notes/old", .parents = true});
  if (!made) Fail("MakeDir failed: " + Name(made.error()));
  co_await WriteFile(files, "notes/todo.txt", "buy milk, and a much longer second line\n");
  // Create again: the old contents are replaced, never appended to.
  co_await WriteFile(files, "notes/todo.txt", "call mum\n");
  auto note = co_await files.Open({.path = "notes/todo.txt"});
  if (!note) Fail("Open failed: " + Name(note.error()));
  auto read = co_await files.Read({.handle = note->handle, .max_bytes = 1000});
  if (!read || !read->eof) Fail("Read of the note failed");
  parigot::log::info("create replaced the old contents: " + read->data.substr(0, 8));
  if (!co_await files.Close({.handle = note->handle})) Fail("Close failed");
  auto exclusive = co_await files.Create({.path = "notes/todo.txt", .exclusive = true});
  if (exclusive || exclusive.error() != file::FileErr::AlreadyExists) {
    Fail("an exclusive Create of an existing file went through");
  }
  parigot::log::info("an exclusive create of an existing file gets " + Name(exclusive.error()));

  co_await BigFile(files);

  for (const char* name : {"a.txt", "b.txt", "c.txt"}) {
    co_await WriteFile(files, std::string("notes/") + name, name);
  }
  std::string after;
  int pages = 0;
  int listed = 0;
  do {
    auto page = co_await files.List({.path = "notes", .start_after = after, .limit = 3});
    if (!page) Fail("List failed: " + Name(page.error()));
    ++pages;
    listed += static_cast<int>(page->entries.size());
    after = page->next_after;
  } while (!after.empty());
  parigot::log::info("listed " + std::to_string(listed) + " entries of notes in " +
                     std::to_string(pages) + " pages");

  auto renamed = co_await files.Rename({.from = "notes/a.txt", .to = "notes/old/a.txt"});
  if (!renamed) Fail("Rename failed: " + Name(renamed.error()));
  auto moved = co_await files.Stat({.path = "notes/old/a.txt"});
  if (!moved || moved->kind != file::Kind::KIND_FILE || moved->size != 5) Fail("Stat failed");
  parigot::log::info("renamed a.txt into notes/old, 5 bytes");

  int refused = 0;
  for (const char* path : {"../outside", "/etc/passwd", "notes/../../x"}) {
    auto escape = co_await files.Open({.path = path});
    if (escape || escape.error() != file::FileErr::InvalidArgument) {
      Fail("escaped with " + std::string(path));
    }
    ++refused;
  }
  parigot::log::info(std::to_string(refused) + " paths leading out of the sandbox were refused");
  auto stale = co_await files.Read({.handle = 42, .max_bytes = 1});
  if (stale || stale.error() != file::FileErr::BadHandle) Fail("an unknown handle was read");
  parigot::log::info("an unknown handle gets " + Name(stale.error()));

  // Leave the sandbox as it was: a directory goes once it is empty.
  auto full = co_await files.Delete({.path = "notes"});
  if (full || full.error() != file::FileErr::NotEmpty) Fail("a full directory was deleted");
  for (const char* path : {"notes/old/a.txt", "notes/old", "notes/b.txt", "notes/c.txt",
                           "notes/todo.txt", "notes"}) {
    auto removed = co_await files.Delete({.path = path});
    if (!removed) Fail("Delete " + std::string(path) + " failed: " + Name(removed.error()));
  }
  auto gone = co_await files.Stat({.path = "notes"});
  if (gone || gone.error() != file::FileErr::NotFound) Fail("notes is still there");
  parigot::log::info("cleaned up: notes is gone");
}

Future<void, KernelErr> Main(parigot::Program& app) {
  auto launched = co_await app.launch();
  if (!launched) co_await parigot::fail(launched.error());
  auto done = co_await Demo(file::File::locate());
  parigot::exit(done ? 0 : 1);
}

}  // namespace

int main() {
  parigot::Program app({file::File::require});
  auto running = Main(app);
  return parigot::run();
}
