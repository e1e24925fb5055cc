/* parigot's wasm-rt.h: the contract between wasm2c 1.0.32's generated C and
 * parigot's own runtime (host/engine/aot/runtime/rt.cc). It replaces wabt's
 * header and Debian's libwasm-rt-impl.a, which is not thread-safe.
 *
 * Compiled into every AOT artifact (it is part of the cache key), so change it
 * only together with rt.cc.
 *
 * Bounds checks: linear memories are 8 GiB PROT_NONE reservations grown with
 * mprotect, so loads and stores carry no explicit check
 * (WASM_RT_MEMCHECK_SIGNAL_HANDLER); the MMU faults and the runtime's signal
 * handler turns a fault in guest code into an out-of-bounds trap.
 * Stack exhaustion: every function prologue compares the stack pointer with a
 * per-thread limit (parigot-w2c.h), no depth counter. */
#ifndef WASM_RT_H_
#define WASM_RT_H_

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define wasm_rt_memcpy __builtin_memcpy
#define wasm_rt_unreachable __builtin_unreachable

#define WASM_RT_SKIP_SIGNAL_RECOVERY 0
#define WASM_RT_SIGNAL_RECOVERY_SUPPORTED 1
#define WASM_RT_MEMCHECK_SIGNAL_HANDLER 1
#define WASM_RT_USE_STACK_DEPTH_COUNT 0
#define WASM_RT_MERGED_OOB_AND_EXHAUSTION_TRAPS 0
#define WASM_RT_NO_RETURN __attribute__((noreturn))

/* Reason a trap occurred. The values after WASM_RT_TRAP_EXHAUSTION are
 * parigot's own (wasm2c 1.0.32 folds them into WASM_RT_TRAP_CALL_INDIRECT). */
typedef enum {
  WASM_RT_TRAP_NONE,
  WASM_RT_TRAP_OOB,
  WASM_RT_TRAP_INT_OVERFLOW,
  WASM_RT_TRAP_DIV_BY_ZERO,
  WASM_RT_TRAP_INVALID_CONVERSION,
  WASM_RT_TRAP_UNREACHABLE,
  WASM_RT_TRAP_CALL_INDIRECT, /* call_indirect: function type mismatch */
  WASM_RT_TRAP_UNCAUGHT_EXCEPTION,
  WASM_RT_TRAP_EXHAUSTION,
  WASM_RT_TRAP_UNDEFINED_ELEMENT, /* call_indirect: null or missing element */
} wasm_rt_trap_t;

typedef enum {
  WASM_RT_I32,
  WASM_RT_I64,
  WASM_RT_F32,
  WASM_RT_F64,
  WASM_RT_FUNCREF,
  WASM_RT_EXTERNREF,
} wasm_rt_type_t;

typedef void (*wasm_rt_function_ptr_t)(void);

typedef struct {
  uint32_t func_type;
  wasm_rt_function_ptr_t func;
  void* module_instance;
} wasm_rt_funcref_t;

static const wasm_rt_funcref_t wasm_rt_funcref_null_value = {0, NULL, NULL};

typedef void* wasm_rt_externref_t;
static const wasm_rt_externref_t wasm_rt_externref_null_value = NULL;

typedef struct {
  uint8_t* data;
  uint32_t pages, max_pages;
  uint32_t size;
} wasm_rt_memory_t;

typedef struct {
  wasm_rt_funcref_t* data;
  uint32_t max_size;
  uint32_t size;
} wasm_rt_funcref_table_t;

typedef struct {
  wasm_rt_externref_t* data;
  uint32_t max_size;
  uint32_t size;
} wasm_rt_externref_table_t;

void wasm_rt_init(void);
bool wasm_rt_is_initialized(void);
void wasm_rt_free(void);

/* Unwinds to the current thread's guest entry point (never returns). */
WASM_RT_NO_RETURN void wasm_rt_trap(wasm_rt_trap_t);
const char* wasm_rt_strerror(wasm_rt_trap_t trap);

/* Equal signatures get equal ids, process-wide. */
uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...);

void wasm_rt_allocate_memory(wasm_rt_memory_t*, uint32_t initial_pages, uint32_t max_pages);
/* Returns the old page count, or (uint32_t)-1 if the memory cannot grow. */
uint32_t wasm_rt_grow_memory(wasm_rt_memory_t*, uint32_t pages);
void wasm_rt_free_memory(wasm_rt_memory_t*);

void wasm_rt_allocate_funcref_table(wasm_rt_funcref_table_t*, uint32_t elements,
                                    uint32_t max_elements);
void wasm_rt_free_funcref_table(wasm_rt_funcref_table_t*);
void wasm_rt_allocate_externref_table(wasm_rt_externref_table_t*, uint32_t elements,
                                      uint32_t max_elements);
void wasm_rt_free_externref_table(wasm_rt_externref_table_t*);
uint32_t wasm_rt_grow_funcref_table(wasm_rt_funcref_table_t*, uint32_t delta,
                                    wasm_rt_funcref_t init);
uint32_t wasm_rt_grow_externref_table(wasm_rt_externref_table_t*, uint32_t delta,
                                      wasm_rt_externref_t init);

/* parigot: the lowest stack address guest code may reach on this thread (0:
 * no limit). Set by the runtime on guest entry; read by every prologue. */
extern __thread uintptr_t parigot_rt_stack_limit __attribute__((tls_model("initial-exec")));

#ifdef __cplusplus
}
#endif

#endif /* WASM_RT_H_ */
