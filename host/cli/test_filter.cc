#include "host/cli/test_filter.h"

namespace parigot::cli {
namespace {

std::vector<std::string> SplitColons(std::string_view list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t colon = list.find(':', start);
    if (colon == std::string_view::npos) colon = list.size();
    if (colon > start) out.emplace_back(list.substr(start, colon - start));
    start = colon + 1;
  }
  return out;
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view text) {
  // Iterative, with one backtrack point (the last '*'): linear in practice,
  // never exponential.
  size_t p = 0, t = 0;
  size_t star = std::string_view::npos, star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_text = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

Result<TestFilter> TestFilter::Parse(std::string_view pattern) {
  for (char c : pattern) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return InvalidArgumentError("--filter: the pattern holds a control character");
    }
  }
  size_t dash = pattern.find('-');
  if (dash != std::string_view::npos && pattern.find('-', dash + 1) != std::string_view::npos) {
    return InvalidArgumentError("--filter " + std::string(pattern) +
                                ": more than one '-' (the form is POSITIVE:...-NEGATIVE:...)");
  }
  TestFilter filter;
  filter.positive_ = SplitColons(pattern.substr(0, dash));
  if (dash != std::string_view::npos) filter.negative_ = SplitColons(pattern.substr(dash + 1));
  if (filter.positive_.size() == 1 && filter.positive_[0] == "*") filter.positive_.clear();
  return filter;
}

bool TestFilter::Matches(std::string_view suite, std::string_view name) const {
  std::string full = std::string(suite) + "." + std::string(name);
  bool positive = positive_.empty();
  for (const std::string& p : positive_) positive = positive || GlobMatch(p, full);
  if (!positive) return false;
  for (const std::string& n : negative_) {
    if (GlobMatch(n, full)) return false;
  }
  return true;
}

}  // namespace parigot::cli
