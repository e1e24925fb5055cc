#include "diagnostics.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <tuple>

namespace parigot::deploy::internal {

namespace {
std::string QuotedName(std::string_view s) { return "\"" + std::string(s) + "\""; }
}  // namespace

bool IsIdentifier(std::string_view s) {
  auto word = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  };
  return !s.empty() && !std::isdigit(static_cast<unsigned char>(s.front())) &&
         std::all_of(s.begin(), s.end(), word);
}

std::string ServiceNameProblem(std::string_view service) {
  size_t dot = service.rfind('.');
  if (dot == std::string_view::npos) {
    return "no package; a full name reads like \"weather.v1.Weather\"";
  }
  std::string_view package = service.substr(0, dot);
  std::string_view name = service.substr(dot + 1);
  if (package.empty()) return "empty package";
  if (name.empty()) return "empty service name after the last '.'";
  for (size_t start = 0;;) {
    size_t next = package.find('.', start);
    std::string_view part = package.substr(start, next - start);
    if (part.empty()) return "empty part in package " + QuotedName(package);
    if (!IsIdentifier(part)) {
      return QuotedName(part) +
             " is not an identifier (letters, digits and '_', not starting "
             "with a digit)";
    }
    if (next == std::string_view::npos) break;
    start = next + 1;
  }
  if (!IsIdentifier(name)) {
    return "service name " + QuotedName(name) +
           " is not an identifier (letters, digits and '_', not starting with "
           "a digit)";
  }
  return "";
}

std::string MethodNameProblem(std::string_view method) {
  size_t dot = method.rfind('.');
  if (dot == std::string_view::npos) {
    return IsIdentifier(method) ? ""
                                : "not a method name (letters, digits and '_', not starting "
                                  "with a digit), nor a full one like \"store.v1.Store.Put\"";
  }
  std::string_view service = method.substr(0, dot);
  std::string_view name = method.substr(dot + 1);
  if (service.find('.') == std::string_view::npos) {
    return "no package; a full method name reads like \"store.v1.Store.Put\"";
  }
  if (std::string problem = ServiceNameProblem(service); !problem.empty()) return problem;
  if (!IsIdentifier(name)) {
    return "method name " + QuotedName(name) +
           " is not an identifier (letters, digits and '_', not starting with a digit)";
  }
  return "";
}

std::string FormatDiagnostic(const SourceLocation& location,
                             std::string_view key, std::string_view message) {
  std::string out = location.ToString();
  if (!out.empty()) out += ": ";
  if (!key.empty()) {
    out += key;
    out += ": ";
  }
  out += message;
  return out;
}

void Diagnostics::Add(SourceLocation location, std::string key,
                      std::string message, StatusCode code) {
  if (!key.empty() && !keys_.insert(key).second) return;  // one error per key
  list_.push_back(
      {std::move(location), std::move(key), std::move(message), code});
}

Status Diagnostics::ToStatus() const {
  if (list_.empty()) return Status::Ok();
  std::vector<const Diagnostic*> sorted;
  for (const Diagnostic& d : list_) sorted.push_back(&d);
  // Stable by position: ties keep the order in which they were added (the
  // pointers point into one vector, so they order as added).
  std::sort(sorted.begin(), sorted.end(),
            [](const Diagnostic* a, const Diagnostic* b) {
              return std::tie(a->location.file, a->location.line,
                              a->location.column) <
                         std::tie(b->location.file, b->location.line,
                                  b->location.column) ||
                     (std::tie(a->location.file, a->location.line,
                               a->location.column) ==
                          std::tie(b->location.file, b->location.line,
                                   b->location.column) &&
                      std::less<const Diagnostic*>()(a, b));
            });
  StatusCode code = sorted.front()->code;
  std::string message;
  for (size_t i = 0; i < sorted.size(); ++i) {
    const Diagnostic* d = sorted[i];
    if (d->code != code) code = StatusCode::kInvalidArgument;
    if (i >= kMaxReported) continue;
    if (!message.empty()) message += '\n';
    message += FormatDiagnostic(d->location, d->key, d->message);
  }
  if (sorted.size() > kMaxReported) {
    message += "\n... and " + std::to_string(sorted.size() - kMaxReported) +
               " more errors";
  }
  return Status(code, std::move(message));
}

std::string JoinKey(std::string_view table_path, std::string_view key) {
  std::string out(table_path);
  if (!key.empty()) {
    if (!out.empty()) out += '.';
    out += key;
  }
  return out;
}

std::string DeploymentKey(const DeploymentOptions& deployment,
                          std::string_view key) {
  return JoinKey(deployment.key_path.empty() ? "config" : deployment.key_path,
                 key);
}

SourceLocation Where(const KeyLocations& locations, std::string_view key,
                     const SourceLocation& table) {
  if (auto it = locations.find(key); it != locations.end()) return it->second;
  return table;
}

bool Diagnostics::HasErrorFor(std::string_view key) const {
  return keys_.contains(std::string(key));
}

namespace {

// Case-insensitive optimal-string-alignment distance: insertions, deletions,
// substitutions and transpositions of neighbours ("Mian" -> "Main") cost 1.
size_t EditDistance(std::string_view a, std::string_view b) {
  auto same = [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  };
  std::vector<std::vector<size_t>> d(a.size() + 1,
                                     std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (same(a[i - 1], b[j - 1]) ? 0 : 1)});
      if (i > 1 && j > 1 && same(a[i - 1], b[j - 2]) &&
          same(a[i - 2], b[j - 1])) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::string_view Suggest(std::string_view unknown,
                         std::span<const std::string_view> known) {
  // Allow one edit per three characters, at least one and at most two.
  size_t limit = std::clamp<size_t>(unknown.size() / 3, 1, 2);
  std::string_view best;
  size_t best_distance = limit + 1;
  for (std::string_view candidate : known) {
    size_t d = EditDistance(unknown, candidate);
    if (d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

std::string TomlKey(std::string_view key) {
  bool bare = !key.empty() &&
              std::all_of(key.begin(), key.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) ||
                       c == '_' || c == '-';
              });
  if (bare) return std::string(key);
  // A basic string, with TOML's escapes: control characters never reach a
  // message raw.
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "\"";
  for (char c : key) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (byte < 0x20 || byte == 0x7f) {
      out += "\\u00";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

}  // namespace parigot::deploy::internal
