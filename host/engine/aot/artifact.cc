// See artifact.h.
#include "host/engine/aot/artifact.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

extern char** environ;

namespace parigot::engine::aot {
namespace internal {
extern const char kWasmRtHeader[];
extern const char kW2cHeader[];
extern const char kWabtVersion[];
extern const char kCompilerVersion[];
extern const char kRuntimeHash[];
}  // namespace internal

namespace {

namespace fs = std::filesystem;

// -g: gdb sees guest functions; -ffp-contract=off: no fused multiply-add
// (wasm rounds every float operation).
constexpr const char* kCompileFlags[] = {"-O2", "-g", "-fPIC", "-shared",
                                         "-fvisibility=hidden", "-ffp-contract=off",
                                         "-fno-strict-aliasing", "-w"};

std::string Env(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

std::string Hex(const unsigned char* data, size_t n) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += kHex[data[i] >> 4];
    out += kHex[data[i] & 15];
  }
  return out;
}

Status WriteFile(const fs::path& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  out.close();
  if (!out) return InternalError("cannot write " + path.string());
  return Status::Ok();
}

Result<std::string> ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InternalError("cannot read " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs argv with stdout and stderr going to `log`. Errors: Internal with the
// log's tail.
Status Run(const std::vector<std::string>& argv, const fs::path& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid;
  int err = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) {
    return InternalError("cannot run " + argv[0] + ": " + std::strerror(err));
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Status::Ok();
  Result<std::string> read = ReadText(log);
  std::string output = read.ok() ? *read : std::string();
  if (output.size() > 4000) output = "..." + output.substr(output.size() - 4000);
  return InternalError(argv[0] + " failed:\n" + output);
}

// Inserts our macro overrides after wasm2c's macro block.
Status PatchGenerated(const fs::path& c_file) {
  Result<std::string> text = ReadText(c_file);
  if (!text.ok()) return text.status();
  constexpr std::string_view kAnchor = "DEFINE_LOAD(i32_load, u32, u32, u32)";
  size_t at = text->find(kAnchor);
  if (at == std::string::npos) {
    return InternalError(c_file.string() +
                         ": unexpected wasm2c output (is wasm2c 1.0.32 installed?)");
  }
  text->insert(at, "#include \"parigot-w2c.h\"\n");
  return WriteFile(c_file, *text);
}

// Removes what compiles killed midway left behind (temporary and trash
// directories older than a day).
void RemoveLeftovers(const fs::path& dir) {
  std::error_code ec;
  auto now = fs::file_time_type::clock::now();
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.rfind(".tmp-", 0) != 0 && name.rfind(".trash-", 0) != 0) continue;
    std::error_code time_ec;
    auto written = fs::last_write_time(e.path(), time_ec);
    if (!time_ec && now - written > std::chrono::hours(24)) fs::remove_all(e.path(), time_ec);
  }
}

}  // namespace

const std::string& ToolchainIdentity() {
  static const std::string id = [] {
    std::string s = "parigot-aot glue " + std::to_string(kGlueVersion) + "\nwasm2c " +
                    internal::kWabtVersion + "\ncc " + Env("PARIGOT_AOT_CC", "clang-19") + " " +
                    internal::kCompilerVersion + "\nflags";
    for (const char* f : kCompileFlags) s += std::string(" ") + f;
    s += "\nruntime " + std::string(internal::kRuntimeHash) + "\n";
    return s;
  }();
  return id;
}

std::string ArtifactKey(std::span<const uint8_t> wasm) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  const std::string& id = ToolchainIdentity();
  EVP_DigestUpdate(ctx, id.data(), id.size());
  EVP_DigestUpdate(ctx, wasm.data(), wasm.size());
  EVP_DigestFinal_ex(ctx, digest, &len);
  EVP_MD_CTX_free(ctx);
  return Hex(digest, len);
}

fs::path EntryDir(const fs::path& dir, std::string_view key) { return dir / std::string(key); }

fs::path EntryLibrary(const fs::path& dir, std::string_view key) {
  return EntryDir(dir, key) / "guest.so";
}

void RemoveEntry(const fs::path& dir, std::string_view key) {
  std::error_code ec;
  fs::path aside = dir / (".trash-" + std::string(key.substr(0, 12)) + "-" +
                          std::to_string(getpid()) + "-" +
                          std::to_string(reinterpret_cast<uintptr_t>(&ec)));
  fs::rename(EntryDir(dir, key), aside, ec);
  if (!ec) fs::remove_all(aside, ec);
}

