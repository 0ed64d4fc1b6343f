// LLVM set-up shared by the JIT's users inside compiler/codegen (this header
// includes LLVM and must not be used outside that folder).
#pragma once

#include <llvm/IR/Module.h>
#include <llvm/Support/Error.h>

#include <string>

namespace kpic::codegen {

/// Initialises the native target once per process.
void InitLlvm();
/// The messages of an llvm::Error, consuming it.
std::string ErrorText(llvm::Error err);
/// Runs LLVM's default O2 pipeline over the module.
void Optimize(llvm::Module& mod);

}  // namespace kpic::codegen
