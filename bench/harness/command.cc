#include "bench/harness/command.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

extern char** environ;

namespace parigot::bench {

Result<RunCost> RunMeasured(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  for (int fd = 0; fd <= 2; ++fd) {
    posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY,
                                     0);
  }
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  const int error = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) {
    return UnavailableError("cannot start " + argv[0] + ": " + std::strerror(error));
  }
  int status = 0;
  struct rusage usage = {};
  while (wait4(pid, &status, 0, &usage) < 0) {
    if (errno != EINTR) return UnavailableError("wait4: " + std::string(std::strerror(errno)));
  }
  RunCost cost;
  cost.wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
          .count();
  cost.max_rss_kb = usage.ru_maxrss;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return cost;
  if (WIFEXITED(status)) {
    return AbortedError(argv[0] + " exited with code " + std::to_string(WEXITSTATUS(status)));
  }
  return AbortedError(argv[0] + " died of signal " + std::to_string(WTERMSIG(status)));
}

Result<double> RunTimed(const std::vector<std::string>& argv) {
  Result<RunCost> cost = RunMeasured(argv);
  if (!cost.ok()) return cost.status();
  return cost->wall_ms;
}

}  // namespace parigot::bench
