// The built `parigot` binary, run as a user would: the command-line errors
// of network mode, and the host tag of log lines under --host.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "host/cli/subprocess.h"
#include "host/cli/supervisor.h"
#include "host/log/format.h"

namespace parigot::cli {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

struct Outcome {
  int exit_code = -1;
  std::string output;  // stdout and stderr, one line each
};

// Runs `parigot args...` to its end (the Supervisor is the simplest way to
// collect a child's output and exit code).
Outcome Parigot(std::vector<std::string> args) {
  args.insert(args.begin(), PARIGOT_BINARY);
  Outcome outcome;
  Supervisor supervisor(
      {{.name = "parigot", .argv = std::move(args), .is_program = true}},
      {.handle_signals = false,
       .output = [&](std::string_view line) { (outcome.output += line) += "\n"; },
       .report = [](spdlog::level::level_enum, std::string_view) {}});
  Result<int> code = supervisor.Run();
  EXPECT_TRUE(code.ok()) << code.status().ToString();
  if (code.ok()) outcome.exit_code = *code;
  return outcome;
}

// A descriptor written into a directory of its own, removed with it.
class TempDescriptor {
 public:
  TempDescriptor(const std::string& name, const std::string& toml) {
    std::string pattern = fs::temp_directory_path() / "command_test.XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    dir_ = pattern;
    path_ = dir_ / name;
    std::ofstream(path_) << toml;
  }
  ~TempDescriptor() {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  TempDescriptor(const TempDescriptor&) = delete;
  TempDescriptor& operator=(const TempDescriptor&) = delete;

  std::string path() const { return path_.string(); }

 private:
  fs::path dir_;
  fs::path path_;
};

const std::string kOneProcess = PARIGOT_EXAMPLES "/helloworld/helloworld.toml";
const std::string kNetworked = PARIGOT_EXAMPLES "/helloworld/helloworld-net.toml";

TEST(CommandTest, RunWithAnUnknownHostNamesTheDescriptorAndTheHosts) {
  for (const char* command : {"run", "test"}) {
    Outcome o = Parigot({command, kNetworked, "--host", "bak"});
    EXPECT_EQ(o.exit_code, 2) << o.output;
    EXPECT_THAT(o.output, HasSubstr("helloworld-net.toml: deployment \"dev\" has no "
                                    "host \"bak\"; its hosts: front, back"));
  }
}

TEST(CommandTest, RunWithHostOnADeploymentWithoutHosts) {
  Outcome o = Parigot({"run", kOneProcess, "--host", "front"});
  EXPECT_EQ(o.exit_code, 2) << o.output;
  EXPECT_THAT(o.output, HasSubstr("helloworld.toml: deployment \"dev\" has no hosts"));
}

TEST(CommandTest, UpOnADeploymentWithoutHosts) {
  Outcome o = Parigot({"up", kOneProcess});
  EXPECT_EQ(o.exit_code, 2) << o.output;
  EXPECT_THAT(o.output, HasSubstr("helloworld.toml: deployment \"dev\" has no hosts: "
                                  "it runs as one process; use parigot run"));
}

// A host that holds the whole application needs no peer: its lines are
// tagged with its name, and `parigot up` runs it alone.
TEST(CommandTest, RunWithHostTagsEachLineWithTheHostAndUpRunsIt) {
  TempDescriptor descriptor("solo.toml", R"([config.solo.host.front]
Listen = "127.0.0.1:17391"
[config.solo.host.back]
Listen = "127.0.0.1:17392"
[config.solo.microservice.greet]
WasmPath = "greet.wasm"
Host = "front"
[config.solo.microservice.helloworld]
WasmPath = "hello.wasm"
Main = true
Host = "front"
)");
  Outcome o = Parigot({"run", descriptor.path(), "--host", "front", "--engine", "interp"});
  EXPECT_EQ(o.exit_code, 0) << o.output;
  EXPECT_THAT(o.output, HasSubstr("[front/helloworld] bonjour world"));
  // Without --host, the same deployment runs in one process, untagged.
  Outcome whole = Parigot({"run", descriptor.path(), "--engine", "interp"});
  EXPECT_EQ(whole.exit_code, 0) << whole.output;
  EXPECT_THAT(whole.output, HasSubstr("[helloworld] bonjour world"));
  EXPECT_THAT(whole.output, Not(HasSubstr("[front/")));
  // `up` starts front only (back has nothing to run), and ends with it.
  Outcome up = Parigot({"up", descriptor.path(), "--engine", "interp"});
  EXPECT_EQ(up.exit_code, 0) << up.output;
  EXPECT_THAT(up.output, HasSubstr("[up] host back has nothing to run: not started"));
  EXPECT_THAT(up.output, HasSubstr("[front/helloworld] bonjour world"));
  EXPECT_THAT(up.output, HasSubstr("[up] host front exited with code 0"));
}

// With --log-format json, every line `up` writes is JSON, even what a host
// says outside its log: here, that its Listen address is taken.
TEST(CommandTest, UpInJsonWrapsWhatAHostWritesOutsideItsLog) {
  int taken = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(17394);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(taken, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(taken, 1), 0);
  TempDescriptor descriptor("taken.toml", R"([config.taken.host.front]
Listen = "127.0.0.1:17394"
[config.taken.microservice.helloworld]
WasmPath = "test_exit_code.wasm"
Main = true
Host = "front"
)");
  Outcome up = Parigot({"up", descriptor.path(), "--engine", "interp", "--log-format", "json"});
  close(taken);
  EXPECT_EQ(up.exit_code, 2) << up.output;
  std::istringstream lines(up.output);
  int wrapped = 0;
  for (std::string line; std::getline(lines, line);) {
    ASSERT_TRUE(log::IsJsonObject(line)) << line;
    if (line.find(R"("source":"up","message":"parigot: host front: )") != std::string::npos) {
      ++wrapped;
    }
  }
  EXPECT_EQ(wrapped, 1) << up.output;
  EXPECT_THAT(up.output,
              HasSubstr(R"j("message":"exited with code 2 (host front exited with code 2)")j"));
}

// The pids of `parent`'s children, from /proc.
std::vector<pid_t> ChildrenOf(pid_t parent) {
  std::vector<pid_t> children;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    size_t paren = line.rfind(')');
    if (paren == std::string::npos) continue;
    char state;
    pid_t ppid;
    if (std::sscanf(line.c_str() + paren + 1, " %c %d", &state, &ppid) == 2 &&
        ppid == parent && state != 'Z') {
      children.push_back(std::stoi(entry.path().filename().string()));
    }
  }
  return children;
}

// True while `pid` runs (a zombie no longer does).
bool Running(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  size_t paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] != 'Z';
}

