#include "host/runtime/application.h"

#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "host/abi/syscalls.h"
#include "host/abi/wasi.h"
#include "host/engine/custom_sections.h"
#include "host/engine/make_engine.h"
#include "host/kernel/kernel.h"
#include "host/kernel/scheduler.h"
#include "host/net/reflection.h"
#include "host/net/service_catalog.h"
#include "host/runtime/builtins.h"
#include "host/runtime/network.h"
#include "host/runtime/signal_watcher.h"

namespace parigot::runtime {
namespace {

// How many times slower an unoptimized guest's code (a Debug build, -O0)
// runs than an optimized one's: measured 2.6x to 4.4x on 4 and 16 MB
// echoes (message encoding and decoding) on aot; clang's -O0 code is
// commonly 3x to 10x slower on compute, and the limits must hold at worst.
constexpr int kUnoptimizedTimeScale = 10;

using kernel::LogLevel;

Result<std::vector<uint8_t>> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return NotFoundError("cannot open " + path.string());
  std::vector<uint8_t> bytes(static_cast<size_t>(in.tellg()));
  in.seekg(0);
  if (!in.read(reinterpret_cast<char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()))) {
    return DataLossError("cannot read " + path.string());
  }
  return bytes;
}

kernel::GuestKind KindOf(deploy::MicroserviceKind kind) {
  switch (kind) {
    case deploy::MicroserviceKind::kMain: return kernel::GuestKind::kMain;
    case deploy::MicroserviceKind::kTest: return kernel::GuestKind::kTest;
    case deploy::MicroserviceKind::kServer: break;
  }
  return kernel::GuestKind::kService;
}

kernel::GuestOptions GuestOptionsOf(const deploy::MicroserviceOptions& ms,
                                    const deploy::DeploymentOptions& deployment) {
  kernel::GuestOptions options;
  options.time_limit = ms.time_limit.value_or(deployment.timeouts.complete);
  for (const auto& [method, limit] : ms.method_time_limits) {
    options.method_limits.push_back(
        {method, limit, deploy::DescribeKey(ms, deploy::MethodTimeLimitKey(method))});
  }
  deploy::RestartMode mode = ms.restart.value_or(
      ms.kind == deploy::MicroserviceKind::kServer ? deploy::RestartMode::kOnFailure
                                                   : deploy::RestartMode::kNever);
  switch (mode) {
    case deploy::RestartMode::kNever: options.restart.mode = kernel::RestartMode::kNever; break;
    case deploy::RestartMode::kOnFailure:
      options.restart.mode = kernel::RestartMode::kOnFailure;
      break;
    case deploy::RestartMode::kAlways: options.restart.mode = kernel::RestartMode::kAlways; break;
  }
  options.restart.max_restarts = ms.max_restarts;
  options.restart.window = ms.restart_window;
  options.restart.backoff = ms.restart_backoff;
  return options;
}

// Engines and decoded modules, shared by guests that use the same wasm, and
// (with `collect_descriptors`) the protobuf descriptors the modules carry.
// Only network mode uses descriptors (reflection, external services), and
// building the catalog costs start-up time: a one-process application with
// no external service skips it.
class ModuleCache {
 public:
  ModuleCache(bool collect_descriptors,
              std::function<void(LogLevel, std::string_view)> log)
      : collect_descriptors_(collect_descriptors), log_(std::move(log)) {
    if (!collect_descriptors_) return;
    // So that reflection can describe itself too.
    Result<std::vector<uint8_t>> own = net::ReflectionService::OwnDescriptorSet();
    Status added = own.ok() ? catalog_.Add(*own, "parigot") : own.status();
    if (!added.ok()) log_(LogLevel::kWarn, added.message());
    // The built-in services' own .proto files (kv.proto).
    Result<std::vector<uint8_t>> builtins = RunningBuiltin::DescriptorSet();
    added = builtins.ok() ? catalog_.Add(*builtins, "parigot builtins") : builtins.status();
    if (!added.ok()) log_(LogLevel::kWarn, added.message());
  }

  // A decoded module, and how many times slower than optimized code on aot
  // its code runs here: its engine's Engine::time_scale, times
  // kUnoptimizedTimeScale when its build section says it is unoptimized.
  struct Loaded {
    std::unique_ptr<engine::Module> module;
    int time_scale = 1;
  };

