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

std::map<std::string, std::string> FieldVars(const FD* f, const Options& opts) {
  uint32_t wire = 0;
  if (f->is_packed()) {
    wire = 2;
  } else {
    switch (f->type()) {
      case FD::TYPE_DOUBLE: case FD::TYPE_FIXED64: case FD::TYPE_SFIXED64:
        wire = 1;
        break;
      case FD::TYPE_FLOAT: case FD::TYPE_FIXED32: case FD::TYPE_SFIXED32:
        wire = 5;
        break;
      case FD::TYPE_STRING: case FD::TYPE_BYTES: case FD::TYPE_MESSAGE:
        wire = 2;
        break;
      default:
        wire = 0;
    }
  }
  std::map<std::string, std::string> vars;
  vars["name"] = FieldName(f);
  vars["number"] = std::to_string(f->number());
  vars["tag"] = std::to_string((static_cast<uint32_t>(f->number()) << 3) | wire);
  vars["tag_size"] = std::to_string(TagSize(f));
  vars["codec"] = Codec(f, opts);
  if (f->is_map()) {
    vars["kc"] = Codec(f->message_type()->map_key(), opts);
    vars["vc"] = Codec(f->message_type()->map_value(), opts);
  }
  if (f->real_containing_oneof() != nullptr) {
    vars["oneof"] = OneofName(f->real_containing_oneof());
    vars["index"] = OneofIndex(f);
  }
  if (f->cpp_type() == FD::CPPTYPE_MESSAGE) {
    vars["msg"] = ValueType(f, opts);
  }
  return vars;
}

}  // namespace

