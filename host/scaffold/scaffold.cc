#include "host/scaffold/scaffold.h"

#include <cctype>
#include <fstream>
#include <map>
#include <system_error>

#include "host/scaffold/templates.h"

namespace parigot::scaffold {
namespace {

namespace fs = std::filesystem;

bool IsAppName(const std::string& s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

bool IsServiceName(const std::string& s) {
  if (s.empty() || !std::isupper(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Lower-case words joined by dots, each beginning with a letter: a package
// name that is also a valid C++ namespace path. (C++ keywords are left to
// protoc-gen-parigot, which escapes them.)
bool IsPackageName(const std::string& s) {
  bool word_start = true;
  for (char c : s) {
    if (c == '.') {
      if (word_start) return false;
      word_start = true;
    } else if (word_start) {
      if (!std::islower(static_cast<unsigned char>(c))) return false;
      word_start = false;
    } else if (!std::islower(static_cast<unsigned char>(c)) &&
               !std::isdigit(static_cast<unsigned char>(c)) && c != '_') {
      return false;
    }
  }
  return !s.empty() && !word_start;
}

std::string ReplaceAll(std::string text, const std::map<std::string, std::string>& values) {
  for (const auto& [key, value] : values) {
    for (size_t at = text.find(key); at != std::string::npos;
         at = text.find(key, at + value.size())) {
      text.replace(at, key.size(), value);
    }
  }
  return text;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Result<Scaffolded> Scaffold(const ScaffoldOptions& options) {
  std::string app = options.app;
  if (app.empty()) {
    // "shop", "shop/" and "shop/." all name shop.
    fs::path dir = fs::absolute(options.dir).lexically_normal();
    app = (dir.has_filename() ? dir : dir.parent_path()).filename().string();
  }
  if (!IsAppName(app)) {
    return InvalidArgumentError("application name \"" + app +
                                "\": use letters, digits, '_' and '-', beginning "
                                "with a letter (--name NAME)");
  }
  if (!IsServiceName(options.service)) {
    return InvalidArgumentError("service name \"" + options.service +
                                "\": use CamelCase letters and digits, beginning with "
                                "a capital (--service Greeter)");
  }
  std::string package = options.package.empty()
                            ? ReplaceAll(Lower(app), {{"-", "_"}}) + ".v1"
                            : options.package;
  if (!IsPackageName(package)) {
    return InvalidArgumentError("package \"" + package +
                                "\": use lower-case words of letters, digits and '_', "
                                "each beginning with a letter, joined by dots "
                                "(--package shop.v1)");
  }
  const std::map<std::string, std::string> values = {
      {"@APP@", app},
      {"@PACKAGE@", package},
      {"@PACKAGE_DIR@", ReplaceAll(package, {{".", "/"}})},
      {"@NS@", ReplaceAll(package, {{".", "::"}})},
      {"@SERVICE@", options.service},
      {"@SERVICE_DIR@", Lower(options.service)},
      {"@SDK_VERSION@", PARIGOT_VERSION},
  };

  Scaffolded written;
  std::vector<fs::path>& paths = written.files;
  std::string existing;
  for (const Template& t : Templates()) {
    paths.emplace_back(ReplaceAll(std::string(t.path), values));
    std::error_code ec;
    if (fs::exists(options.dir / paths.back(), ec) || ec) {
      existing += "\n  " + (options.dir / paths.back()).string();
    }
  }
  if (!existing.empty()) {
    return AlreadyExistsError("these files exist already, so nothing was written "
                              "(parigot new never overwrites):" + existing);
  }
  for (size_t i = 0; i < paths.size(); ++i) {
    fs::path file = options.dir / paths[i];
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    if (ec) return InternalError("cannot create " + file.parent_path().string() + ": " + ec.message());
    std::ofstream out(file, std::ios::binary);
    out << ReplaceAll(std::string(Templates()[i].text), values);
    out.close();
    if (!out) return InternalError("cannot write " + file.string());
  }
  written.descriptor = app + ".toml";
  return written;
}

}  // namespace parigot::scaffold
