// A scan of a descriptor's text before toml++ parses it, refusing what
// toml++ 3.3 cannot be trusted with. Each refusal is an error with a line
// and a column; none refuses a valid TOML 1.0 document, except the last,
// which refuses a rare one with a message saying how to write it instead.
//
//  * Nesting. toml++ recurses once per dotted-key part and per nested array
//    or inline table, so a 50,000-part key (100 KB) would overflow the
//    stack. Descriptors need a handful of levels; kMaxNesting is far beyond.
//  * Encoding. TOML is UTF-8; invalid UTF-8 (overlong forms, surrogates,
//    past U+10FFFF, cut short) is refused, wherever it is.
//  * Non-ASCII outside strings and comments, never valid in TOML 1.0 (bare
//    keys are ASCII). toml++'s whitespace test for non-ASCII characters
//    (is_non_ascii_horizontal_whitespace, a generated table with a gap)
//    reaches TOML_UNREACHABLE for most code points in U+00A1-U+0499,
//    U+2D6E-U+3167 and U+FBDE-U+FEFE: an assertion in a debug build, and
//    __builtin_unreachable, undefined behaviour, in the release library
//    (`x = 1ö` is enough). A leading byte order mark is allowed.
//  * A quote in a bare value (`x = 7"é"`, `t = 00:00"é"`): toml++ reads a
//    number, date or boolean by looking ahead, with the same whitespace test,
//    until what ends it (whitespace, ',', ']', '}', '#'), through what we
//    would skip as a string. Never valid TOML.
//  * A '}' where an array expects a value (`a = [1, }`): toml++'s
//    parse_value asserts that a value does not start on what ends one.
//  * A table header whose '[' or '[[' is not followed by a key (a newline,
//    '#', '%' ...): toml++'s parse_key asserts that it starts on a key
//    character (TOML_ASSERT_ASSUME, __builtin_assume in the release
//    library). The whole header is toml++'s to check; only its first
//    character is ours.
//  * In a multi-line basic string, a non-ASCII character right after a
//    backslash (an invalid escape) or first after a line-ending backslash
//    and the whitespace it trims: toml++ asks the same whitespace test about
//    it. The latter is valid TOML; the message says to escape it (\uXXXX)
//    or to move it onto the backslash's line.
//
// The scan knows just enough TOML to do this in one linear pass: strings
// (basic, literal, multi-line) and their escapes, comments, the brackets of
// arrays, inline tables and table headers, where values start (after '=',
// and after '[' or ',' in an array), and the dots of dotted keys (a dot in
// a value, as in 1.5, is never more than one per value). Where the
// text is not TOML its view may differ from toml++'s, but only after a place
// where toml++ stops with an error of its own.
//
// Thread safety: a pure function.
#ifndef PARIGOT_HOST_DEPLOY_PRESCAN_H_
#define PARIGOT_HOST_DEPLOY_PRESCAN_H_

#include <string>
#include <string_view>

namespace parigot::deploy::internal {

inline constexpr int kMaxNesting = 64;

// Empty when `text` passes every check above; else what is wrong, with
// `*line` and `*column` (1-based, the column in characters, as toml++
// counts them) set to where.
std::string PreScan(std::string_view text, int* line, int* column);

}  // namespace parigot::deploy::internal

#endif  // PARIGOT_HOST_DEPLOY_PRESCAN_H_
