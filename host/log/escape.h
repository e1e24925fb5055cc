// Text that goes into parigot's one log, made safe to print: nobody (a
// guest, a descriptor, a remote peer) can start a line that seems to come
// from someone else, or send raw terminal controls.
//
//   EscapeControl("a\nb\x1b[2J") == "a\\nb\\x1b[2J"
//
// Thread safety: pure functions.
#ifndef PARIGOT_HOST_LOG_ESCAPE_H_
#define PARIGOT_HOST_LOG_ESCAPE_H_

#include <string>
#include <string_view>
#include <vector>

namespace parigot::log {

// `text` with every ASCII control character (0x00-0x1f, 0x7f) written as an
// escape: \n, \r, \t, or \xHH. Everything else, UTF-8 included, is kept.
std::string EscapeControl(std::string_view text);

// The lines of `text` (split at '\n'; a trailing newline adds no empty
// line), each escaped as above, so that a log sink can prefix every one of
// them with the name of whoever wrote it. Empty text gives one empty line.
std::vector<std::string> EscapedLines(std::string_view text);

// `text` as valid UTF-8: every maximal ill-formed subsequence (an invalid
// byte, a sequence cut short, an overlong form, a surrogate, a code point
// above U+10FFFF) becomes U+FFFD, as the Unicode standard recommends; valid
// text is returned as it is. For formats that require UTF-8 (JSON).
std::string ToValidUtf8(std::string_view text);

}  // namespace parigot::log

#endif  // PARIGOT_HOST_LOG_ESCAPE_H_
