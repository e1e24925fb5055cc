// How the test API (parigot/testing.h) prints the values of failed checks.
//
// Printer<T>::Print(value) gives the text: integers and floating point in
// decimal (floating point shortest round-trip), bool as true/false, strings
// and chars quoted with C escapes, nullptr, pointers in hex, enums as their
// integer and, for enums generated from .proto files, their proto name
// (`4 (UnknownLang)`), std::optional and std::vector element by element,
// generated messages as "<message>" (they carry no debug text), and
// anything else as "<N-byte object>". Specialize Printer<T> for types of
// your own:
//
//   template <> struct parigot::testing::Printer<Money> {
//     static std::string Print(const Money& m) { return m.ToString(); }
//   };
//
// Thread safety: functions of their arguments only.
#ifndef PARIGOT_TESTING_PRINT_H_
#define PARIGOT_TESTING_PRINT_H_

#include <charconv>
#include <concepts>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "parigot/call_cause.h"
#include "parigot/wire/wire.h"

namespace parigot::testing {

template <typename T>
struct Printer;

namespace internal {

// `text` in double quotes, with C escapes for quotes, backslashes and
// bytes below 0x20 or from 0x7f.
std::string Quote(std::string_view text, char quote = '"');

template <typename T>
concept GeneratedEnum = std::is_enum_v<T> && requires(T value) {
  { ::parigot::wire::EnumNames<T>::Name(value) } -> std::convertible_to<std::string_view>;
};

template <typename T>
concept GeneratedMessage = requires(const T& message) {
  { message.SerializeAsString() } -> std::convertible_to<std::string>;
  { message.ByteSizeLong() } -> std::convertible_to<std::size_t>;
};

template <typename T>
std::string PrintValue(const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    return value ? "true" : "false";
  } else if constexpr (std::is_same_v<T, char>) {
    return Quote(std::string_view(&value, 1), '\'');
  } else if constexpr (std::is_integral_v<T>) {
    return std::to_string(value);
  } else if constexpr (std::is_floating_point_v<T>) {
    char buffer[64];
    auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return error == std::errc() ? std::string(buffer, end) : std::string("<float>");
  } else if constexpr (std::is_enum_v<T>) {
    using U = std::underlying_type_t<T>;
    std::string text = std::to_string(static_cast<std::conditional_t<
                                          std::is_signed_v<U>, long long, unsigned long long>>(
        static_cast<U>(value)));
    if constexpr (GeneratedEnum<T>) {
      std::string_view name = ::parigot::wire::EnumNames<T>::Name(value);
      if (!name.empty()) text += " (" + std::string(name) + ")";
    }
    return text;
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    if constexpr (std::is_pointer_v<T>) {
      if (value == nullptr) return "nullptr";
    }
    return Quote(std::string_view(value));
  } else if constexpr (std::is_same_v<T, std::nullptr_t>) {
    return "nullptr";
  } else if constexpr (std::is_pointer_v<T>) {
    if (value == nullptr) return "nullptr";
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%p", static_cast<const void*>(value));
    return buffer;
  } else if constexpr (GeneratedMessage<T>) {
    return "<message>";
  } else {
    return "<" + std::to_string(sizeof(T)) + "-byte object>";
  }
}

// ", but a is 1 and b is 2"'s tail: each value after its expression,
// except a literal that prints as itself.
std::string Values(std::string_view a_text, const std::string& a, std::string_view b_text,
                   const std::string& b);

// " (cause: deadline exceeded)" for a cause other than kNone, else "".
std::string CauseText(CallCause cause);

}  // namespace internal

template <typename T>
struct Printer {
  static std::string Print(const T& value) { return internal::PrintValue(value); }
};

// char arrays (string literals) print as strings.
template <std::size_t N>
struct Printer<char[N]> {
  static std::string Print(const char (&value)[N]) {
    return internal::Quote(std::string_view(value, N > 0 && value[N - 1] == '\0' ? N - 1 : N));
  }
};

template <typename T>
struct Printer<std::optional<T>> {
  static std::string Print(const std::optional<T>& value) {
    return value ? Printer<T>::Print(*value) : std::string("nullopt");
  }
};

template <typename T>
struct Printer<std::vector<T>> {
  static std::string Print(const std::vector<T>& values) {
    std::string text = "{";
    for (std::size_t i = 0; i < values.size(); ++i) {
      text += (i == 0 ? "" : ", ") + Printer<T>::Print(values[i]);
    }
    return text + "}";
  }
};

}  // namespace parigot::testing

#endif  // PARIGOT_TESTING_PRINT_H_