  Result<const Loaded*> Get(const std::string& engine_name,
                            const deploy::MicroserviceOptions& ms) {
    auto engine_it = engines_.find(engine_name);
    if (engine_it == engines_.end()) {
      Result<std::unique_ptr<engine::Engine>> made = engine::MakeEngine(engine_name);
      if (!made.ok()) return made.status();
      engine_it = engines_.emplace(engine_name, std::move(*made)).first;
    }
    std::string key = engine_name + ":" + ms.resolved_wasm_path.string();
    if (auto it = modules_.find(key); it != modules_.end()) return &it->second;
    Result<std::vector<uint8_t>> bytes = ReadFile(ms.resolved_wasm_path);
    if (!bytes.ok()) return bytes.status();
    AddDescriptors(*bytes, ms.resolved_wasm_path.string());
    Result<std::unique_ptr<engine::Module>> module =
        engine_it->second->LoadFile(*bytes, ms.resolved_wasm_path, ms.name);
    if (!module.ok()) return module.status();
    Loaded& loaded = modules_[key];
    loaded.module = std::move(*module);
    loaded.time_scale = engine_it->second->time_scale() *
                        (engine::BuildOf(*bytes) == engine::GuestBuild::kUnoptimized
                             ? kUnoptimizedTimeScale
                             : 1);
    return &loaded;
  }

  const net::ServiceCatalog& catalog() const { return catalog_; }

 private:
  // A guest whose descriptors are unreadable or clash with another's still
  // runs: only reflection and external services need them.
  void AddDescriptors(std::span<const uint8_t> wasm, const std::string& origin) {
    if (!collect_descriptors_) return;
    auto sections = engine::FindCustomSections(wasm, engine::kDescriptorsSection);
    if (!sections.ok()) {
      log_(LogLevel::kWarn, origin + ": " + sections.status().message());
      return;
    }
    for (std::span<const uint8_t> section : *sections) {
      Status added = catalog_.Add(section, origin);
      if (!added.ok()) log_(LogLevel::kWarn, added.message());
    }
  }

  const bool collect_descriptors_;
  std::function<void(LogLevel, std::string_view)> log_;
  std::map<std::string, std::unique_ptr<engine::Engine>> engines_;
  std::map<std::string, Loaded> modules_;
  net::ServiceCatalog catalog_;
};

// Each guest's instance and fiber, for the kernel's callbacks: interrupting
// a guest past its deadline, and colocating a caller with its callee.
// Shared with those callbacks, because an abandoned kernel outlives
// RunApplication.
struct GuestTable {
  struct Entry {
    engine::Instance* instance = nullptr;
    kernel::Scheduler::FiberId fiber = nullptr;  // null until spawned
  };
  std::mutex mu;
  kernel::Scheduler* scheduler = nullptr;       // guarded by mu
  std::unordered_map<GuestId, Entry> entries;  // guarded by mu
};

// One guest: its instance and its WASI state, made anew for each restart.
struct RunningGuest {
  GuestId id;
  std::string name;
  const engine::Module* module = nullptr;
  abi::WasiOptions wasi_options;
  engine::InstanceOptions instance_options;
  std::unique_ptr<abi::Wasi> wasi;
  std::unique_ptr<engine::Instance> instance;
  abi::TestSink* tests = nullptr;  // Test programs only

  // Makes a new instance (the first, or one after a restart) and publishes
  // it for interrupts. The previous one, if any, is destroyed.
  Status StartInstance(kernel::Kernel& kernel, GuestTable& table) {
    auto new_wasi = std::make_unique<abi::Wasi>(wasi_options);
    std::vector<engine::HostFunction> imports = new_wasi->HostFunctions();
    for (auto& syscall : abi::MakeSyscallImports(kernel, id, tests)) {
      imports.push_back(std::move(syscall));
    }
    Result<std::unique_ptr<engine::Instance>> made =
        module->Instantiate(imports, nullptr, instance_options);
    if (!made.ok()) return made.status();
    std::unique_ptr<engine::Instance> old = std::move(instance);
    {
      std::lock_guard lock(table.mu);
      instance = std::move(*made);
      table.entries[id].instance = instance.get();
    }
    wasi = std::move(new_wasi);
    return Status();
  }

