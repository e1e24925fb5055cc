// `parigot new`: writes a complete application into a directory of its own,
// built against the installed SDK (find_package(Parigot)):
//
//   CMakeLists.txt, CMakePresets.json   the build (`cmake --workflow --preset default`)
//   proto/<package path>/<service>.proto a service with an error enum
//   <service>/main.cc                    the service
//   main/main.cc                         a Main program that calls it
//   test/main.cc                         a Test program (`parigot test`)
//   <app>.toml, <app>-net.toml           one process; two hosts
//   README.md                            how to build, run and test it
//
// Existing files are never overwritten: if any of these exists, nothing is
// written and the error names every one.
//
// Thread safety: Scaffold touches only the directory it is given.
#ifndef PARIGOT_HOST_SCAFFOLD_SCAFFOLD_H_
#define PARIGOT_HOST_SCAFFOLD_SCAFFOLD_H_

#include <filesystem>
#include <string>
#include <vector>

#include "parigot/status.h"

namespace parigot::scaffold {

struct ScaffoldOptions {
  std::filesystem::path dir;  // created if missing
  // The application's name: the descriptors' and the CMake project's.
  // Empty: the directory's name. Letters, digits, `_` and `-`, beginning
  // with a letter.
  std::string app;
  // The service's name, CamelCase (`Greeter`).
  std::string service = "Greeter";
  // The proto package, lower-case dotted words (`shop.v1`). Empty: the
  // application's name in lower case, `-` as `_`, then `.v1`.
  std::string package;
};

// What Scaffold wrote, relative to the directory.
struct Scaffolded {
  std::vector<std::filesystem::path> files;  // in the order above
  std::filesystem::path descriptor;          // the one-process descriptor
};

// Writes the application. Errors: InvalidArgument for a bad name (saying
// which rule it breaks), AlreadyExists naming the files that exist,
// Internal for I/O failures.
Result<Scaffolded> Scaffold(const ScaffoldOptions& options);

}  // namespace parigot::scaffold

#endif  // PARIGOT_HOST_SCAFFOLD_SCAFFOLD_H_
