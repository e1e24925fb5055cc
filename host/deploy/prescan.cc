#include "prescan.h"

#include <cstdint>
#include <vector>

namespace parigot::deploy::internal {
namespace {

uint8_t Byte(std::string_view text, size_t i) {
  return i < text.size() ? static_cast<uint8_t>(text[i]) : 0;
}

// The length of the UTF-8 sequence at text[i] (a byte >= 0x80), or 0 when it
// is not valid UTF-8 (RFC 3629: no overlong form, no surrogate, nothing past
// U+10FFFF, nothing cut short).
size_t Utf8Length(std::string_view text, size_t i) {
  uint8_t lead = Byte(text, i);
  size_t length = 0;
  uint8_t low = 0x80, high = 0xBF;  // the second byte's range
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // past U+10FFFF
  } else {
    return 0;
  }
  uint8_t second = Byte(text, i + 1);
  if (second < low || second > high) return 0;
  for (size_t k = 2; k < length; ++k) {
    if ((Byte(text, i + k) & 0xC0) != 0x80) return 0;
  }
  return length;
}

bool IsTrimmedSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// What may start a key: a bare key's characters or a quote.
bool IsKeyStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '-' || c == '"' || c == '\'';
}

class PreScanner {
 public:
  explicit PreScanner(std::string_view text) : text_(text) {}

  // Empty, or the first problem (then line() and column() say where).
  std::string Run();
  int line() const { return error_line_; }
  int column() const { return error_column_; }

 private:
  bool Fail(size_t at, std::string message) {
    error_ = std::move(message);
    error_line_ = line_;
    error_column_ = 1;  // in characters: UTF-8 continuation bytes do not count
    for (size_t k = line_start_; k < at; ++k) {
      if ((Byte(text_, k) & 0xC0) != 0x80) ++error_column_;
    }
    return false;
  }
  void NewLine(size_t newline) {
    ++line_;
    line_start_ = newline + 1;
  }
  // text_[*i] is a byte >= 0x80 in a string or comment: valid UTF-8, then
  // *i is its last byte.
  bool Utf8(size_t* i) {
    size_t length = Utf8Length(text_, *i);
    if (length == 0) return Fail(*i, "invalid UTF-8");
    *i += length - 1;
    return true;
  }
  bool Comment(size_t* i);
  bool String(size_t* i);
  bool Escape(size_t* j, bool multi_line);
  bool Header(size_t i);
  bool BareValue(size_t i);
  bool Open(size_t i, char kind);

  std::string_view text_;
  // The brackets open: '[' an array, '{' an inline table, 'h' a table
  // header's.
  std::vector<char> open_;
  int line_ = 1;
  size_t line_start_ = 0;
  std::string error_;
  int error_line_ = 0;
  int error_column_ = 0;
};

// From '#' to the end of the line; *i ends before the newline.
bool PreScanner::Comment(size_t* i) {
  size_t j = *i + 1;
  for (; j < text_.size() && text_[j] != '\n'; ++j) {
    if (Byte(text_, j) >= 0x80 && !Utf8(&j)) return false;
  }
  *i = j - 1;
  return true;
}

// From the opening quote(s) at *i past the closing ones; *i ends on the last
// byte of the string. An unterminated one-line string stops before its
// newline, which the caller then counts (toml++ reports the error).
bool PreScanner::String(size_t* i) {
  const char quote = text_[*i];
  const std::string_view three = quote == '"' ? "\"\"\"" : "'''";
  const bool multi_line = text_.substr(*i, 3) == three;
  const std::string_view close = multi_line ? three : three.substr(0, 1);
  size_t j = *i + close.size();
  while (j < text_.size() && text_.substr(j, close.size()) != close) {
    char c = text_[j];
    if (c == '\n') {
      if (!multi_line) break;
      NewLine(j);
    } else if (c == '\\' && quote == '"') {
      if (!Escape(&j, multi_line)) return false;
      continue;
    } else if (Byte(text_, j) >= 0x80 && !Utf8(&j)) {
      return false;
    }
    ++j;
  }
  const bool closed = j < text_.size() && text_.substr(j, close.size()) == close;
  *i = closed ? j + close.size() - 1 : j - 1;
  return true;
}

// The backslash at *j in a basic string; *j ends on what follows the escape.
bool PreScanner::Escape(size_t* j, bool multi_line) {
  size_t k = *j + 1;
  if (Byte(text_, k) >= 0x80) {
    return Fail(k, "invalid escape: a backslash followed by a non-ASCII character");
  }
  if (multi_line && k < text_.size() && IsTrimmedSpace(text_[k])) {
    // A line-ending backslash: toml++ trims the whitespace and line breaks
    // after it, asking its whitespace test about the first other character.
    for (; k < text_.size() && IsTrimmedSpace(text_[k]); ++k) {
      if (text_[k] == '\n') NewLine(k);
    }
    if (Byte(text_, k) >= 0x80) {
      return Fail(k,
                  "a non-ASCII character first after a line-ending backslash (toml++ "
                  "misreads it): write it as \\uXXXX, or before the backslash");
    }
    *j = k;
    return true;
  }
  // The escaped character is skipped, unless it is a newline, which ends a
  // one-line string (as an error) and is counted in a multi-line one.
  *j = k < text_.size() && text_[k] != '\n' ? k + 1 : k;
  return true;
}