void EmitMessageImpl(pb::io::Printer& p, const pb::Descriptor* d,
                     const Options& opts) {
  std::string name = ClassName(d);
  std::vector<const FD*> fields = FieldsByNumber(d);
  p.Print(
      "std::string $name$::SerializeAsString() const {\n"
      "  std::string out(ByteSizeLong(), '\\0');\n"
      "  ::parigot::wire::Writer w(out.data());\n"
      "  SerializeWithCachedSizes(w);\n"
      "  return out;\n"
      "}\n\n"
      "void $name$::SerializeTo(::parigot::wire::Writer& w) const {\n"
      "  ByteSizeLong();\n"
      "  SerializeWithCachedSizes(w);\n"
      "}\n\n"
      "bool $name$::ParseFromString(std::string_view bytes) {\n"
      "  Clear();\n"
      "  ::parigot::wire::Reader r(bytes);\n"
      "  if (MergeFromReader(r)) return true;\n"
      "  Clear();\n"
      "  return false;\n"
      "}\n\n"
      "void $name$::Clear() {\n",
      "name", name);
  p.Indent();
  std::set<const pb::OneofDescriptor*> oneofs;
  for (int i = 0; i < d->field_count(); ++i) {
    const FD* f = d->field(i);
    if (const pb::OneofDescriptor* o = f->real_containing_oneof()) {
      if (oneofs.insert(o).second) p.Print("$o$ = std::monostate{};\n", "o", OneofName(o));
    } else if (f->is_repeated() || (f->cpp_type() == FD::CPPTYPE_STRING && !IsOptionalScalar(f))) {
      p.Print("$n$.clear();\n", "n", FieldName(f));
    } else if (f->cpp_type() == FD::CPPTYPE_MESSAGE || IsOptionalScalar(f)) {
      p.Print("$n$.reset();\n", "n", FieldName(f));
    } else {
      p.Print("$n$ = {};\n", "n", FieldName(f));
    }
  }
  p.Outdent();
  p.Print(
      "}\n\n"
      "size_t $name$::ByteSizeLong() const {\n"
      "  size_t n = 0;\n",
      "name", name);
  p.Indent();
  for (const FD* f : fields) {
    auto v = FieldVars(f, opts);
    if (f->is_map()) {
      p.Print(v, "n += pwi::MapSize<$kc$, $vc$>($tag_size$, $name$);\n");
    } else if (f->is_repeated()) {
      p.Print(v, f->is_packed()
                     ? "n += pwi::PackedSize<$codec$>($tag_size$, $name$);\n"
                     : "n += pwi::UnpackedSize<$codec$>($tag_size$, $name$);\n");
    } else if (f->real_containing_oneof() != nullptr) {
      p.Print(v, f->cpp_type() == FD::CPPTYPE_MESSAGE
                     ? "if ($oneof$.index() == $index$) n += $tag_size$ + "
                       "$codec$::BoxSize(std::get<$index$>($oneof$));\n"
                     : "if ($oneof$.index() == $index$) n += $tag_size$ + "
                       "$codec$::Size(std::get<$index$>($oneof$));\n");
    } else if (f->cpp_type() == FD::CPPTYPE_MESSAGE || IsOptionalScalar(f)) {
      p.Print(v, "if ($name$.has_value()) n += $tag_size$ + $codec$::Size(*$name$);\n");
    } else {
      p.Print(v, "if (!$codec$::IsDefault($name$)) n += $tag_size$ + $codec$::Size($name$);\n");
    }
  }
  p.Print("_cached_size_.set(n);\nreturn n;\n");
  p.Outdent();
  p.Print("}\n\n");

  p.Print("void $name$::SerializeWithCachedSizes(::parigot::wire::Writer& w) const {\n",
          "name", name);
  p.Indent();
  if (fields.empty()) p.Print("(void)w;\n");
  for (const FD* f : fields) {
    auto v = FieldVars(f, opts);
    if (f->is_map()) {
      p.Print(v, "pwi::WriteMap<$kc$, $vc$>(w, $tag$, $name$);\n");
    } else if (f->is_repeated()) {
      p.Print(v, f->is_packed() ? "pwi::WritePacked<$codec$>(w, $tag$, $name$);\n"
                                : "pwi::WriteUnpacked<$codec$>(w, $tag$, $name$);\n");
    } else if (f->real_containing_oneof() != nullptr) {
      p.Print(v, f->cpp_type() == FD::CPPTYPE_MESSAGE
                     ? "if ($oneof$.index() == $index$) { w.WriteTag($tag$); "
                       "$codec$::WriteBox(w, std::get<$index$>($oneof$)); }\n"
                     : "if ($oneof$.index() == $index$) { w.WriteTag($tag$); "
                       "$codec$::Write(w, std::get<$index$>($oneof$)); }\n");
    } else if (f->cpp_type() == FD::CPPTYPE_MESSAGE || IsOptionalScalar(f)) {
      p.Print(v, "if ($name$.has_value()) { w.WriteTag($tag$); $codec$::Write(w, *$name$); }\n");
    } else {
      p.Print(v, "if (!$codec$::IsDefault($name$)) { w.WriteTag($tag$); $codec$::Write(w, $name$); }\n");
    }
  }
  p.Outdent();
  p.Print("}\n\n");

  p.Print(
      "bool $name$::MergeFromReader(::parigot::wire::Reader& r) {\n"
      "  while (!r.AtEnd()) {\n"
      "    uint32_t tag;\n"
      "    if (!r.ReadTag(&tag)) return false;\n"
      "    bool ok;\n"
      "    switch (tag >> 3) {\n",
      "name", name);
  p.Indent();
  p.Indent();
  p.Indent();
  for (const FD* f : fields) {
    auto v = FieldVars(f, opts);
    p.Print(v, "case $number$:\n  ");
    if (f->is_map()) {
      p.Print(v, "ok = pwi::ReadMapEntry<$kc$, $vc$>(r, tag, &$name$);\n");
    } else if (f->is_repeated()) {
      p.Print(v, "ok = pwi::ReadRepeated<$codec$>(r, tag, &$name$);\n");
    } else if (f->real_containing_oneof() != nullptr) {
      p.Print(v, "ok = pwi::ReadOneof<$codec$, $index$>(r, tag, &$oneof$);\n");
    } else if (f->cpp_type() == FD::CPPTYPE_MESSAGE) {
      p.Print(v, "ok = pwi::ReadBox<$msg$>(r, tag, &$name$);\n");
    } else if (IsOptionalScalar(f)) {
      p.Print(v, "ok = pwi::ReadOptional<$codec$>(r, tag, &$name$);\n");
    } else {
      p.Print(v, "ok = pwi::ReadSingular<$codec$>(r, tag, &$name$);\n");
    }
    p.Print("  break;\n");
  }
  p.Print("default:\n  ok = r.SkipField(tag);\n");
  p.Outdent();
  p.Outdent();
  p.Outdent();
  p.Print(
      "    }\n"
      "    if (!ok) return false;\n"
      "  }\n"
      "  return true;\n"
      "}\n\n");
}

}  // namespace parigot::codegen