  // Runs instances of the guest, on its fiber, until it ends for good.
  void Run(kernel::Kernel& kernel, GuestTable& table) {
    Status started = Status();
    for (;;) {
      int exit_code = 0;
      std::optional<std::string> trap;
      if (started.ok()) {
        kernel.InstanceStarting(id);
        Result<engine::RunOutcome> outcome = instance->Call("_start", {});
        wasi->Flush();
        if (outcome.ok() && outcome->exited()) {
          exit_code = outcome->exit_code;
        } else if (!outcome.ok() || !outcome->returned()) {
          trap = DescribeOutcome(outcome);
        }
      } else {
        trap = "could not start a new instance: " + started.message();
      }
      if (!kernel.GuestEnded(id, exit_code, trap) || !kernel.WaitToRestart(id)) return;
      started = StartInstance(kernel, table);
    }
  }

 private:
  static std::string DescribeOutcome(const Result<engine::RunOutcome>& outcome) {
    if (!outcome.ok()) return outcome.status().ToString();
    return std::string(engine::TrapKindName(outcome->trap_kind)) + ": " +
           outcome->trap_message;
  }
};


}  // namespace

Result<ApplicationResult> RunApplication(
    const deploy::DeploymentOptions& deployment,
    const ApplicationOptions& options) {
  std::optional<internal::SignalWatcher> signals;
  if (options.handle_signals) signals.emplace();

  auto table = std::make_shared<GuestTable>();
  kernel::KernelOptions kernel_options;
  kernel_options.startup_timeout = deployment.timeouts.startup;
  kernel_options.call_timeout = deployment.timeouts.complete;
  kernel_options.max_message_size = deployment.max_message_size;
  kernel_options.max_in_flight = deployment.MaxInFlight();
  kernel_options.log = options.log;
  kernel_options.log_level = options.log_level;
  kernel_options.interrupt = [table](GuestId guest) {
    std::lock_guard lock(table->mu);
    auto it = table->entries.find(guest);
    return it != table->entries.end() && it->second.instance->Interrupt();
  };
  // A caller runs on its callee's worker: their calls then cost fiber
  // switches, not cross-thread wake-ups.
  kernel_options.colocate = [table](GuestId guest, GuestId callee) {
    std::lock_guard lock(table->mu);
    auto fiber = table->entries.find(guest);
    auto with = table->entries.find(callee);
    if (table->scheduler != nullptr && fiber != table->entries.end() &&
        with != table->entries.end() && fiber->second.fiber != nullptr &&
        with->second.fiber != nullptr) {
      table->scheduler->Colocate(fiber->second.fiber, with->second.fiber);
    }
  };
  auto kernel = std::make_unique<kernel::Kernel>(kernel_options);

  auto net_log = [log = options.log](LogLevel level, std::string_view text) {
    log("net", level, text, {});
  };
  ModuleCache modules(!options.host.empty() || !deployment.externals.empty(),
                      net_log);
  std::vector<std::unique_ptr<RunningGuest>> guests;
  std::vector<std::unique_ptr<RunningBuiltin>> builtins;
  for (const deploy::MicroserviceOptions* ms :
       deploy::MicroservicesOnHost(deployment, options.mode, options.host)) {
    if (!ms->builtin.empty()) {
      Result<std::unique_ptr<RunningBuiltin>> builtin = RunningBuiltin::Make(
          *ms, deployment, *kernel, GuestOptionsOf(*ms, deployment), options.log);
      if (!builtin.ok()) {
        return Status(builtin.status().code(),
                      deploy::DescribeKey(*ms, "Builtin") + ": " + builtin.status().message());
      }
      builtins.push_back(std::move(*builtin));
      continue;
    }
    std::string engine_name = ms->engine
                                  ? std::string(deploy::EngineKindName(*ms->engine))
                                  : options.default_engine;
    Result<const ModuleCache::Loaded*> module = modules.Get(engine_name, *ms);
    if (!module.ok()) {
      return Status(module.status().code(),
                    deploy::DescribeKey(*ms, "WasmPath") + ": " +
                        module.status().message());
    }
    kernel::GuestOptions guest_options = GuestOptionsOf(*ms, deployment);
    guest_options.time_scale = ms->time_scale.value_or((*module)->time_scale);
    options.log(ms->name, LogLevel::kDebug,
                "running on engine " + engine_name +
                    (guest_options.time_scale == 1
                         ? std::string()
                         : " (time limits x" + std::to_string(guest_options.time_scale) + ")"),
                {});

    auto guest = std::make_unique<RunningGuest>();
    guest->name = ms->name;
    guest->id = kernel->AddGuest(ms->name, KindOf(ms->kind), deploy::DescribeKey(*ms, ""),
                                 guest_options);
    guest->module = (*module)->module.get();
    if (ms->kind == deploy::MicroserviceKind::kTest) guest->tests = options.tests;
    guest->instance_options.memory_limit =
        ms->memory_limit.value_or(engine::kDefaultMemoryLimit);
    guest->instance_options.name = ms->name;
    abi::WasiOptions& wasi = guest->wasi_options;
    wasi.name = ms->name;
    wasi.args = ms->args;
    wasi.env = ms->env;
    if (deployment.timezone) wasi.env.push_back("TZ=" + *deployment.timezone);
    wasi.sink = [log = options.log, name = ms->name](int fd, std::string_view line) {
      log(name, fd == 2 ? LogLevel::kWarn : LogLevel::kInfo, line, {});
    };
    if (Status started = guest->StartInstance(*kernel, *table); !started.ok()) {
      return Status(started.code(), deploy::DescribeKey(*ms, "") + ": " + started.message());
    }
    guests.push_back(std::move(guest));
  }

  // Before the guests start: a guest's first requirement may be on a peer.
  Result<std::unique_ptr<net::Node>> node = internal::StartNetwork(
      *kernel, deployment, options.host, modules.catalog(), net_log);
  if (!node.ok()) return node.status();

  if (signals) signals->Attach(kernel.get());
  // Declared after the kernel, so destroyed before it on every return.
  struct DetachSignals {
    std::optional<internal::SignalWatcher>& signals;
    ~DetachSignals() {
      if (signals) signals->Attach(nullptr);
    }
  } detach_signals{signals};

  // Guests run as fibers over one worker per core (see kernel/scheduler.h).
  kernel::SchedulerOptions scheduler_options{.workers = options.workers};
  for (const engine::EngineFiberHook& hook : engine::EngineFiberHooks()) {
    scheduler_options.hooks.push_back({hook.save, hook.restore, hook.release});
  }
  // On a networked host, an idle worker polls the network itself: the
  // worker that receives a call or an answer runs its guest (see
  // net/worker_queue.h).
  if (*node != nullptr) scheduler_options.idle_port = (*node)->idle_port();
  auto scheduler = std::make_unique<kernel::Scheduler>(std::move(scheduler_options));
  kernel->StartGuests();
  for (auto& guest_ptr : guests) {
    RunningGuest* guest = guest_ptr.get();
    std::lock_guard lock(table->mu);
    table->scheduler = scheduler.get();
    table->entries[guest->id].fiber = scheduler->Spawn(
        [guest, k = kernel.get(), table] { guest->Run(*k, *table); });
  }

  for (auto& builtin : builtins) builtin->Start();

  ApplicationResult result;
  result.exit_code = kernel->WaitForExit();
  result.exit_reason = kernel->exit_reason();

  bool all_ended =
      scheduler->JoinUntil(std::chrono::steady_clock::now() + options.exit_grace);
  if (!all_ended) {
    // Busy guests never read their exit request: stop them where they are.
    for (auto& guest : guests) {
      if (!kernel->HasEnded(guest->id)) kernel_options.interrupt(guest->id);
    }
    all_ended = scheduler->JoinUntil(std::chrono::steady_clock::now() +
                                     std::chrono::milliseconds(500));
  }
  // A built-in ends as soon as it reads its exit request (its handlers
  // never run for long).
  for (auto& builtin : builtins) builtin->Join();
  // Peers hear of the end, and calls between hosts are settled, before the
  // kernel can go.
  if (*node != nullptr) (*node)->Shutdown();
  if (!all_ended) {
    for (auto& guest : guests) {
      if (!kernel->HasEnded(guest->id)) {
        options.log(guest->name, LogLevel::kError,
                    "did not exit within " + std::to_string(options.exit_grace.count()) +
                        " ms of the application's end; abandoning it",
                    {});
        ++result.abandoned_guests;
      }
    }
    // Still running: the scheduler, the instances, their WASI state and the
    // kernel must outlive them, until the process ends (and so must the
    // node, where the scheduler's idle workers wait).
    (void)scheduler.release();
    for (auto& guest : guests) (void)guest.release();
    (void)node->release();
  }
  if (result.abandoned_guests > 0) (void)kernel.release();
  return result;
}

}  // namespace parigot::runtime
