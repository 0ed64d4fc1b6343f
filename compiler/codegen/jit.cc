// The LLVM ORC JIT. This is one of the two places (with compiler/syntax)
// that include third-party compiler headers.
#include "codegen/jit.h"

#include "codegen/llvm_support.h"

#include <llvm/Config/llvm-config.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/TargetParser/Host.h>

#include <mutex>
#include <stdexcept>

namespace kpic {

namespace codegen {

void InitLlvm() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

std::string ErrorText(llvm::Error err) {
  std::string msg;
  llvm::handleAllErrors(std::move(err), [&](const llvm::ErrorInfoBase& e) { msg += e.message(); });
  return msg;
}

void Optimize(llvm::Module& mod) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb;
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cam, mam);
  llvm::ModulePassManager mpm = pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O2);
  mpm.run(mod, mam);
}

}  // namespace codegen

namespace {

using codegen::ErrorText;
using codegen::InitLlvm;
using codegen::Optimize;


/// int32 kpic_checked_sum(const int64* data, int64 n, int64* out)
/// returns 1 on overflow, 0 otherwise.
std::unique_ptr<llvm::Module> BuildSumModule(llvm::LLVMContext& ctx) {
  auto mod = std::make_unique<llvm::Module>("kpic_checked_sum", ctx);
  llvm::IRBuilder<> b(ctx);
  auto* i64 = b.getInt64Ty();
  auto* ptr = b.getPtrTy();
  auto* fn_type = llvm::FunctionType::get(b.getInt32Ty(), {ptr, i64, ptr}, false);
  auto* fn = llvm::Function::Create(fn_type, llvm::Function::ExternalLinkage, "kpic_checked_sum", mod.get());
  auto args = fn->arg_begin();
  llvm::Value* data = &*args++;
  llvm::Value* n = &*args++;
  llvm::Value* out = &*args;

  auto* entry = llvm::BasicBlock::Create(ctx, "entry", fn);
  auto* loop = llvm::BasicBlock::Create(ctx, "loop", fn);
  auto* body = llvm::BasicBlock::Create(ctx, "body", fn);
  auto* overflow = llvm::BasicBlock::Create(ctx, "overflow", fn);
  auto* done = llvm::BasicBlock::Create(ctx, "done", fn);

  b.SetInsertPoint(entry);
  b.CreateBr(loop);

  b.SetInsertPoint(loop);
  auto* i = b.CreatePHI(i64, 2, "i");
  auto* acc = b.CreatePHI(i64, 2, "acc");
  i->addIncoming(b.getInt64(0), entry);
  acc->addIncoming(b.getInt64(0), entry);
  b.CreateCondBr(b.CreateICmpSLT(i, n), body, done);

  b.SetInsertPoint(body);
  llvm::Value* v = b.CreateLoad(i64, b.CreateGEP(i64, data, i));
  llvm::Function* sadd = llvm::Intrinsic::getDeclaration(mod.get(), llvm::Intrinsic::sadd_with_overflow, {i64});
  llvm::Value* pair = b.CreateCall(sadd, {acc, v});
  llvm::Value* sum = b.CreateExtractValue(pair, 0);
  llvm::Value* ovf = b.CreateExtractValue(pair, 1);
  llvm::Value* next = b.CreateAdd(i, b.getInt64(1));
  i->addIncoming(next, body);
  acc->addIncoming(sum, body);
  b.CreateCondBr(ovf, overflow, loop);

  b.SetInsertPoint(overflow);
  b.CreateRet(b.getInt32(1));

  b.SetInsertPoint(done);
  b.CreateStore(acc, out);
  b.CreateRet(b.getInt32(0));

  if (llvm::verifyFunction(*fn, &llvm::errs())) throw std::runtime_error("generated invalid IR");
  return mod;
}

}  // namespace

std::string DescribeCodegen() {
  InitLlvm();
  return std::string("LLVM ") + LLVM_VERSION_STRING + ", target " + llvm::sys::getProcessTriple() + ", cpu " +
         llvm::sys::getHostCPUName().str();
}

std::optional<int64_t> JitCheckedSum(const std::vector<int64_t>& values) {
  InitLlvm();
  auto jit = llvm::orc::LLJITBuilder().create();
  if (!jit) throw std::runtime_error("cannot create the JIT: " + ErrorText(jit.takeError()));
  auto ctx = std::make_unique<llvm::LLVMContext>();
  auto mod = BuildSumModule(*ctx);
  Optimize(*mod);
  if (auto err = (*jit)->addIRModule(llvm::orc::ThreadSafeModule(std::move(mod), std::move(ctx))))
    throw std::runtime_error("cannot add module: " + ErrorText(std::move(err)));
  auto sym = (*jit)->lookup("kpic_checked_sum");
  if (!sym) throw std::runtime_error("cannot find kernel: " + ErrorText(sym.takeError()));
  using Fn = int32_t (*)(const int64_t*, int64_t, int64_t*);
  auto fn = sym->toPtr<Fn>();
  int64_t out = 0;
  if (fn(values.data(), static_cast<int64_t>(values.size()), &out) != 0) return std::nullopt;
  return out;
}

}  // namespace kpic
