// EmitMessageImpl: the method definitions of generated messages (the .cc
// side): ByteSizeLong, SerializeWithCachedSizes and MergeFromReader, written
// as calls into the wire runtime's field helpers (guest/wire/.../fields.h).
#include <algorithm>
#include <map>
#include <set>

#include "message_gen.h"

namespace parigot::codegen {
namespace {

using FD = pb::FieldDescriptor;

// The wire runtime's field helpers and codecs (guest/wire/.../fields.h).
constexpr char kRuntime[] = "::parigot::wire::internal::";

// Fields in field-number order: libprotobuf serializes in this order, and so
// do we, so encodings match byte for byte.
std::vector<const FD*> FieldsByNumber(const pb::Descriptor* d) {
  std::vector<const FD*> fields;
  for (int i = 0; i < d->field_count(); ++i) fields.push_back(d->field(i));
  std::sort(fields.begin(), fields.end(),
            [](const FD* a, const FD* b) { return a->number() < b->number(); });
  return fields;
}

std::string OneofIndex(const FD* f) {
  const pb::OneofDescriptor* o = f->real_containing_oneof();
  for (int i = 0; i < o->field_count(); ++i) {
    if (o->field(i) == f) return std::to_string(i + 1);
  }
  return "0";
}

// Printer variables of one field. Members are always reached through
// `this->` and runtime names fully qualified, so no user name (a field called
// `tag`, `w` or `n`, a nested type called `std`) can capture them.
std::map<std::string, std::string> FieldVars(const FD* f, Names& names) {
  std::map<std::string, std::string> vars;
  vars["rt"] = kRuntime;
  vars["number"] = std::to_string(f->number());
  vars["tag"] = std::to_string((static_cast<uint32_t>(f->number()) << 3) | WireTypeOf(f));
  vars["tag_size"] = std::to_string(TagSize(f));
  if (f->is_map()) {
    vars["kc"] = std::string(kRuntime) + names.Codec(f->message_type()->map_key());
    vars["vc"] = std::string(kRuntime) + names.Codec(f->message_type()->map_value());
  } else {
    vars["codec"] = std::string(kRuntime) + names.Codec(f);
  }
  if (const pb::OneofDescriptor* o = f->real_containing_oneof()) {
    vars["member"] = "this->" + names.Member(o);
    vars["index"] = OneofIndex(f);
  } else {
    vars["member"] = "this->" + names.Member(f);
  }
  return vars;
}

}  // namespace

void EmitMessageImpl(pb::io::Printer& p, const pb::Descriptor* d, Names& names) {
  std::string name = names.Type(d);
  std::vector<const FD*> fields = FieldsByNumber(d);
  p.Print(
      "::std::string $name$::SerializeAsString() const {\n"
      "  ::std::string out(this->ByteSizeLong(), '\\0');\n"
      "  ::parigot::wire::Writer w(out.data());\n"
      "  this->SerializeWithCachedSizes(w);\n"
      "  return out;\n"
      "}\n\n"
      "void $name$::SerializeTo(::parigot::wire::Writer& w) const {\n"
      "  this->ByteSizeLong();\n"
      "  this->SerializeWithCachedSizes(w);\n"
      "}\n\n"
      "bool $name$::ParseFromString(::std::string_view bytes) {\n"
      "  this->Clear();\n"
      "  ::parigot::wire::Reader r(bytes);\n"
      "  if (this->MergeFromReader(r)) return true;\n"
      "  this->Clear();\n"
      "  return false;\n"
      "}\n\n"
      "bool $name$::operator==(const $qualified$&) const = default;\n\n"
      "void $name$::Clear() {\n",
      "name", name, "qualified", names.Qualified(d));
  p.Indent();
  std::set<const pb::OneofDescriptor*> oneofs;
  for (int i = 0; i < d->field_count(); ++i) {
    const FD* f = d->field(i);
    if (const pb::OneofDescriptor* o = f->real_containing_oneof()) {
      if (oneofs.insert(o).second) {
        p.Print("this->$o$ = ::std::monostate{};\n", "o", names.Member(o));
      }
    } else if (f->is_repeated() || (f->cpp_type() == FD::CPPTYPE_STRING && !IsOptionalScalar(f))) {
      p.Print("this->$n$.clear();\n", "n", names.Member(f));
    } else if (f->cpp_type() == FD::CPPTYPE_MESSAGE || IsOptionalScalar(f)) {
      p.Print("this->$n$.reset();\n", "n", names.Member(f));
    } else {
      p.Print("this->$n$ = {};\n", "n", names.Member(f));
    }
  }
  p.Outdent();
  p.Print(
      "}\n\n"
      "::std::size_t $name$::ByteSizeLong() const {\n"
      "  ::std::size_t n = 0;\n",
      "name", name);
  p.Indent();
  for (const FD* f : fields) {
    auto v = FieldVars(f, names);
    if (f->is_map()) {
      p.Print(v, "n += $rt$MapSize<$kc$, $vc$>($tag_size$, $member$);\n");
    } else if (f->is_repeated()) {
      p.Print(v, f->is_packed()
                     ? "n += $rt$PackedSize<$codec$>($tag_size$, $member$);\n"
                     : "n += $rt$UnpackedSize<$codec$>($tag_size$, $member$);\n");
    } else if (f->real_containing_oneof() != nullptr) {
      p.Print(v, f->cpp_type() == FD::CPPTYPE_MESSAGE
                     ? "if ($member$.index() == $index$) n += $tag_size$ + "
                       "$codec$::BoxSize(::std::get<$index$>($member$));\n"
                     : "if ($member$.index() == $index$) n += $tag_size$ + "
                       "$codec$::Size(::std::get<$index$>($member$));\n");
    } else if (f->cpp_type() == FD::CPPTYPE_MESSAGE || IsOptionalScalar(f)) {
      p.Print(v, "if ($member$.has_value()) n += $tag_size$ + $codec$::Size(*$member$);\n");
    } else {
      p.Print(v, "if (!$codec$::IsDefault($member$)) n += $tag_size$ + $codec$::Size($member$);\n");
    }
  }
  p.Print("this->_cached_size_.set(n);\nreturn n;\n");
  p.Outdent();
  p.Print("}\n\n");

  p.Print("void $name$::SerializeWithCachedSizes(::parigot::wire::Writer& w) const {\n",
          "name", name);
  p.Indent();
  if (fields.empty()) p.Print("(void)w;\n");
  for (const FD* f : fields) {
    auto v = FieldVars(f, names);
    if (f->is_map()) {
      p.Print(v, "$rt$WriteMap<$kc$, $vc$>(w, $tag$, $member$);\n");
    } else if (f->is_repeated()) {
      p.Print(v, f->is_packed() ? "$rt$WritePacked<$codec$>(w, $tag$, $member$);\n"
                                : "$rt$WriteUnpacked<$codec$>(w, $tag$, $member$);\n");
    } else if (f->real_containing_oneof() != nullptr) {
      p.Print(v, f->cpp_type() == FD::CPPTYPE_MESSAGE
                     ? "if ($member$.index() == $index$) { w.WriteTag($tag$); "
                       "$codec$::WriteBox(w, ::std::get<$index$>($member$)); }\n"
                     : "if ($member$.index() == $index$) { w.WriteTag($tag$); "
                       "$codec$::Write(w, ::std::get<$index$>($member$)); }\n");
    } else if (f->cpp_type() == FD::CPPTYPE_MESSAGE || IsOptionalScalar(f)) {
      p.Print(v, "if ($member$.has_value()) { w.WriteTag($tag$); $codec$::Write(w, *$member$); }\n");
    } else {
      p.Print(v, "if (!$codec$::IsDefault($member$)) { w.WriteTag($tag$); $codec$::Write(w, $member$); }\n");
    }
  }
  p.Outdent();
  p.Print("}\n\n");

  // A group type reads up to its end tag; a message read to the end of its
  // bytes is the same loop with no end tag (0 is never a valid tag).
  bool group = IsGroupType(d);
  if (group) {
    p.Print("bool $name$::MergeFromReader(::parigot::wire::Reader& r) {\n"
            "  return this->MergeFromReader(r, 0);\n"
            "}\n\n"
            "bool $name$::MergeFromReader(::parigot::wire::Reader& r, ::std::uint32_t end) {\n",
            "name", name);
  } else {
    p.Print("bool $name$::MergeFromReader(::parigot::wire::Reader& r) {\n", "name", name);
  }
  p.Print("  while (!r.AtEnd()) {\n"
          "    ::std::uint32_t tag;\n"
          "    if (!r.ReadTag(&tag)) return false;\n");
  if (group) p.Print("    if (tag == end) return true;\n");
  p.Print("    bool ok;\n"
          "    switch (tag >> 3) {\n");
  p.Indent();
  p.Indent();
  p.Indent();
  for (const FD* f : fields) {
    auto v = FieldVars(f, names);
    p.Print(v, "case $number$:\n  ");
    if (f->is_map()) {
      p.Print(v, "ok = $rt$ReadMapEntry<$kc$, $vc$>(r, tag, &$member$);\n");
    } else if (f->is_repeated()) {
      p.Print(v, "ok = $rt$ReadRepeated<$codec$>(r, tag, &$member$);\n");
    } else if (f->real_containing_oneof() != nullptr) {
      p.Print(v, "ok = $rt$ReadOneof<$codec$, $index$>(r, tag, &$member$);\n");
    } else if (f->cpp_type() == FD::CPPTYPE_MESSAGE) {
      p.Print(v, "ok = $rt$ReadBox<$codec$>(r, tag, &$member$);\n");
    } else if (IsOptionalScalar(f)) {
      p.Print(v, "ok = $rt$ReadOptional<$codec$>(r, tag, &$member$);\n");
    } else {
      p.Print(v, "ok = $rt$ReadSingular<$codec$>(r, tag, &$member$);\n");
    }
    p.Print("  break;\n");
  }
  p.Print("default:\n  ok = r.SkipField(tag);\n");
  p.Outdent();
  p.Outdent();
  p.Outdent();
  p.Print("    }\n"
          "    if (!ok) return false;\n"
          "  }\n");
  p.Print(group ? "  return end == 0;\n}\n\n" : "  return true;\n}\n\n");
}

}  // namespace parigot::codegen
