#include "host/engine/testing/wat.h"

#include <memory>
#include <string>

#include "wabt/binary-writer.h"
#include "wabt/error-formatter.h"
#include "wabt/feature.h"
#include "wabt/ir.h"
#include "wabt/stream.h"
#include "wabt/validator.h"
#include "wabt/wast-lexer.h"
#include "wabt/wast-parser.h"

namespace parigot::engine::testing {

Result<std::vector<uint8_t>> WatToWasm(std::string_view wat) {
  wabt::Errors errors;
  wabt::Features features;
  auto lexer = wabt::WastLexer::CreateBufferLexer("test.wat", wat.data(), wat.size(), &errors);
  wabt::WastParseOptions parse_options(features);
  std::unique_ptr<wabt::Module> module;
  wabt::Result r = wabt::ParseWatModule(lexer.get(), &module, &errors, &parse_options);
  if (wabt::Succeeded(r)) {
    r = wabt::ValidateModule(module.get(), &errors, wabt::ValidateOptions(features));
  }
  if (wabt::Failed(r)) {
    return InvalidArgumentError(
        wabt::FormatErrorsToString(errors, wabt::Location::Type::Text));
  }
  wabt::MemoryStream stream;
  wabt::WriteBinaryOptions write_options(features, /*canonicalize_lebs=*/true,
                                         /*relocatable=*/false, /*write_debug_names=*/false);
  if (wabt::Failed(wabt::WriteBinaryModule(&stream, module.get(), write_options))) {
    return InternalError("wabt could not write the binary");
  }
  return std::move(stream.output_buffer().data);
}

}  // namespace parigot::engine::testing