// A table header's '[' (or the first of "[["), at i: a key must follow.
bool PreScanner::Header(size_t i) {
  size_t k = i + 1;
  if (k < text_.size() && text_[k] == '[') ++k;
  while (k < text_.size() && (text_[k] == ' ' || text_[k] == '\t')) ++k;
  // At the end or at ']', toml++ reports the missing name itself.
  if (k == text_.size() || text_[k] == ']' || IsKeyStart(text_[k])) return true;
  return Fail(k, "expected a table name after '" + std::string(text_.substr(i, k - i)) +
                     "' (a bare or quoted key)");
}

// A bare value (a number, a date, a boolean) starting at i. toml++ reads
// one by looking ahead to what ends it (whitespace, ',', ']', '}', '#', and
// for a date, one space and a time), asking its whitespace test about every
// character on the way, past any quote: into what we would take for a
// string. A quote is never part of a bare value.
bool PreScanner::BareValue(size_t i) {
  bool spaced = false;  // the one space of "1979-05-27 07:32:00"
  for (size_t k = i; k < text_.size(); ++k) {
    char c = text_[k];
    if (c == '"' || c == '\'') {
      return Fail(k, "a quote inside a bare value (a number, date or boolean)");
    }
    if (c == ' ' && !spaced && Byte(text_, k + 1) >= '0' && Byte(text_, k + 1) <= '9') {
      spaced = true;
      continue;
    }
    if (IsTrimmedSpace(c) || c == ',' || c == ']' || c == '}' || c == '#') break;
  }
  return true;
}

bool PreScanner::Open(size_t i, char kind) {
  if (open_.size() >= static_cast<size_t>(kMaxNesting)) {
    return Fail(i, "nested more than " + std::to_string(kMaxNesting) + " arrays or tables deep");
  }
  open_.push_back(kind);
  return true;
}

std::string PreScanner::Run() {
  int dots = 0;                 // since the last delimiter of keys and values
  bool at_line_start = true;    // nothing but whitespace yet on this line
  bool value_next = false;      // after '=', or '[' or ',' in an array
  const size_t start = text_.starts_with("\xEF\xBB\xBF") ? 3 : 0;  // a byte order mark
  for (size_t i = start; i < text_.size(); ++i) {
    const char c = text_[i];
    const bool was_at_line_start = at_line_start;
    at_line_start = false;
    if (value_next && !IsTrimmedSpace(c) && c != '#') {
      value_next = false;
      // In an array, toml++ asserts that a value does not start on what
      // ends one.
      if (c == '}' && !open_.empty() && open_.back() == '[') {
        Fail(i, "'}' where an array expects a value or ']'");
        return error_;
      }
      if (c != '"' && c != '\'' && c != '[' && c != '{' && c != ']' && !BareValue(i)) {
        return error_;
      }
    }
    bool ok = true;
    switch (c) {
      case '\n':
        NewLine(i);
        dots = 0;
        at_line_start = true;
        if (open_.empty()) value_next = false;  // a key-value pair is one line
        break;
      case ' ':
      case '\t':
      case '\r':
        at_line_start = was_at_line_start;
        break;
      case '#':
        ok = Comment(&i);
        break;
      case '"':
      case '\'':
        ok = String(&i);
        break;
      case '[': {
        dots = 0;
        // Only at the top level can a line start with a table header.
        bool header = open_.empty() ? was_at_line_start : open_.back() == 'h';
        ok = (!header || !open_.empty() || Header(i)) && Open(i, header ? 'h' : '[');
        value_next = !header;
        break;
      }
      case '{':
        dots = 0;
        ok = Open(i, '{');
        break;
      case ']':
      case '}':
        dots = 0;
        if (!open_.empty()) open_.pop_back();
        break;
      case '=':
        dots = 0;
        value_next = true;
        break;
      case ',':
        dots = 0;
        value_next = !open_.empty() && open_.back() == '[';
        break;
      case '.':
        if (++dots >= kMaxNesting) {
          ok = Fail(i, "a dotted key of more than " + std::to_string(kMaxNesting) + " parts");
        }
        break;
      default:
        if (Byte(text_, i) >= 0x80) {
          ok = Utf8Length(text_, i) == 0
                   ? Fail(i, "invalid UTF-8")
                   : Fail(i, "a non-ASCII character outside a string or comment "
                             "(TOML keys are ASCII unless quoted)");
        }
        break;
    }
    if (!ok) return error_;
  }
  return "";
}

}  // namespace

std::string PreScan(std::string_view text, int* line, int* column) {
  PreScanner scanner(text);
  std::string problem = scanner.Run();
  if (!problem.empty()) {
    *line = scanner.line();
    *column = scanner.column();
  }
  return problem;
}

}  // namespace parigot::deploy::internal
