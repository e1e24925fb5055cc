#include "host/builtin/file/path.h"

#include <google/protobuf/stubs/common.h>

namespace parigot::builtin::file {
namespace {

namespace pb = ::parigot::file::v1;

bool IsControl(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7f;
}

}  // namespace

bool IsValidName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes || name == "." || name == "..") return false;
  for (char c : name) {
    if (c == '/' || IsControl(c)) return false;
  }
  return google::protobuf::internal::IsStructurallyValidUTF8(name.data(),
                                                             static_cast<int>(name.size()));
}

FileResult<Done> CheckPath(std::string_view path, RootPath root) {
  if (path.empty()) {
    if (root == RootPath::kAllowed) return Done{};
    return Error(pb::InvalidArgument, "the path is empty");
  }
  if (path.size() > kMaxPathBytes) {
    return Error(pb::InvalidArgument, "the path is longer than 4095 bytes");
  }
  if (path.front() == '/') return Error(pb::InvalidArgument, "the path is absolute");
  size_t start = 0;
  for (;;) {
    const size_t end = path.find('/', start);
    const std::string_view name =
        path.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!IsValidName(name)) {
      return Error(pb::InvalidArgument,
                   "the path has an empty, \".\", \"..\", over-long or non-text component");
    }
    if (end == std::string_view::npos) return Done{};
    start = end + 1;
  }
}

SplitPath Split(std::string_view path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return {"", path};
  return {path.substr(0, slash), path.substr(slash + 1)};
}

}  // namespace parigot::builtin::file