// True if something accepts connections on 127.0.0.1:`port`.
bool Listening(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool connected = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return connected;
}

// `parigot up` killed with SIGKILL cannot stop its hosts: they stop
// themselves rather than serve on, orphaned.
TEST(CommandTest, HostsEndWhenUpIsKilled) {
  // A host with a server and a program that waits runs until it is stopped.
  TempDescriptor descriptor("server.toml", R"([config.server.host.only]
Listen = "127.0.0.1:17393"
[config.server.microservice.greet]
WasmPath = "greet.wasm"
Host = "only"
[config.server.microservice.wait]
WasmPath = "test_exit_code.wasm"
Arg = ["0", "wait"]
Main = true
Host = "only"
)");
  Result<Subprocess> up = Subprocess::Spawn(
      {PARIGOT_BINARY, "up", descriptor.path(), "--engine", "interp"});
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  std::vector<pid_t> hosts;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (hosts.empty() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    hosts = ChildrenOf(up->pid());
  }
  ASSERT_EQ(hosts.size(), 1u);
  // Once it serves: the host has started.
  while (!Listening(17393) && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(Listening(17393));
  up->Signal(SIGKILL);
  up->Wait();
  until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (Running(hosts[0]) && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::ifstream status("/proc/" + std::to_string(hosts[0]) + "/status");
  std::string state((std::istreambuf_iterator<char>(status)), {});
  EXPECT_FALSE(Running(hosts[0])) << "host pid " << hosts[0] << " outlived up:\n"
                                  << state;
  if (Running(hosts[0])) kill(hosts[0], SIGKILL);
}

}  // namespace
}  // namespace parigot::cli
