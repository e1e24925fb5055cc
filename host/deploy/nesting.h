// A bound on how deeply a descriptor nests, checked on its text before
// toml++ parses it: toml++ recurses once per dotted-key part and per nested
// array or inline table, so a 50,000-part key (100 KB) would overflow the
// stack. Descriptors need a handful of levels; kMaxNesting is far beyond.
//
// The scan knows just enough TOML to do this in one linear pass: strings
// (basic, literal, multi-line), comments, the brackets of arrays, inline
// tables and table headers, and the dots of dotted keys (a dot in a value,
// as in 1.5, is never more than one per value).
//
// Thread safety: a pure function.
#ifndef PARIGOT_HOST_DEPLOY_NESTING_H_
#define PARIGOT_HOST_DEPLOY_NESTING_H_

#include <string>
#include <string_view>


namespace parigot::deploy::internal {

inline constexpr int kMaxNesting = 64;

// Empty when `text` nests at most kMaxNesting deep and its dotted keys have
// at most kMaxNesting parts; else what is too deep, with `*line` and
// `*column` set to where the limit was passed.
std::string CheckNesting(std::string_view text, int* line, int* column);

}  // namespace parigot::deploy::internal

#endif  // PARIGOT_HOST_DEPLOY_NESTING_H_
