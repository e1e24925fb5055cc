// Fuzzes the deployment descriptor's parse (TOML -> DeploymentOptions,
// through toml++ with its assertions live) and then what user input reaches
// after it: validation with placement, the messages, and the run-mode
// selections the runtime makes. Resolving WasmPaths is left out: it only
// looks files up on disk.
//
// Property: nothing crashes, asserts, leaks or is undefined; a parse that
// built a model with no error is well formed (a name, a key path) and its
// messages can be formatted.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/require.h"
#include "diagnostics.h"
#include "parigot/deploy/descriptor.h"

namespace {

using namespace parigot::deploy;

void UseModel(const DeploymentOptions& d) {
  for (RunMode mode : {RunMode::kRun, RunMode::kTest}) {
    for (const MicroserviceOptions* ms : MicroservicesFor(d, mode)) {
      (void)DescribeKey(*ms, "WasmPath");
      (void)FindMicroservice(d, ms->name);
    }
    for (const HostOptions& host : d.hosts) {
      (void)MicroservicesOnHost(d, mode, host.name);
      (void)FindHost(d, host.name);
      (void)DescribeKey(host, "Listen");
    }
  }
  for (const ExternalServiceOptions& external : d.externals) {
    (void)DescribeKey(external, "Address");
  }
  (void)HostNames(d);
  (void)DescribeKey(d, "Timeout.Complete");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // The deployment is chosen by the text alone.
  unsetenv(kDeploymentEnvVar);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  internal::Diagnostics diagnostics;
  std::optional<DeploymentOptions> d =
      internal::ParseText(text, "fuzz.toml", "/descriptor-dir", "", diagnostics);
  if (d) {
    bool parsed_cleanly = diagnostics.empty();
    parigot::fuzz::Require(!parsed_cleanly || (!d->name.empty() && !d->key_path.empty()));
    internal::Validate(*d, diagnostics, &d->warnings);
    UseModel(*d);
  }
  parigot::Status status = diagnostics.ToStatus();
  parigot::fuzz::Require(status.ok() == diagnostics.empty());
  return 0;
}
