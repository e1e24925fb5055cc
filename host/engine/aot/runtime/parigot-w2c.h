/* parigot's overrides of wasm2c 1.0.32's own macros. The AOT compiler inserts
 * `#include "parigot-w2c.h"` into the generated C after wasm2c's macro block
 * (before its first DEFINE_LOAD) and before any function body, so these
 * definitions are the ones the code expands.
 *
 * - FUNC_PROLOGUE: stack exhaustion by stack pointer vs a per-thread limit
 *   (exact for any frame size; no counter to keep balanced).
 * - CALL_INDIRECT: tells a null/missing element from a type mismatch, as the
 *   interpreter does. */
#ifndef PARIGOT_W2C_H_
#define PARIGOT_W2C_H_

#if defined(__x86_64__)
#define PARIGOT_STACK_POINTER()                     \
  ({                                                \
    uintptr_t parigot_sp_;                          \
    __asm__ volatile("mov %%rsp, %0" : "=r"(parigot_sp_)); \
    parigot_sp_;                                    \
  })
#elif defined(__aarch64__)
#define PARIGOT_STACK_POINTER()                     \
  ({                                                \
    uintptr_t parigot_sp_;                          \
    __asm__ volatile("mov %0, sp" : "=r"(parigot_sp_)); \
    parigot_sp_;                                    \
  })
#else
#define PARIGOT_STACK_POINTER() ((uintptr_t)__builtin_frame_address(0))
#endif

#undef FUNC_PROLOGUE
#define FUNC_PROLOGUE                                                  \
  if (UNLIKELY(PARIGOT_STACK_POINTER() < parigot_rt_stack_limit)) \
    TRAP(EXHAUSTION);

/* An empty volatile asm after every call keeps clang from turning recursion
 * into a loop (tail-call or accumulator elimination), which would make
 * unbounded wasm recursion spin forever instead of exhausting the stack. It
 * clobbers nothing: a memory clobber would force every cached load (the
 * memory base, globals) to be redone after each call (fib: 1.84x native
 * with it). */
#undef FUNC_EPILOGUE
#define FUNC_EPILOGUE __asm__ volatile("")

#undef CALL_INDIRECT
#define CALL_INDIRECT(table, t, ft, x, ...)                              \
  ((LIKELY((x) < table.size && table.data[x].func) ||                   \
    TRAP(UNDEFINED_ELEMENT)),                                           \
   (LIKELY(table.data[x].func_type == func_types[ft]) ||                \
    TRAP(CALL_INDIRECT)),                                               \
   ((t)table.data[x].func)(__VA_ARGS__))

#endif /* PARIGOT_W2C_H_ */
