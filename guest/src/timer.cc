#include "parigot/timer.h"

#include <utility>

#include "guest/src/runtime.h"

namespace parigot {
namespace {

int64_t DueIn(uint32_t ms) { return internal::Runtime::NowNs() + int64_t{ms} * 1'000'000; }

}  // namespace

void Timer::cancel() const { internal::Runtime::Get().timers().Cancel(id_); }

bool Timer::active() const { return internal::Runtime::Get().timers().Active(id_); }

Future<void, KernelErr> sleep(uint32_t ms) {
  Promise<void, KernelErr> promise;
  internal::Runtime::Get().timers().Add(DueIn(ms), 0, [promise]() mutable { promise.Complete(); });
  return promise.future();
}

Future<void, KernelErr> after(uint32_t ms) { return sleep(ms); }

Timer once(uint32_t ms, std::function<void()> fn) {
  return Timer(internal::Runtime::Get().timers().Add(DueIn(ms), 0, std::move(fn)));
}

Timer every(uint32_t ms, std::function<void()> fn) {
  if (ms == 0) ms = 1;
  return Timer(internal::Runtime::Get().timers().Add(DueIn(ms), int64_t{ms} * 1'000'000,
                                                     std::move(fn)));
}

}  // namespace parigot
