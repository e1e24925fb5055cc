// The files `parigot new` writes, with placeholders in their paths and
// texts: @APP@ (application name), @PACKAGE@ (proto package), @PACKAGE_DIR@
// (package as a path), @NS@ (package as a C++ namespace), @SERVICE@
// (service name), @SERVICE_DIR@ (its lower-case name: directory, guest and
// .proto file), @SDK_VERSION@ (parigot's version).
#ifndef PARIGOT_HOST_SCAFFOLD_TEMPLATES_H_
#define PARIGOT_HOST_SCAFFOLD_TEMPLATES_H_

#include <span>
#include <string_view>

namespace parigot::scaffold {

struct Template {
  std::string_view path;
  std::string_view text;
};

std::span<const Template> Templates();

}  // namespace parigot::scaffold

#endif  // PARIGOT_HOST_SCAFFOLD_TEMPLATES_H_
