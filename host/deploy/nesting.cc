#include "nesting.h"

namespace parigot::deploy::internal {

std::string CheckNesting(std::string_view text, int* line, int* column) {
  int depth = 0;
  int dots = 0;  // since the last delimiter of keys and values
  int current_line = 1;
  size_t line_start = 0;
  auto at = [&](size_t i) {
    *line = current_line;
    *column = static_cast<int>(i - line_start) + 1;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    switch (c) {
      case '\n':
        ++current_line;
        line_start = i + 1;
        dots = 0;
        break;
      case '#':  // a comment, to the end of the line
        while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
        break;
      case '"':
      case '\'': {
        bool multi = text.substr(i, 3) == std::string_view(c == '"' ? "\"\"\"" : "'''");
        size_t quote_len = multi ? 3 : 1;
        std::string_view close = text.substr(i, quote_len);
        size_t j = i + quote_len;
        while (j < text.size() && text.substr(j, quote_len) != close) {
          if (c == '"' && text[j] == '\\') ++j;  // skips the escaped character
          if (j < text.size() && text[j] == '\n') {
            if (!multi) break;  // toml++ reports the unterminated string
            ++current_line;
            line_start = j + 1;
          }
          ++j;
        }
        // Past the closing quotes; an unterminated string stops before its
        // newline, which the loop then counts (toml++ reports the error).
        i = j < text.size() && text.substr(j, quote_len) == close ? j + quote_len - 1 : j - 1;
        break;
      }
      case '[':
      case '{':
        dots = 0;
        if (++depth > kMaxNesting) {
          at(i);
          return "nested more than " + std::to_string(kMaxNesting) +
                 " arrays or tables deep";
        }
        break;
      case ']':
      case '}':
        dots = 0;
        if (depth > 0) --depth;
        break;
      case '=':
      case ',':
        dots = 0;
        break;
      case '.':
        if (++dots >= kMaxNesting) {
          at(i);
          return "a dotted key of more than " + std::to_string(kMaxNesting) + " parts";
        }
        break;
      default:
        break;
    }
  }
  return "";
}

}  // namespace parigot::deploy::internal
