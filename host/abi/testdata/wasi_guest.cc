// A wasi-libc guest for the WASI test: prints its argv, one environment
// variable and the clocks, to stdout and stderr, then exits with a code.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

int main(int argc, char** argv) {
  std::printf("argc=%d\n", argc);
  for (int i = 0; i < argc; ++i) std::printf("argv[%d]=%s\n", i, argv[i]);
  const char* greeting = std::getenv("GREETING");
  std::printf("GREETING=%s\n", greeting ? greeting : "(unset)");
  timespec rt{}, mono{};
  clock_gettime(CLOCK_REALTIME, &rt);
  clock_gettime(CLOCK_MONOTONIC, &mono);
  std::printf("realtime=%lld monotonic=%lld\n", static_cast<long long>(rt.tv_sec),
              static_cast<long long>(mono.tv_nsec));
  std::fprintf(stderr, "to stderr ");
  std::fprintf(stderr, "in two pieces\n");
  std::printf("partial line without newline");
  int code = 3;
  if (argc > 1 && std::strcmp(argv[1], "zero") == 0) code = 0;
  std::exit(code);
}
