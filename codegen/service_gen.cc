#include "service_gen.h"

#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/unknown_field_set.h>

namespace parigot::codegen {
namespace {

const pb::UnknownFieldSet& Unknown(const pb::Message& m) {
  return m.GetReflection()->GetUnknownFields(m);
}

bool StringOption(const pb::Message& options, int number, std::string* out) {
  const pb::UnknownFieldSet& u = Unknown(options);
  bool found = false;
  for (int i = 0; i < u.field_count(); ++i) {
    const pb::UnknownField& f = u.field(i);
    if (f.number() == number && f.type() == pb::UnknownField::TYPE_LENGTH_DELIMITED) {
      *out = f.length_delimited();
      found = true;
    }
  }
  return found;
}

// A varint option's value (the last one written); 0 when absent.
uint64_t VarintOption(const pb::Message& options, int number) {
  const pb::UnknownFieldSet& u = Unknown(options);
  uint64_t value = 0;
  for (int i = 0; i < u.field_count(); ++i) {
    const pb::UnknownField& f = u.field(i);
    if (f.number() == number && f.type() == pb::UnknownField::TYPE_VARINT) {
      value = f.varint();
    }
  }
  return value;
}

bool BoolOption(const pb::Message& options, int number) {
  return VarintOption(options, number) != 0;
}

// The methods' time limits (option protosupport.v1.time_limit_ms) as
// template arguments, "0u, 500u"; empty when no method has one.
std::string TimeLimits(const pb::ServiceDescriptor* s) {
  std::string out;
  bool any = false;
  for (int i = 0; i < s->method_count(); ++i) {
    // A uint32 option: protoc has checked its range.
    uint64_t ms = VarintOption(s->method(i)->options(), kTimeLimitMsOption);
    any = any || ms != 0;
    out += (i ? ", " : "") + std::to_string(ms) + "u";
  }
  return any ? out : "";
}

std::string ErrorEnumName(const pb::EnumDescriptor* e, Names& names) {
  if (e == nullptr) {
    std::string ns = kDefaultErrorPackage;
    for (size_t i = ns.find('.'); i != std::string::npos; i = ns.find('.')) {
      ns.replace(i, 1, "::");
    }
    const std::string& prefix = names.options().ns_prefix;
    if (!prefix.empty()) ns = prefix + "::" + ns;
    return "::" + ns + "::" + kDefaultErrorEnum;
  }
  return names.Qualified(e);
}

bool IsEmpty(const pb::Descriptor* d) { return d->field_count() == 0; }

// The printer variables of method `index` of `s`: $m$ (C++ name), $i$
// (index), $req$ and $resp$ (C++ types; void for an elided empty response),
// on top of the service's `vars`.
std::map<std::string, std::string> MethodVars(
    const std::map<std::string, std::string>& vars,
    const pb::ServiceDescriptor* s, int index, Names& names) {
  const pb::MethodDescriptor* m = s->method(index);
  auto mv = vars;
  mv["m"] = names.Method(m);
  mv["i"] = std::to_string(index);
  mv["req"] = names.Qualified(m->input_type());
  mv["resp"] = IsEmpty(m->output_type()) ? "void" : names.Qualified(m->output_type());
  return mv;
}

}  // namespace

bool ResolveService(const pb::ServiceDescriptor* s,
                    const pb::EnumDescriptor** found, std::string* error) {
  // protoc prefixes errors with the file name.
  std::string where = "service " + s->name();
  for (int i = 0; i < s->method_count(); ++i) {
    const pb::MethodDescriptor* m = s->method(i);
    if (m->client_streaming() || m->server_streaming()) {
      *error = where + ": method " + m->name() +
               " streams; parigot supports unary methods only";
      return false;
    }
  }
  *found = nullptr;
  std::string enum_name;
  if (!StringOption(s->options(), kErrorIdNameOption, &enum_name)) {
    *found = s->file()->pool()->FindEnumTypeByName(std::string(kDefaultErrorPackage) + "." +
                                                   kDefaultErrorEnum);
    return true;
  }
  std::string full = s->file()->package().empty()
                         ? enum_name
                         : s->file()->package() + "." + enum_name;
  const pb::EnumDescriptor* e = s->file()->pool()->FindEnumTypeByName(full);
  std::string about = where + ": error enum " + full +
                      " (named by option protosupport.v1.error_id_name)";
  if (e == nullptr) {
    *error = about + " is not defined in package " + s->file()->package();
    return false;
  }
  if (!BoolOption(e->options(), kParigotErrorOption)) {
    *error = about + " lacks option (protosupport.v1.parigot_error) = true";
    return false;
  }
  static const char* const kRequired[] = {"NoError", "DispatchError",
                                          "UnmarshalFailed", "MarshalFailed"};
  for (int i = 0; i < 4; ++i) {
    if (e->value_count() <= i || e->value(i)->name() != kRequired[i] ||
        e->value(i)->number() != i) {
      *error = about + " must begin with NoError = 0, DispatchError = 1, "
                       "UnmarshalFailed = 2, MarshalFailed = 3";
      return false;
    }
  }
  *found = e;
  return true;
}

void EmitService(pb::io::Printer& p, const pb::ServiceDescriptor* s,
                 const pb::EnumDescriptor* error_enum, Names& names) {
  std::map<std::string, std::string> vars;
  vars["svc"] = names.Client(s);
  vars["server"] = names.Server(s);
  vars["proto_svc"] = s->name();
  vars["pkg"] = s->file()->package();
  vars["err"] = ErrorEnumName(error_enum, names);
  vars["count"] = std::to_string(s->method_count());
  std::string proto_methods;
  for (int i = 0; i < s->method_count(); ++i) {
    proto_methods += (i ? ", \"" : "\"") + s->method(i)->name() + "\"";
  }
  vars["names"] = proto_methods;
  // Only services with a method that has its own time limit pass them.
  std::string limits = TimeLimits(s);
  vars["limits"] =
      limits.empty() ? "" : ", ::parigot::internal::kTimeLimitsMs<" + limits + ">";
  p.Print(vars,
          "// Client handle of service $pkg$.$proto_svc$; cheap to copy. Calls are\n"
          "// asynchronous: each returns a future that completes with the\n"
          "// response or a $err$ value.\n"
          "class $svc$ {\n"
          " public:\n"
          "  static constexpr ::std::string_view kPackage = \"$pkg$\";\n"
          "  static constexpr ::std::string_view kService = \"$proto_svc$\";\n"
          "  // Method names in rpc order; a method's index is its position.\n"
          "  static constexpr ::std::array<::std::string_view, $count$> kMethods = {$names$};\n"
          "  static constexpr ::parigot::ServiceName require{kPackage, kService};\n"
          "\n"
          "  // Aborts the guest with a logged error if the service cannot be located.\n"
          "  static $svc$ locate() {\n"
          "    return $svc$(::parigot::internal::LocateOrDie(kPackage, kService, kMethods));\n"
          "  }\n"
          "  static ::parigot::Result<$svc$> try_locate() {\n"
          "    auto h = ::parigot::internal::Locate(kPackage, kService, kMethods);\n"
          "    if (!h.ok()) return h.status();\n"
          "    return $svc$(*h);\n"
          "  }\n"
          "  explicit $svc$(::parigot::internal::ServiceHandle handle) : handle_(handle) {}\n");
  p.Indent();
  for (int i = 0; i < s->method_count(); ++i) {
    const pb::MethodDescriptor* m = s->method(i);
    auto mv = MethodVars(vars, s, i, names);
    p.Print(mv, "\n");
    if (IsEmpty(m->input_type())) {
      p.Print(mv,
              "::parigot::Future<$resp$, $err$> $m$(::parigot::CallOptions options = {}) const {\n"
              "  return ::parigot::internal::Call<$resp$, $err$>(this->handle_, $i$, options);\n"
              "}\n");
    } else {
      p.Print(mv,
              "::parigot::Future<$resp$, $err$> $m$(const $req$& request, ::parigot::CallOptions options = {}) const {\n"
              "  return ::parigot::internal::Call<$resp$, $err$>(this->handle_, $i$, request, options);\n"
              "}\n");
    }
  }
  p.Outdent();
  p.Print(vars,
          "\n"
          " private:\n"
          "  ::parigot::internal::ServiceHandle handle_;\n"
          "};\n"
          "\n"
          "// Server side of $pkg$.$proto_svc$: derive, implement every method, and\n"
          "// export an instance through the SDK.\n"
          "class $server$ : public ::parigot::Service {\n"
          " public:\n"
          "  $server$() : ::parigot::Service($svc$::kPackage, $svc$::kService, $svc$::kMethods$limits$) {}\n");
  p.Indent();
  for (int i = 0; i < s->method_count(); ++i) {
    const pb::MethodDescriptor* m = s->method(i);
    auto mv = MethodVars(vars, s, i, names);
    p.Print(mv, IsEmpty(m->input_type())
                    ? "virtual ::parigot::Future<$resp$, $err$> $m$() = 0;\n"
                    : "virtual ::parigot::Future<$resp$, $err$> $m$(const $req$& request) = 0;\n");
  }
  p.Outdent();
  p.Print("\n private:\n"
          "  void Dispatch(::std::size_t method_index, ::std::string_view param,\n"
          "                ::parigot::internal::Responder responder) final {\n");
  if (s->method_count() > 0) p.Print("    switch (method_index) {\n");
  for (int i = 0; i < s->method_count(); ++i) {
    const pb::MethodDescriptor* m = s->method(i);
    auto mv = MethodVars(vars, s, i, names);
    p.Print(mv, IsEmpty(m->input_type())
                    ? "      case $i$: return ::parigot::internal::Serve<void, $resp$, $err$>(param, responder, [this]() { return this->$m$(); });\n"
                    : "      case $i$: return ::parigot::internal::Serve<$req$, $resp$, $err$>(param, responder, [this](const $req$& r) { return this->$m$(r); });\n");
  }
  if (s->method_count() > 0) p.Print("    }\n");
  p.Print("    return ::parigot::internal::UnknownMethod(method_index, responder);\n"
          "  }\n"
          "};\n\n");
}

}  // namespace parigot::codegen
