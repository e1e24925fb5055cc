#include "host/engine/interp/interrupt_checks.h"

#include <memory>
#include <string>

#include "wabt/binary-writer.h"
#include "wabt/feature.h"
#include "wabt/ir.h"
#include "wabt/stream.h"

namespace parigot::engine::internal {
namespace {

// Prepends the interrupt check to every loop body in `exprs`, recursively.
void InstrumentLoops(wabt::ExprList& exprs, wabt::Index global) {
  for (wabt::Expr& expr : exprs) {
    switch (expr.type()) {
      case wabt::ExprType::Loop: {
        auto& loop = static_cast<wabt::LoopExpr&>(expr);
        InstrumentLoops(loop.block.exprs, global);
        auto check = std::make_unique<wabt::IfExpr>();
        check->true_.exprs.push_back(std::make_unique<wabt::UnreachableExpr>());
        loop.block.exprs.push_front(std::move(check));
        loop.block.exprs.push_front(
            std::make_unique<wabt::GlobalGetExpr>(wabt::Var(global, wabt::Location())));
        break;
      }
      case wabt::ExprType::Block:
        InstrumentLoops(static_cast<wabt::BlockExpr&>(expr).block.exprs, global);
        break;
      case wabt::ExprType::If: {
        auto& branch = static_cast<wabt::IfExpr&>(expr);
        InstrumentLoops(branch.true_.exprs, global);
        InstrumentLoops(branch.false_, global);
        break;
      }
      case wabt::ExprType::Try: {
        auto& attempt = static_cast<wabt::TryExpr&>(expr);
        InstrumentLoops(attempt.block.exprs, global);
        for (wabt::Catch& handler : attempt.catches) InstrumentLoops(handler.exprs, global);
        break;
      }
      default:
        break;
    }
  }
}

}  // namespace

Result<std::vector<uint8_t>> AddInterruptChecks(wabt::Module& module,
                                                std::string_view debug_name) {
  std::string name(debug_name);
  wabt::Features features;
  auto global_field = std::make_unique<wabt::GlobalModuleField>();
  global_field->global.type = wabt::Type::I32;
  global_field->global.mutable_ = true;
  global_field->global.init_expr.push_back(
      std::make_unique<wabt::ConstExpr>(wabt::Const::I32(0)));
  module.AppendField(std::move(global_field));
  auto global = static_cast<wabt::Index>(module.globals.size() - 1);

  auto export_field = std::make_unique<wabt::ExportModuleField>();
  export_field->export_.name = std::string(kInterruptGlobal);
  export_field->export_.kind = wabt::ExternalKind::Global;
  export_field->export_.var = wabt::Var(global, wabt::Location());
  module.AppendField(std::move(export_field));

  for (wabt::Func* func : module.funcs) InstrumentLoops(func->exprs, global);

  wabt::MemoryStream out;
  wabt::WriteBinaryOptions write_options(features, /*canonicalize_lebs=*/true,
                                         /*relocatable=*/false,
                                         /*write_debug_names=*/true);
  if (wabt::Failed(wabt::WriteBinaryModule(&out, &module, write_options))) {
    return InternalError(name + ": cannot re-encode the module with interrupt checks");
  }
  const std::vector<uint8_t>& data = out.output_buffer().data;
  return std::vector<uint8_t>(data.begin(), data.end());
}

}  // namespace parigot::engine::internal