void ClaimEntry(const fs::path& dir, std::string_view owner, std::string_view key) {
  std::error_code ec;
  const fs::path owners = dir / ".owners";
  fs::create_directories(owners, ec);
  auto read_key = [](const fs::path& file) {
    std::string previous;
    std::ifstream(file) >> previous;
    return previous;
  };
  const fs::path mine = owners / std::string(owner);
  std::string previous = read_key(mine);
  std::ofstream(mine, std::ios::trunc) << key << "\n";
  if (previous.empty() || previous == key) return;
  for (const fs::directory_entry& e : fs::directory_iterator(owners, ec)) {
    if (e.path() != mine && read_key(e.path()) == previous) return;
  }
  RemoveEntry(dir, previous);
}

fs::path DefaultCacheDir() {
  if (const char* dir = std::getenv("PARIGOT_CACHE_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg != '\0') {
    return fs::path(xdg) / "parigot" / "aot";
  }
  const char* home = std::getenv("HOME");
  return fs::path(home != nullptr ? home : "/tmp") / ".cache" / "parigot" / "aot";
}

std::vector<fs::path> DefaultPrebuiltDirs() {
  std::vector<fs::path> dirs;
  if (const char* path = std::getenv("PARIGOT_AOT_PATH"); path != nullptr) {
    std::string_view rest(path);
    while (!rest.empty()) {
      size_t colon = rest.find(':');
      std::string_view one = rest.substr(0, colon);
      if (!one.empty()) dirs.emplace_back(one);
      rest = colon == std::string_view::npos ? "" : rest.substr(colon + 1);
    }
  }
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) dirs.push_back(exe.parent_path().parent_path() / "wasm" / "aot");
  return dirs;
}

Result<fs::path> BuildArtifact(std::span<const uint8_t> wasm, const ModuleShape& shape,
                               std::string_view key, const fs::path& dir,
                               std::string_view debug_name, bool progress) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return InternalError("cannot create " + dir.string() + ": " + ec.message());
  RemoveLeftovers(dir);
  std::string pattern = (dir / (".tmp-" + std::string(key.substr(0, 12)) + "-XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return InternalError("cannot create a directory in " + dir.string() + ": " +
                         std::strerror(errno));
  }
  const fs::path tmp = pattern;
  const fs::path final_dir = EntryDir(dir, key);
  auto cleanup = [&] { fs::remove_all(tmp, ec); };

  auto start = std::chrono::steady_clock::now();
  if (progress) {
    std::fprintf(stderr, "parigot: compiling %.*s to native code (first run only)...\n",
                 static_cast<int>(debug_name.size()), debug_name.data());
  }
  std::string_view wasm_text(reinterpret_cast<const char*>(wasm.data()), wasm.size());
  for (Status s : {WriteFile(tmp / "guest.wasm", wasm_text),
                   WriteFile(tmp / "wasm-rt.h", internal::kWasmRtHeader),
                   WriteFile(tmp / "parigot-w2c.h", internal::kW2cHeader),
                   WriteFile(tmp / "glue.c", GenerateGlue(shape, key))}) {
    if (!s.ok()) return cleanup(), s;
  }
  const fs::path log = tmp / "build.log";
  Status s = Run({Env("PARIGOT_WASM2C", "wasm2c"), (tmp / "guest.wasm").string(), "-n",
                  std::string(kModuleName), "-o", (tmp / "guest.c").string()},
                 log);
  if (s.ok()) s = PatchGenerated(tmp / "guest.c");
  if (s.ok()) {
    std::vector<std::string> cc = {Env("PARIGOT_AOT_CC", "clang-19")};
    for (const char* f : kCompileFlags) cc.emplace_back(f);
    cc.push_back("-fdebug-prefix-map=" + tmp.string() + "=" + final_dir.string());
    cc.push_back("-I" + tmp.string());
    cc.push_back((tmp / "guest.c").string());
    cc.push_back((tmp / "glue.c").string());
    cc.push_back("-o");
    cc.push_back((tmp / "guest.so").string());
    s = Run(cc, log);
  }
  if (!s.ok()) {
    cleanup();
    return Status(s.code(), std::string(debug_name) + ": AOT compile failed: " + s.message());
  }
  fs::remove(tmp / "guest.wasm", ec);
  fs::remove(log, ec);
  // Atomic publish; if another process or thread won the race, use theirs.
  if (::rename(tmp.c_str(), final_dir.c_str()) != 0) cleanup();
  if (progress) {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "parigot: compiled %.*s in %.1f s\n",
                 static_cast<int>(debug_name.size()), debug_name.data(), secs);
  }
  return EntryLibrary(dir, key);
}

}  // namespace parigot::engine::aot
