#include "bench/harness/guest_runner.h"

#include <chrono>
#include <string>

namespace parigot::bench {

Result<std::unique_ptr<GuestRunner>> GuestRunner::Create(const engine::Engine& engine,
                                                         std::span<const uint8_t> wasm,
                                                         std::string_view debug_name,
                                                         double* load_ms) {
  const auto start = std::chrono::steady_clock::now();
  std::unique_ptr<GuestRunner> runner(new GuestRunner());
  runner->wasi_ = std::make_unique<abi::Wasi>(abi::WasiOptions{.name = std::string(debug_name)});
  auto module = engine.Load(wasm, debug_name);
  if (!module.ok()) return module.status();
  runner->module_ = std::move(*module);
  auto instance = runner->module_->Instantiate(runner->wasi_->HostFunctions(), nullptr);
  if (!instance.ok()) return instance.status();
  runner->instance_ = std::move(*instance);
  if (runner->instance_->ExportSignature("_initialize").has_value()) {
    auto outcome = runner->instance_->Call("_initialize", {});
    if (!outcome.ok()) return outcome.status();
    if (!outcome->returned()) {
      return AbortedError(std::string(debug_name) + ": _initialize " + outcome->ToString());
    }
  }
  if (load_ms != nullptr) {
    *load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                         start)
                   .count();
  }
  return runner;
}

Result<uint64_t> GuestRunner::Call(std::string_view export_name, uint32_t arg) {
  const engine::Signature expected{{engine::ValueType::kI32}, {engine::ValueType::kI64}};
  std::optional<engine::Signature> signature = instance_->ExportSignature(export_name);
  if (signature.has_value() && *signature != expected) {
    return InvalidArgumentError("export " + std::string(export_name) + " has type " +
                                signature->ToString() + ", want " + expected.ToString());
  }
  const uint64_t args[1] = {arg};
  auto outcome = instance_->Call(export_name, args);
  if (!outcome.ok()) return outcome.status();
  if (!outcome->returned()) {
    return AbortedError(std::string(export_name) + ": " + outcome->ToString());
  }
  return outcome->results.at(0);
}

}  // namespace parigot::bench
