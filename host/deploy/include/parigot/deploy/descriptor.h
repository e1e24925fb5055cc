// Loading a deployment descriptor: TOML file -> DeploymentOptions.
//
// Three steps, each usable alone:
//   1. ParseDescriptor: reads the file, chooses a deployment, and fills the
//      option structs. It reports TOML syntax errors, unknown keys (with a
//      "did you mean" suggestion), values of the wrong type, more than one of
//      Server/Main/Test true, and an unknown Engine name.
//   2. ValidateDeployment: checks the filled model: at least one
//      microservice, a WasmPath for each, well-formed Env entries, positive
//      timeouts, and in network mode the placement (hosts, Host, externals).
//   3. ResolveWasmPaths: finds each WasmPath on disk and fills
//      resolved_wasm_path.
// LoadDeployment runs all three and reports the errors of all of them at
// once, which is what a command-line tool wants.
//
// Errors. Every step collects all the errors it can find in one pass and
// returns them together in one Status, one per line, sorted by position:
//   app.toml:12:1: config.dev.microservice.greet.Wasmpath: unknown key (did you mean WasmPath?)
//   app.toml:13:7: config.dev.microservice.greet.Env[0]: "DEBUG" is not KEY=VALUE
// i.e. "file:line:column: key: message"; the file is the path as given by
// the caller. Parts that do not exist are left out (a descriptor that cannot
// be opened has no line). Codes: kNotFound when the descriptor file or a
// wasm file does not exist (and nothing else is wrong), else kInvalidArgument.
//
// Example:
//   std::vector<std::filesystem::path> extra = {default_wasm_dir};
//   auto d = parigot::deploy::LoadDeployment("app.toml", "", extra);
//   if (!d.ok()) { std::cerr << d.status().message() << "\n"; return 2; }
//   for (const auto& w : d->warnings) log::warn(w);
//   for (const auto* ms : MicroservicesFor(*d, RunMode::kRun)) ...
//
// Thread safety: the functions keep no state and may run concurrently on
// different DeploymentOptions. They read the process environment
// (PARIGOT_DEPLOYMENT, PARIGOT_PATH) with getenv and the current directory,
// so they must not race with setenv/chdir in other threads.
#ifndef PARIGOT_DEPLOY_DESCRIPTOR_H_
#define PARIGOT_DEPLOY_DESCRIPTOR_H_

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parigot/deploy/options.h"
#include "parigot/status.h"

namespace parigot::deploy {

// Chooses the deployment when the caller names none.
inline constexpr char kDeploymentEnvVar[] = "PARIGOT_DEPLOYMENT";
// Colon-separated directories searched for relative WasmPaths.
inline constexpr char kWasmPathEnvVar[] = "PARIGOT_PATH";

// Reads the descriptor at `path` and fills the options of one deployment.
//
// The deployment is, in order: `deployment_name` if not empty; else the value
// of $PARIGOT_DEPLOYMENT if set and not empty; else the file's only
// deployment; else "dev" if the file has it; else an error listing the
// available names. A name that is not in the file is an error listing them.
// Only the chosen deployment's table is checked (others may be for other
// versions of the tool); the top level of the file is always checked.
//
// On success the result is not yet validated or resolved; `warnings` holds
// the non-fatal findings (keys kept only for compatibility).
Result<DeploymentOptions> ParseDescriptor(const std::filesystem::path& path,
                                          std::string_view deployment_name);

// Checks what a parse cannot: at least one microservice; each has a non-empty
// WasmPath and a non-empty name; each Env entry is KEY=VALUE with a non-empty
// KEY; both timeouts are > 0; Timezone, if set, is not empty. Having no Main
// and no Test microservice is fine (a pure service deployment).
//
// Network mode (docs/descriptor.md): every host has a non-empty name, a
// HOST:PORT Listen and, if written, a HOST:PORT Address; no two hosts share a
// Listen. Without hosts, no microservice has a Host. With hosts, every
// microservice has one, each naming a declared host (else a "did you mean"),
// none twice, and a Main or Test program exactly one. Every external has a
// non-empty name, a Service "package.Service" that no other external has,
// and a HOST:PORT Address.
//
// Works on options built by code too (the messages then have no file and
// line). When `warnings` is not null, the non-fatal findings (a host on
// which no microservice is placed) are appended to it, one line each;
// `&deployment.warnings` is a fine place for them.
Status ValidateDeployment(const DeploymentOptions& deployment,
                          std::vector<std::string>* warnings = nullptr);

// Fills resolved_wasm_path of every microservice with a non-empty wasm_path.
// An absolute WasmPath must exist. A relative one is looked for, first match
// wins, in:
//   1. the descriptor's directory (deployment.descriptor_dir);
//   2. each SearchDir, in order (relative ones against the descriptor's
//      directory);
//   3. each directory of $PARIGOT_PATH, in order (colon-separated; relative
//      ones against the current directory; empty entries skipped);
//   4. each of `extra_dirs`, in order (e.g. the parigot binary's own wasm
//      directory; relative ones against the current directory).
// It must be a regular file (or a symlink to one). A WasmPath found nowhere
// is an error listing every directory searched. On error, the paths that were
// found are still filled.
Status ResolveWasmPaths(DeploymentOptions& deployment,
                        std::span<const std::filesystem::path> extra_dirs = {});

// ParseDescriptor + ValidateDeployment + ResolveWasmPaths, with the errors of
// all three reported together (the latter two run only if the file could be
// read as TOML and a deployment chosen). The result's `warnings` hold the
// findings of both the parse and the validation.
Result<DeploymentOptions> LoadDeployment(
    const std::filesystem::path& path, std::string_view deployment_name,
    std::span<const std::filesystem::path> extra_dirs = {});

}  // namespace parigot::deploy

#endif  // PARIGOT_DEPLOY_DESCRIPTOR_H_
