// Scan kernels generated with LLVM and compiled by ORC LLJIT.
//
// The kernel is `i32 kpic_scan(KArgs*, i64 begin, i64 end)`. The group id
// of every row is computed beforehand (engine/group.cc) so that the kernel
// only filters, evaluates and accumulates. Each row expression node yields a
// value, a null flag and an overflow code (0, or the node id + 1 of the
// first overflow in the interpreter's evaluation order), so that the kernel
// reports exactly the overflows the interpreter would, and no others.
#include "codegen/kernel.h"

#include "codegen/llvm_support.h"
#include "hugepages.h"

#include <fmt/format.h>
#include <llvm/Config/llvm-config.h>
#include <llvm/ExecutionEngine/Orc/CompileUtils.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <cstddef>
#include <exception>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "decimal.h"
#include "engine/group.h"
#include "engine/scan_util.h"
#include "timezone.h"

namespace kpic {

using plan::AggSpec;
using plan::RowNode;
using plan::VT;

namespace {

using codegen::ErrorText;
using codegen::InitLlvm;
using codegen::Optimize;

// ---- the runtime interface of kernels ------------------------------------------------

/// Everything a kernel reads and writes; built per chunk (states move as
/// groups are added).
struct KArgs {
  const void* const* col_data;
  const uint8_t* const* col_valid;
  const uint32_t* gid;  ///< gid[row - begin]
  int64_t* rows;
  void* const* st_main;  ///< per aggregate: isum/fsum/imin/.../vector array
  void* const* st_aux;   ///< per aggregate: isumsq/fsumsq (stddev, variance), else null
  int64_t* const* st_count;
  const uint8_t* const* tables;  ///< per node: string predicate table
  const rt::Calendar* cal;
  void* const* helpers;  ///< kHelpers
  int64_t err_row;
  int32_t err_node;
  /// 1 when no column the kernel reads has a null in [begin, end): the
  /// kernel then runs its copy of the loop that reads no validity bytes.
  int32_t no_nulls;
  void* const* st_shift;  ///< per aggregate: fshift (stddev, variance over floats), else null
};

enum Helper { kDatePartFn, kPushDistinctFn, kPushValueFn, kHelpers };

/// Overflow codes from this on name an aggregate (code - 1 - this) whose
/// exact sum of squares left 128 bits; below it, a row node (code - 1).
constexpr int32_t kSumSquaresError = 1 << 24;

/// A date part of `v`, and in `cache` ({lo, hi, value}) the inputs
/// [lo, hi) that have the same part, so that the kernel calls again only
/// for a value outside them (rows come in time order, mostly): for a
/// timestamp, the instants of the same local day under one zone offset;
/// for a date, the day. Hours are not cached (lo = hi).
extern "C" int64_t KpicDatePart(int64_t v, int32_t ts, int32_t part, const rt::Calendar* cal, int64_t* cache) {
  const auto fn = static_cast<builtins::Fn>(part);
  int64_t value = engine::DatePart(fn, ts != 0, v, *cal);
  cache[0] = cache[1] = 0;
  cache[2] = value;
  // Only the parts that are functions of the local day are cached (a part
  // added later, finer than a day, must not be).
  using F = builtins::Fn;
  if (fn != F::kDate && fn != F::kYear && fn != F::kQuarter && fn != F::kMonth && fn != F::kDay &&
      fn != F::kWeekday && fn != F::kWeek)
    return value;
  if (ts == 0) {
    if (v < INT64_MAX) cache[0] = v, cache[1] = v + 1;
    return value;
  }
  int64_t secs = v / 1000000 - (v % 1000000 < 0);  // floor, without negating (v may be INT64_MIN)
  int64_t zlo = INT64_MIN, zhi = INT64_MAX;
  int64_t offset = cal->zone ? cal->zone->OffsetAt(secs, &zlo, &zhi) : 0;
  int64_t local = secs + offset;
  int64_t day = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
  int64_t lo = std::max(day * 86400 - offset, zlo), hi = std::min(day * 86400 - offset + 86400, zhi);
  constexpr int64_t kLimit = INT64_MAX / 1000000 - 1;
  if (lo > -kLimit && hi < kLimit && lo < hi) cache[0] = lo * 1000000, cache[1] = hi * 1000000;
  return value;
}
/// Adds a key to a group's distinct set, and refreshes the group's view
/// of its bitmap (DistinctView), through which the kernel sets the bits of
/// keys inside it without a call.
extern "C" void KpicPushDistinct(void* sets, void* views, uint32_t g, int64_t v) {
  engine::DistinctSet& set = static_cast<engine::DistinctSet*>(sets)[g];
  set.Add(v);
  static_cast<engine::DistinctView*>(views)[g] = set.View();
}
extern "C" void KpicPushValue(void* lists, uint32_t g, double v) {
  static_cast<std::vector<double>*>(lists)[g].push_back(v);
}

/// An exact sum (or average) whose rows the kernel adds into a 64-bit
/// partial sum per group, spilling it into the group's 128-bit sum only
/// when the next addition would overflow 64 bits; the runner adds what
/// the partials hold before its states are read (Runner::Settle).
bool PartialSum(const plan::Scan& s, const AggSpec& a) {
  return (a.fn == AggSpec::Fn::kSum || a.fn == AggSpec::Fn::kAvg) && a.arg >= 0 && s.nodes[a.arg].type != VT::kFloat;
}

/// An aggregate without a filter of its own counts the rows its input is
/// null in, not the rows it takes: its count is the group's rows less
/// those, worked out by the runner (Runner::Settle). In the loop for rows
/// without nulls such an aggregate counts nothing at all.
bool CountsSkipped(const AggSpec& a) { return a.filter < 0; }

bool IsStringPredicate(const plan::Scan& s, const RowNode& n) {
  using O = RowNode::Op;
  if (n.op != O::kEq && n.op != O::kNe && n.op != O::kLt && n.op != O::kLe && n.op != O::kGt && n.op != O::kGe &&
      n.op != O::kIn)
    return false;
  return s.nodes[n.args[0]].type == VT::kString || (n.args.size() > 1 && s.nodes[n.args[1]].type == VT::kString);
}

/// For a string predicate, the string column it tests (or -1).
int PredicateColumn(const plan::Scan& s, const RowNode& n, bool* flipped) {
  *flipped = false;
  const RowNode& a = s.nodes[n.args[0]];
  if (a.op == RowNode::Op::kColumn) {
    for (size_t k = 1; k < n.args.size(); ++k)
      if (s.nodes[n.args[k]].op != RowNode::Op::kConst) return -1;
    return a.column;
  }
  if (n.op != RowNode::Op::kIn && a.op == RowNode::Op::kConst && s.nodes[n.args[1]].op == RowNode::Op::kColumn) {
    *flipped = true;
    return s.nodes[n.args[1]].column;
  }
  return -1;
}

// ---- code generation ----------------------------------------------------------------------

struct V {
  llvm::Value* v;     ///< i64 or double
  llvm::Value* null;  ///< i1
  llvm::Value* ovf;   ///< i32: 0, or node id + 1
};

class Gen {
 public:
  Gen(const plan::Scan& s, llvm::LLVMContext& ctx, llvm::Module& mod) : s_(s), ctx_(ctx), mod_(mod), b_(ctx) {
    i1_ = b_.getInt1Ty();
    i8_ = b_.getInt8Ty();
    i32_ = b_.getInt32Ty();
    i64_ = b_.getInt64Ty();
    i128_ = b_.getInt128Ty();
    f64_ = b_.getDoubleTy();
    f80_ = llvm::Type::getX86_FP80Ty(ctx);
    ptr_ = b_.getPtrTy();
  }

  llvm::Function* Build() {
    auto* fty = llvm::FunctionType::get(i32_, {ptr_, i64_, i64_}, false);
    fn_ = llvm::Function::Create(fty, llvm::Function::ExternalLinkage, "kpic_scan", mod_);
    auto it = fn_->arg_begin();
    args_ = &*it++;
    llvm::Value* begin = &*it++;
    llvm::Value* end = &*it;
    auto* entry = Block("entry");
    auto* loop = Block("loop");
    auto* loop_no_nulls = Block("loop_no_nulls");
    auto* done = Block("done");
    err_ = Block("overflow");

    entry_ = entry;
    b_.SetInsertPoint(entry);
    col_data_ = LoadField(offsetof(KArgs, col_data));
    col_valid_ = LoadField(offsetof(KArgs, col_valid));
    gid_ = LoadField(offsetof(KArgs, gid));
    rows_ = LoadField(offsetof(KArgs, rows));
    st_main_ = LoadField(offsetof(KArgs, st_main));
    st_aux_ = LoadField(offsetof(KArgs, st_aux));
    st_shift_ = LoadField(offsetof(KArgs, st_shift));
    st_count_ = LoadField(offsetof(KArgs, st_count));
    tables_ = LoadField(offsetof(KArgs, tables));
    cal_ = LoadField(offsetof(KArgs, cal));
    helpers_ = LoadField(offsetof(KArgs, helpers));
    // Column pointers are loop-invariant: load them once.
    for (size_t c = 0; c < s_.columns.size(); ++c) {
      data_.push_back(LoadPtr(col_data_, c));
      valid_.push_back(LoadPtr(col_valid_, c));
    }
    for (size_t a = 0; a < s_.aggs.size(); ++a) {
      main_.push_back(LoadPtr(st_main_, a));
      bool moments = s_.aggs[a].fn == AggSpec::Fn::kStddev || s_.aggs[a].fn == AggSpec::Fn::kVariance;
      bool views = s_.aggs[a].fn == AggSpec::Fn::kCountDistinct;
      aux_.push_back(moments || views || PartialSum(s_, s_.aggs[a]) ? LoadPtr(st_aux_, a) : nullptr);
      bool fl = s_.aggs[a].arg >= 0 && s_.nodes[s_.aggs[a].arg].type == VT::kFloat;
      shift_.push_back(moments && fl ? LoadPtr(st_shift_, a) : nullptr);
      count_.push_back(LoadPtr(st_count_, a));
    }
    for (size_t n = 0; n < s_.nodes.size(); ++n)
      table_.push_back(IsStringPredicate(s_, s_.nodes[n]) ? LoadPtr(tables_, n) : nullptr);
    // Two copies of the row loop: one reads each column's validity bytes,
    // the other (taken for a range without nulls in the columns it reads)
    // knows every value is there, and its null logic folds away.
    bool columns = false;
    for (const RowNode& n : s_.nodes) columns = columns || n.op == RowNode::Op::kColumn;
    if (columns) {
      llvm::Value* nn = b_.CreateLoad(i32_, FieldPtr(offsetof(KArgs, no_nulls)));
      b_.CreateCondBr(b_.CreateICmpNE(nn, b_.getInt32(0)), loop_no_nulls, loop);
      RowLoop(loop, entry, begin, end, done, false);
      RowLoop(loop_no_nulls, entry, begin, end, done, true);
    } else {
      b_.CreateBr(loop);
      loop_no_nulls->eraseFromParent();
      RowLoop(loop, entry, begin, end, done, false);
    }

    b_.SetInsertPoint(done);
    b_.CreateRet(b_.getInt32(0));

    b_.SetInsertPoint(err_);
    err_row_ = b_.CreatePHI(i64_, 4);
    err_code_ = b_.CreatePHI(i32_, 4);
    for (auto& [bb, row, code] : err_incoming_) {
      err_row_->addIncoming(row, bb);
      err_code_->addIncoming(code, bb);
    }
    b_.CreateStore(err_row_, FieldPtr(offsetof(KArgs, err_row)));
    b_.CreateStore(b_.CreateSub(err_code_, b_.getInt32(1)), FieldPtr(offsetof(KArgs, err_node)));
    b_.CreateRet(b_.getInt32(1));
    if (err_incoming_.empty()) {
      // No overflow check: the block is unreachable; keep the IR valid.
      err_row_->eraseFromParent();
      err_code_->eraseFromParent();
      err_->eraseFromParent();
    }
    return fn_;
  }

 private:
  /// The loop over rows [begin, end) from `loop` (entered from `entry`),
  /// to `done`. `no_nulls`: every column value read is taken as present.
  void RowLoop(llvm::BasicBlock* loop, llvm::BasicBlock* entry, llvm::Value* begin, llvm::Value* end,
               llvm::BasicBlock* done, bool no_nulls) {
    no_nulls_ = no_nulls;
    auto* body = Block("row");
    auto* next = Block("next");
    b_.SetInsertPoint(loop);
    row_ = b_.CreatePHI(i64_, 2, "i");
    row_->addIncoming(begin, entry);
    b_.CreateCondBr(b_.CreateICmpSLT(row_, end), body, done);

    b_.SetInsertPoint(body);
    memo_.clear();
    llvm::Value* g32 = b_.CreateLoad(i32_, b_.CreateGEP(i32_, gid_, b_.CreateSub(row_, begin)));
    gidx_ = b_.CreateZExt(g32, i64_);
    auto* grouped = Block("grouped");
    b_.CreateCondBr(b_.CreateICmpEQ(g32, b_.getInt32(UINT32_MAX)), next, grouped);
    b_.SetInsertPoint(grouped);
    if (s_.filter >= 0) PassOrSkip(s_.filter, "role_pass", next);
    rows_now_ = Increment(rows_, gidx_);
    // Every value the row needs is computed here, before any branch, so it
    // dominates its uses; overflows are checked later, in the order the
    // interpreter evaluates.
    for (const AggSpec& spec : s_.aggs) {
      if (spec.filter >= 0) Node(spec.filter);
      if (spec.arg >= 0) Node(spec.arg);
    }
    for (size_t a = 0; a < s_.aggs.size(); ++a) Aggregate(a);
    b_.CreateBr(next);

    b_.SetInsertPoint(next);
    llvm::Value* inc = b_.CreateAdd(row_, b_.getInt64(1));
    row_->addIncoming(inc, next);
    b_.CreateBr(loop);
  }

  llvm::BasicBlock* Block(const char* name) { return llvm::BasicBlock::Create(ctx_, name, fn_); }
  llvm::Value* FieldPtr(size_t offset) { return b_.CreateConstGEP1_64(i8_, args_, offset); }
  llvm::Value* LoadField(size_t offset) { return b_.CreateLoad(ptr_, FieldPtr(offset)); }
  llvm::Value* LoadPtr(llvm::Value* array, size_t index) {
    return b_.CreateLoad(ptr_, b_.CreateConstGEP1_64(ptr_, array, index));
  }

  /// array[index] += 1; the new value.
  llvm::Value* Increment(llvm::Value* array, llvm::Value* index) {
    llvm::Value* p = b_.CreateGEP(i64_, array, index);
    llvm::Value* v = b_.CreateAdd(b_.CreateLoad(i64_, p), b_.getInt64(1));
    b_.CreateStore(v, p);
    return v;
  }

  llvm::Value* Truthy(const V& v) {
    llvm::Value* nz = v.v->getType()->isDoubleTy() ? b_.CreateFCmpUNE(v.v, llvm::ConstantFP::get(f64_, 0.0))
                                                   : b_.CreateICmpNE(v.v, b_.getInt64(0));
    return b_.CreateAnd(b_.CreateNot(v.null), nz);
  }

  void CheckOverflow(llvm::Value* ovf) {
    if (auto* c = llvm::dyn_cast<llvm::ConstantInt>(ovf); c && c->isZero()) return;
    auto* ok = Block("no_overflow");
    err_incoming_.push_back({b_.GetInsertBlock(), row_, ovf});
    b_.CreateCondBr(b_.CreateICmpNE(ovf, b_.getInt32(0)), err_, ok);
    b_.SetInsertPoint(ok);
  }

  /// First non-zero overflow code in order.
  llvm::Value* FirstOvf(llvm::Value* a, llvm::Value* b) {
    if (auto* c = llvm::dyn_cast<llvm::ConstantInt>(a); c && c->isZero()) return b;
    if (auto* c = llvm::dyn_cast<llvm::ConstantInt>(b); c && c->isZero()) return a;
    return b_.CreateSelect(b_.CreateICmpNE(a, b_.getInt32(0)), a, b);
  }
  llvm::Value* OvfIf(llvm::Value* cond, llvm::Value* ovf) {
    if (auto* c = llvm::dyn_cast<llvm::ConstantInt>(ovf); c && c->isZero()) return ovf;
    return b_.CreateSelect(cond, ovf, b_.getInt32(0));
  }

  llvm::Value* Zero(VT t) { return t == VT::kFloat ? llvm::ConstantFP::get(f64_, 0.0) : b_.getInt64(0); }

  V Node(int id) {
    if (auto it = memo_.find(id); it != memo_.end()) return it->second;
    V v = Emit(id);
    memo_[id] = v;
    return v;
  }

  /// -1, 0, 1 style comparison flags as in the interpreter (`a < b ? -1 : a > b ? 1 : 0`).
  llvm::Value* CompareOp(RowNode::Op op, llvm::Value* a, llvm::Value* b) {
    bool fl = a->getType()->isDoubleTy();
    llvm::Value* lt = fl ? b_.CreateFCmpOLT(a, b) : b_.CreateICmpSLT(a, b);
    llvm::Value* gt = fl ? b_.CreateFCmpOGT(a, b) : b_.CreateICmpSGT(a, b);
    using O = RowNode::Op;
    switch (op) {
      case O::kEq:
        return b_.CreateNot(b_.CreateOr(lt, gt));
      case O::kNe:
        return b_.CreateOr(lt, gt);
      case O::kLt:
        return lt;
      case O::kLe:
        return b_.CreateNot(gt);
      case O::kGt:
        return gt;
      default:
        return b_.CreateNot(lt);
    }
  }

  llvm::Value* Bool64(llvm::Value* b) { return b_.CreateZExt(b, i64_); }

  V Emit(int id) {
    const RowNode& n = s_.nodes[id];
    using O = RowNode::Op;
    llvm::Value* none = b_.getInt32(0);
    llvm::Value* own = b_.getInt32(id + 1);
    switch (n.op) {
      case O::kColumn: {
        llvm::Value* null = b_.getFalse();
        if (!no_nulls_)
          null = b_.CreateICmpEQ(b_.CreateLoad(i8_, b_.CreateGEP(i8_, valid_[n.column], row_)), b_.getInt8(0));
        llvm::Value* v;
        if (n.type == VT::kFloat)
          v = b_.CreateLoad(f64_, b_.CreateGEP(f64_, data_[n.column], row_));
        else if (n.type == VT::kString)
          v = b_.CreateZExt(b_.CreateLoad(i32_, b_.CreateGEP(i32_, data_[n.column], row_)), i64_);
        else
          v = b_.CreateLoad(i64_, b_.CreateGEP(i64_, data_[n.column], row_));
        return {v, null, none};
      }
      case O::kConst:
        if (n.type == VT::kFloat) return {llvm::ConstantFP::get(f64_, n.f), b_.getFalse(), none};
        return {b_.getInt64(n.i), b_.getInt1(n.type == VT::kNull), none};
      case O::kNeg: {
        V a = Node(n.args[0]);
        if (n.type == VT::kFloat) return {b_.CreateFNeg(a.v), a.null, a.ovf};
        llvm::Value* bad = b_.CreateAnd(b_.CreateNot(a.null), b_.CreateICmpEQ(a.v, b_.getInt64(INT64_MIN)));
        return {b_.CreateSub(b_.getInt64(0), a.v), a.null, FirstOvf(a.ovf, OvfIf(bad, own))};
      }
      case O::kAbs: {
        V a = Node(n.args[0]);
        if (n.type == VT::kFloat) {
          llvm::Function* fabs = llvm::Intrinsic::getDeclaration(&mod_, llvm::Intrinsic::fabs, {f64_});
          return {b_.CreateCall(fabs, {a.v}), a.null, a.ovf};
        }
        llvm::Value* bad = b_.CreateAnd(b_.CreateNot(a.null), b_.CreateICmpEQ(a.v, b_.getInt64(INT64_MIN)));
        llvm::Value* v = b_.CreateSelect(b_.CreateICmpSLT(a.v, b_.getInt64(0)), b_.CreateSub(b_.getInt64(0), a.v), a.v);
        return {v, a.null, FirstOvf(a.ovf, OvfIf(bad, own))};
      }
      case O::kNot: {
        V a = Node(n.args[0]);
        return {Bool64(b_.CreateICmpEQ(a.v, b_.getInt64(0))), a.null, a.ovf};
      }
      case O::kIsNull: {
        V a = Node(n.args[0]);
        return {Bool64(a.null), b_.getFalse(), a.ovf};
      }
      case O::kIsNotNull: {
        V a = Node(n.args[0]);
        return {Bool64(b_.CreateNot(a.null)), b_.getFalse(), a.ovf};
      }
      case O::kAnd:
      case O::kOr: {
        V a = Node(n.args[0]);
        V b = Node(n.args[1]);
        bool is_and = n.op == O::kAnd;
        // The interpreter stops after `a` when it decides: false for and, true for or.
        llvm::Value* a_true = b_.CreateICmpNE(a.v, b_.getInt64(0));
        llvm::Value* b_true = b_.CreateICmpNE(b.v, b_.getInt64(0));
        llvm::Value* a_decides = b_.CreateAnd(b_.CreateNot(a.null), is_and ? b_.CreateNot(a_true) : a_true);
        llvm::Value* b_decides = b_.CreateAnd(b_.CreateNot(b.null), is_and ? b_.CreateNot(b_true) : b_true);
        llvm::Value* decided = b_.CreateOr(a_decides, b_decides);
        llvm::Value* null = b_.CreateAnd(b_.CreateNot(decided), b_.CreateOr(a.null, b.null));
        llvm::Value* v = is_and ? b_.CreateNot(decided) : decided;
        return {Bool64(v), null, FirstOvf(a.ovf, OvfIf(b_.CreateNot(a_decides), b.ovf))};
      }
      case O::kAdd:
      case O::kSub:
      case O::kMul:
      case O::kDiv:
        return Arith(id, n);
      case O::kEq:
      case O::kNe:
      case O::kLt:
      case O::kLe:
      case O::kGt:
      case O::kGe:
      case O::kIn: {
        if (table_[id]) {
          bool flipped;
          int col = PredicateColumn(s_, n, &flipped);
          V c = Node(flipped ? n.args[1] : n.args[0]);
          (void)col;
          llvm::Value* t = b_.CreateLoad(i8_, b_.CreateGEP(i8_, table_[id], c.v));
          return {b_.CreateZExt(t, i64_), c.null, none};
        }
        V a = Node(n.args[0]);
        if (n.op == O::kIn) {
          llvm::Value* found = b_.getFalse();
          for (size_t k = 1; k < n.args.size(); ++k) {
            V item = Node(n.args[k]);
            if (auto* c = llvm::dyn_cast<llvm::ConstantInt>(item.null); c && c->isOne()) continue;
            found = b_.CreateOr(found, CompareOp(O::kEq, a.v, item.v));
          }
          if (n.negated) found = b_.CreateNot(found);
          return {Bool64(found), a.null, a.ovf};
        }
        V b = Node(n.args[1]);
        return {Bool64(CompareOp(n.op, a.v, b.v)), b_.CreateOr(a.null, b.null), FirstOvf(a.ovf, b.ovf)};
      }
      case O::kIf: {
        V c = Node(n.args[0]);
        V a = Node(n.args[1]);
        V b = Node(n.args[2]);
        llvm::Value* t = Truthy(c);
        llvm::Value *av = a.v, *bv = b.v;
        if (av->getType() != bv->getType()) {
          // One branch is a null literal (i64 0): give it the other's type.
          if (av->getType()->isDoubleTy())
            bv = llvm::ConstantFP::get(f64_, 0.0);
          else
            av = llvm::ConstantFP::get(f64_, 0.0);
        }
        return {b_.CreateSelect(t, av, bv), b_.CreateSelect(t, a.null, b.null),
                FirstOvf(c.ovf, b_.CreateSelect(t, a.ovf, b.ovf))};
      }
      case O::kCoalesce: {
        // Evaluate from the last: value = a0 if a0 not null else rest.
        V acc{Zero(n.type), b_.getTrue(), none};
        for (size_t k = n.args.size(); k-- > 0;) {
          V a = Node(n.args[k]);
          llvm::Value* av = a.v;
          if (av->getType() != acc.v->getType()) av = Zero(n.type);
          acc = {b_.CreateSelect(a.null, acc.v, av), b_.CreateSelect(a.null, acc.null, a.null),
                 FirstOvf(a.ovf, OvfIf(a.null, acc.ovf))};
        }
        return acc;
      }
      case O::kDatePart: {
        V a = Node(n.args[0]);
        // A cache of the last part computed, {lo, hi, value}: an input in
        // [lo, hi) has that value; any other calls the helper, which
        // computes the part and refills the cache. Empty at the start.
        llvm::Value* cache;
        {
          llvm::IRBuilder<> eb(entry_->getTerminator());
          cache = eb.CreateAlloca(llvm::ArrayType::get(i64_, 3), nullptr, "part_cache");
          for (int k = 0; k < 3; ++k) eb.CreateStore(eb.getInt64(0), eb.CreateConstGEP1_64(i64_, cache, k));
        }
        // A null is computed as day 0 (the helper needs a real date); its value is masked by the null flag.
        llvm::Value* arg = b_.CreateSelect(a.null, b_.getInt64(0), a.v);
        llvm::Value* lo = b_.CreateLoad(i64_, cache);
        llvm::Value* hi = b_.CreateLoad(i64_, b_.CreateConstGEP1_64(i64_, cache, 1));
        llvm::Value* hit = b_.CreateICmpULT(b_.CreateSub(arg, lo), b_.CreateSub(hi, lo));
        llvm::BasicBlock* from = b_.GetInsertBlock();
        auto* miss = Block("part_miss");
        auto* done = Block("part_done");
        b_.CreateCondBr(hit, done, miss, llvm::MDBuilder(ctx_).createBranchWeights(1000, 1));
        b_.SetInsertPoint(miss);
        auto* hty = llvm::FunctionType::get(i64_, {i64_, i32_, i32_, ptr_, ptr_}, false);
        bool ts = s_.nodes[n.args[0]].type == VT::kTimestamp;
        llvm::Value* computed = b_.CreateCall(
            hty, LoadPtr(helpers_, kDatePartFn),
            {arg, b_.getInt32(ts), b_.getInt32(static_cast<int32_t>(n.part)), cal_, cache});
        b_.CreateBr(done);
        b_.SetInsertPoint(done);
        llvm::Value* cached = nullptr;
        {
          // The cached value is read on the hit's path, before the branch.
          llvm::IRBuilder<> hb(from->getTerminator());
          cached = hb.CreateLoad(i64_, hb.CreateConstGEP1_64(i64_, cache, 2));
        }
        llvm::PHINode* v = b_.CreatePHI(i64_, 2);
        v->addIncoming(cached, from);
        v->addIncoming(computed, miss);
        return {v, a.null, a.ovf};
      }
      case O::kToFloat: {
        V a = Node(n.args[0]);
        const RowNode& from = s_.nodes[n.args[0]];
        if (from.type == VT::kFloat) return a;
        if (from.type == VT::kDecimal) {
          llvm::Value* x = b_.CreateSIToFP(a.v, f80_);
          llvm::Value* p =
              llvm::ConstantFP::get(f80_, static_cast<double>(static_cast<int64_t>(rt::Pow10(from.scale))));
          return {b_.CreateFPTrunc(b_.CreateFDiv(x, p), f64_), a.null, a.ovf};
        }
        return {b_.CreateSIToFP(a.v, f64_), a.null, a.ovf};
      }
      case O::kRescale: {
        V a = Node(n.args[0]);
        const RowNode& from = s_.nodes[n.args[0]];
        int fs = from.type == VT::kDecimal ? from.scale : 0;
        int64_t factor = static_cast<int64_t>(rt::Pow10(n.scale - fs));
        llvm::Function* smul = llvm::Intrinsic::getDeclaration(&mod_, llvm::Intrinsic::smul_with_overflow, {i64_});
        llvm::Value* pair = b_.CreateCall(smul, {a.v, b_.getInt64(factor)});
        llvm::Value* bad = b_.CreateAnd(b_.CreateNot(a.null), b_.CreateExtractValue(pair, 1));
        return {b_.CreateExtractValue(pair, 0), a.null, FirstOvf(a.ovf, OvfIf(bad, own))};
      }
    }
    return {b_.getInt64(0), b_.getTrue(), none};
  }

  V Arith(int id, const RowNode& n) {
    using O = RowNode::Op;
    V a = Node(n.args[0]);
    V b = Node(n.args[1]);
    llvm::Value* null = b_.CreateOr(a.null, b.null);
    llvm::Value* ovf = FirstOvf(a.ovf, b.ovf);
    VT ta = s_.nodes[n.args[0]].type;
    if (n.op == O::kSub && ta == VT::kDate) return {b_.CreateSub(a.v, b.v), null, ovf};
    if (n.op == O::kSub && ta == VT::kTimestamp) {
      llvm::Value* d = b_.CreateSIToFP(b_.CreateSub(a.v, b.v), f64_);
      return {b_.CreateFDiv(d, llvm::ConstantFP::get(f64_, 3.6e9)), null, ovf};
    }
    if (n.type == VT::kFloat) {
      llvm::Value* av = a.v->getType()->isDoubleTy() ? a.v : llvm::ConstantFP::get(f64_, 0.0);
      llvm::Value* bv = b.v->getType()->isDoubleTy() ? b.v : llvm::ConstantFP::get(f64_, 0.0);
      switch (n.op) {
        case O::kAdd:
          return {b_.CreateFAdd(av, bv), null, ovf};
        case O::kSub:
          return {b_.CreateFSub(av, bv), null, ovf};
        case O::kMul:
          return {b_.CreateFMul(av, bv), null, ovf};
        default: {
          llvm::Value* zero = b_.CreateFCmpOEQ(bv, llvm::ConstantFP::get(f64_, 0.0));
          return {b_.CreateFDiv(av, bv), b_.CreateOr(null, zero), ovf};
        }
      }
    }
    llvm::Intrinsic::ID iid = n.op == O::kAdd   ? llvm::Intrinsic::sadd_with_overflow
                              : n.op == O::kSub ? llvm::Intrinsic::ssub_with_overflow
                                                : llvm::Intrinsic::smul_with_overflow;
    llvm::Function* f = llvm::Intrinsic::getDeclaration(&mod_, iid, {i64_});
    llvm::Value* pair = b_.CreateCall(f, {a.v, b.v});
    llvm::Value* bad = b_.CreateAnd(b_.CreateNot(null), b_.CreateExtractValue(pair, 1));
    return {b_.CreateExtractValue(pair, 0), null, FirstOvf(ovf, OvfIf(bad, b_.getInt32(id + 1)))};
  }

  /// Evaluates a filter (its overflow is an error), then continues in a new
  /// block when it holds and jumps to `skip` otherwise.
  void PassOrSkip(int filter, const char* name, llvm::BasicBlock* skip) {
    V f = Node(filter);
    CheckOverflow(f.ovf);
    auto* pass = Block(name);
    b_.CreateCondBr(Truthy(f), pass, skip);
    b_.SetInsertPoint(pass);
  }

  void Aggregate(size_t a) {
    const AggSpec& spec = s_.aggs[a];
    auto* after = Block("agg_done");
    if (spec.filter >= 0) PassOrSkip(spec.filter, "agg_pass", after);
    const bool skipped = CountsSkipped(spec);
    if (spec.fn == AggSpec::Fn::kCountRows) {
      if (!skipped) Increment(count_[a], gidx_);  // else: the group's rows
      b_.CreateBr(after);
      b_.SetInsertPoint(after);
      return;
    }
    V v = Node(spec.arg);
    CheckOverflow(v.ovf);
    auto* value = Block("agg_value");
    llvm::Value* count;  // the group's count with this row
    if (skipped) {
      auto* null = Block("agg_null");
      b_.CreateCondBr(v.null, null, value);
      b_.SetInsertPoint(null);
      Increment(count_[a], gidx_);
      b_.CreateBr(after);
      b_.SetInsertPoint(value);
      count = b_.CreateSub(rows_now_, b_.CreateLoad(i64_, b_.CreateGEP(i64_, count_[a], gidx_)));
    } else {
      b_.CreateCondBr(v.null, after, value);
      b_.SetInsertPoint(value);
      llvm::Value* cp = b_.CreateGEP(i64_, count_[a], gidx_);
      count = b_.CreateAdd(b_.CreateLoad(i64_, cp), b_.getInt64(1));
      b_.CreateStore(count, cp);
    }
    bool fl = v.v->getType()->isDoubleTy();
    const RowNode& arg = s_.nodes[spec.arg];
    using F = AggSpec::Fn;
    switch (spec.fn) {
      case F::kSum:
      case F::kAvg:
        if (fl) {
          llvm::Value* p = b_.CreateGEP(f64_, main_[a], gidx_);
          b_.CreateStore(b_.CreateFAdd(b_.CreateLoad(f64_, p), v.v), p);
        } else {
          // The group's 64-bit partial sum (aux); when adding the value
          // would overflow it, the partial goes into the 128-bit sum and
          // the value starts a new partial.
          llvm::Value* pp = b_.CreateGEP(i64_, aux_[a], gidx_);
          llvm::Value* old = b_.CreateLoad(i64_, pp);
          llvm::Value* pair = b_.CreateBinaryIntrinsic(llvm::Intrinsic::sadd_with_overflow, old, v.v);
          auto* spill = Block("sum_spill");
          auto* kept = Block("sum_kept");
          auto* summed = Block("sum_done");
          b_.CreateCondBr(b_.CreateExtractValue(pair, 1), spill, kept, llvm::MDBuilder(ctx_).createBranchWeights(1, 1000));
          b_.SetInsertPoint(spill);
          llvm::Value* p = b_.CreateGEP(i128_, main_[a], gidx_);
          b_.CreateStore(b_.CreateAdd(b_.CreateLoad(i128_, p), b_.CreateSExt(old, i128_)), p);
          b_.CreateStore(v.v, pp);
          b_.CreateBr(summed);
          b_.SetInsertPoint(kept);
          b_.CreateStore(b_.CreateExtractValue(pair, 0), pp);
          b_.CreateBr(summed);
          b_.SetInsertPoint(summed);
        }
        break;
      case F::kMin:
      case F::kMax: {
        llvm::Type* t = fl ? f64_ : i64_;
        llvm::Value* p = b_.CreateGEP(t, main_[a], gidx_);
        llvm::Value* old = b_.CreateLoad(t, p);
        // std::min(old, v) = v < old ? v : old; std::max(old, v) = old < v ? v : old.
        llvm::Value* take = spec.fn == F::kMin ? (fl ? b_.CreateFCmpOLT(v.v, old) : b_.CreateICmpSLT(v.v, old))
                                               : (fl ? b_.CreateFCmpOLT(old, v.v) : b_.CreateICmpSLT(old, v.v));
        take = b_.CreateOr(take, b_.CreateICmpEQ(count, b_.getInt64(1)));
        b_.CreateStore(b_.CreateSelect(take, v.v, old), p);
        break;
      }
      case F::kStddev:
      case F::kVariance:
        if (fl) {
          // Shifted moments (engine::AggStates): the group's first value is
          // its shift; d = x - shift is summed, and d * d.
          llvm::Value* kp = b_.CreateGEP(f64_, shift_[a], gidx_);
          llvm::Value* k = b_.CreateSelect(b_.CreateICmpEQ(count, b_.getInt64(1)), v.v, b_.CreateLoad(f64_, kp));
          b_.CreateStore(k, kp);
          llvm::Value* d = b_.CreateFSub(v.v, k);
          llvm::Value* p = b_.CreateGEP(f64_, main_[a], gidx_);
          b_.CreateStore(b_.CreateFAdd(b_.CreateLoad(f64_, p), d), p);
          llvm::Value* q = b_.CreateGEP(f64_, aux_[a], gidx_);
          b_.CreateStore(b_.CreateFAdd(b_.CreateLoad(f64_, q), b_.CreateFMul(d, d)), q);
        } else {
          llvm::Value* x = b_.CreateSExt(v.v, i128_);
          llvm::Value* p = b_.CreateGEP(i128_, main_[a], gidx_);
          b_.CreateStore(b_.CreateAdd(b_.CreateLoad(i128_, p), x), p);
          // A square of 64 bits fits in 127; their sum is checked.
          llvm::Value* q = b_.CreateGEP(i128_, aux_[a], gidx_);
          llvm::Value* pair = b_.CreateBinaryIntrinsic(llvm::Intrinsic::sadd_with_overflow, b_.CreateLoad(i128_, q),
                                                       b_.CreateMul(x, x));
          CheckOverflow(OvfIf(b_.CreateExtractValue(pair, 1), b_.getInt32(kSumSquaresError + static_cast<int>(a) + 1)));
          b_.CreateStore(b_.CreateExtractValue(pair, 0), q);
        }
        break;
      case F::kCountDistinct: {
        // A key inside the group's bitmap sets its bit here (the view's
        // {base, bits, words}); any other goes to the set through the
        // helper, which refreshes the view.
        // -0.0 and 0.0 are one value (as in SQL): adding +0.0 turns -0.0
        // into 0.0 and leaves every other value (LLVM does not fold it).
        llvm::Value* key = fl ? b_.CreateBitCast(b_.CreateFAdd(v.v, llvm::ConstantFP::get(f64_, 0.0)), i64_) : v.v;
        llvm::Value* view = b_.CreateGEP(i8_, aux_[a], b_.CreateMul(gidx_, b_.getInt64(sizeof(engine::DistinctView))));
        llvm::Value* base = b_.CreateLoad(i64_, b_.CreateConstGEP1_64(i8_, view, offsetof(engine::DistinctView, base)));
        llvm::Value* bits = b_.CreateLoad(i64_, b_.CreateConstGEP1_64(i8_, view, offsetof(engine::DistinctView, bits)));
        llvm::Value* off = b_.CreateSub(key, base);
        auto* set_bit = Block("distinct_bit");
        auto* push = Block("distinct_push");
        auto* pushed = Block("distinct_done");
        b_.CreateCondBr(b_.CreateICmpULT(off, bits), set_bit, push);
        b_.SetInsertPoint(set_bit);
        llvm::Value* words = b_.CreateLoad(ptr_, b_.CreateConstGEP1_64(i8_, view, offsetof(engine::DistinctView, words)));
        llvm::Value* wp = b_.CreateGEP(i64_, words, b_.CreateLShr(off, 6));
        llvm::Value* bit = b_.CreateShl(b_.getInt64(1), b_.CreateAnd(off, 63));
        b_.CreateStore(b_.CreateOr(b_.CreateLoad(i64_, wp), bit), wp);
        b_.CreateBr(pushed);
        b_.SetInsertPoint(push);
        auto* hty = llvm::FunctionType::get(b_.getVoidTy(), {ptr_, ptr_, i32_, i64_}, false);
        b_.CreateCall(hty, LoadPtr(helpers_, kPushDistinctFn),
                      {main_[a], aux_[a], b_.CreateTrunc(gidx_, i32_), key});
        b_.CreateBr(pushed);
        b_.SetInsertPoint(pushed);
        break;
      }
      case F::kMedian:
      case F::kPercentile: {
        llvm::Value* d = v.v;
        if (!fl) {
          if (arg.type == VT::kDecimal) {
            llvm::Value* p =
                llvm::ConstantFP::get(f80_, static_cast<double>(static_cast<int64_t>(rt::Pow10(arg.scale))));
            d = b_.CreateFPTrunc(b_.CreateFDiv(b_.CreateSIToFP(v.v, f80_), p), f64_);
          } else {
            d = b_.CreateSIToFP(v.v, f64_);
          }
        }
        auto* hty = llvm::FunctionType::get(b_.getVoidTy(), {ptr_, i32_, f64_}, false);
        b_.CreateCall(hty, LoadPtr(helpers_, kPushValueFn), {main_[a], b_.CreateTrunc(gidx_, i32_), d});
        break;
      }
      default:
        break;
    }
    b_.CreateBr(after);
    b_.SetInsertPoint(after);
  }

  const plan::Scan& s_;
  llvm::LLVMContext& ctx_;
  llvm::Module& mod_;
  llvm::IRBuilder<> b_;
  llvm::Type *i1_, *i8_, *i32_, *i64_, *i128_, *f64_, *f80_, *ptr_;
  llvm::Function* fn_ = nullptr;
  llvm::BasicBlock* entry_ = nullptr;
  llvm::Value *args_ = nullptr, *col_data_ = nullptr, *col_valid_ = nullptr, *gid_ = nullptr, *rows_ = nullptr;
  llvm::Value *st_shift_ = nullptr;
  llvm::Value *st_main_ = nullptr, *st_aux_ = nullptr, *st_count_ = nullptr, *tables_ = nullptr, *cal_ = nullptr,
              *helpers_ = nullptr;
  std::vector<llvm::Value*> data_, valid_, main_, aux_, shift_, count_, table_;
  llvm::PHINode* row_ = nullptr;
  llvm::Value* rows_now_ = nullptr;  ///< the row's group's rows, this row included
  bool no_nulls_ = false;  ///< emitting the loop for ranges without nulls
  llvm::Value* gidx_ = nullptr;
  llvm::BasicBlock* err_ = nullptr;
  llvm::PHINode *err_row_ = nullptr, *err_code_ = nullptr;
  std::vector<std::tuple<llvm::BasicBlock*, llvm::Value*, llvm::Value*>> err_incoming_;
  std::map<int, V> memo_;
};

std::unique_ptr<llvm::Module> BuildModule(const plan::Scan& scan, llvm::LLVMContext& ctx, bool optimize = true) {
  auto mod = std::make_unique<llvm::Module>("kpic_scan", ctx);
  Gen gen(scan, ctx, *mod);
  llvm::Function* fn = gen.Build();
  std::string err;
  llvm::raw_string_ostream os(err);
  if (llvm::verifyFunction(*fn, &os)) throw std::runtime_error("generated invalid IR for a scan kernel: " + err);
  if (optimize) Optimize(*mod);
  return mod;
}

/// The folder of cached kernel objects: $KPIC_CACHE_DIR, else
/// $XDG_CACHE_HOME/kpic/kernels, else ~/.cache/kpic/kernels; "" when
/// caching is off (KPIC_NO_CACHE=1) or no folder can be made.
std::string CacheDir() {
  if (const char* off = std::getenv("KPIC_NO_CACHE"); off && *off && std::string(off) != "0") return "";
  std::string dir;
  if (const char* d = std::getenv("KPIC_CACHE_DIR"); d && *d) {
    dir = d;
  } else if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) {
    dir = std::string(x) + "/kpic/kernels";
  } else if (const char* h = std::getenv("HOME"); h && *h) {
    dir = std::string(h) + "/.cache/kpic/kernels";
  } else {
    return "";
  }
  // Private to the user, as the state cache's: a folder that is a link,
  // not a folder, or another user's is not used (its objects would be run).
  std::error_code ec;
  std::filesystem::path p(dir);
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return "";
  struct stat st;
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::geteuid()) return "";
  if ((st.st_mode & 077) != 0 && ::chmod(dir.c_str(), 0700) != 0) return "";
  return dir;
}

/// A cached kernel's file: a magic, the XXH3-128 of the IR it was compiled
/// from and of the object code, then the object code. A file that is not
/// that whole (truncated, a bit flipped, another key's file renamed to
/// this one, another user's) is not loaded: the kernel is compiled again.
constexpr char kKernelMagic[8] = {'K', 'P', 'I', 'C', 'K', 'O', '1', '\n'};
constexpr size_t kKernelHeader = 8 + 16 + 16;

std::unique_ptr<llvm::MemoryBuffer> LoadKernel(const std::string& path, const XXH128_hash_t& ir) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return nullptr;
  struct stat st;
  std::string buf;
  bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::geteuid() &&
            static_cast<uint64_t>(st.st_size) > kKernelHeader && st.st_size < (int64_t{1} << 30);
  if (ok) {
    buf.resize(static_cast<size_t>(st.st_size));
    size_t done = 0;
    while (done < buf.size()) {
      ssize_t n = ::read(fd, buf.data() + done, buf.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ok = done == buf.size();
  }
  ::close(fd);
  if (!ok || std::memcmp(buf.data(), kKernelMagic, 8) != 0) return nullptr;
  XXH128_hash_t stored_ir, stored_obj;
  std::memcpy(&stored_ir.low64, buf.data() + 8, 8);
  std::memcpy(&stored_ir.high64, buf.data() + 16, 8);
  std::memcpy(&stored_obj.low64, buf.data() + 24, 8);
  std::memcpy(&stored_obj.high64, buf.data() + 32, 8);
  XXH128_hash_t obj = XXH3_128bits(buf.data() + kKernelHeader, buf.size() - kKernelHeader);
  if (!XXH128_isEqual(stored_ir, ir) || !XXH128_isEqual(stored_obj, obj)) return nullptr;
  return llvm::MemoryBuffer::getMemBufferCopy(llvm::StringRef(buf.data() + kKernelHeader, buf.size() - kKernelHeader),
                                              path);
}

/// Writes a kernel's file whole under a fresh private name, then renames
/// it into place: a concurrent run never reads half a file, and a link
/// planted at a temporary name is never written through.
void StoreKernel(const std::string& dir, const std::string& path, const XXH128_hash_t& ir, llvm::StringRef obj) {
  std::string head(kKernelHeader, '\0');
  XXH128_hash_t h = XXH3_128bits(obj.data(), obj.size());
  std::memcpy(head.data(), kKernelMagic, 8);
  std::memcpy(head.data() + 8, &ir.low64, 8);
  std::memcpy(head.data() + 16, &ir.high64, 8);
  std::memcpy(head.data() + 24, &h.low64, 8);
  std::memcpy(head.data() + 32, &h.high64, 8);
  std::random_device rd;
  std::string tmp = fmt::format("{}/.tmp-{}-{:08x}", dir, static_cast<long>(::getpid()), rd());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return;
  bool ok = true;
  for (llvm::StringRef part : {llvm::StringRef(head), obj}) {
    size_t done = 0;
    while (ok && done < part.size()) {
      ssize_t n = ::write(fd, part.data() + done, part.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0)
        ok = false;
      else
        done += static_cast<size_t>(n);
    }
  }
  ok = ::close(fd) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) ::unlink(tmp.c_str());
}

using KernelFn = int32_t (*)(KArgs*, int64_t, int64_t);

/// One JIT for the process; each scan adds a module in its own dylib.
class Jit {
 public:
  static Jit& Get() {
    static Jit jit;
    return jit;
  }
  /// Compiles a kernel, or loads its object code from the cache: the key is
  /// a hash of the unoptimised IR, the LLVM version and the CPU, so an
  /// unchanged scan compiles nothing on the next run.
  KernelFn Compile(const plan::Scan& scan, JitStats* stats) {
    std::lock_guard<std::mutex> lock(mu_);
    llvm::LLVMContext ctx;
    auto mod = BuildModule(scan, ctx, /*optimize=*/false);
    mod->setDataLayout(tm_->createDataLayout());
    mod->setTargetTriple(tm_->getTargetTriple().str());
    std::string ir;
    llvm::raw_string_ostream os(ir);
    os << *mod << LLVM_VERSION_STRING << tm_->getTargetCPU() << tm_->getTargetFeatureString();
    XXH128_hash_t ir_hash = XXH3_128bits(ir.data(), ir.size());
    std::string key = fmt::format("{:016x}{:016x}", ir_hash.high64, ir_hash.low64);
    std::string dir = CacheDir();
    std::string path = dir.empty() ? "" : dir + "/" + key + ".kernel";
    std::unique_ptr<llvm::MemoryBuffer> obj;
    if (!path.empty()) obj = LoadKernel(path, ir_hash);
    if (obj) {
      if (stats) ++stats->cached;
    } else {
      auto start = std::chrono::steady_clock::now();
      Optimize(*mod);
      llvm::orc::SimpleCompiler compiler(*tm_);
      auto compiled = compiler(*mod);
      if (!compiled) throw std::runtime_error("cannot compile a scan kernel: " + ErrorText(compiled.takeError()));
      obj = std::move(*compiled);
      if (stats) {
        stats->compile_ms +=
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        ++stats->kernels;
      }
      if (!path.empty()) StoreKernel(dir, path, ir_hash, obj->getBuffer());
    }
    auto& jd = jit_->getExecutionSession().createBareJITDylib(fmt::format("scan{}", counter_++));
    if (auto e = jit_->addObjectFile(jd, std::move(obj)))
      throw std::runtime_error("cannot add a scan kernel to the JIT: " + ErrorText(std::move(e)));
    auto sym = jit_->lookup(jd, "kpic_scan");
    if (!sym) throw std::runtime_error("cannot find a scan kernel: " + ErrorText(sym.takeError()));
    return sym->toPtr<KernelFn>();
  }

 private:
  Jit() {
    InitLlvm();
    auto j = llvm::orc::LLJITBuilder().create();
    if (!j) throw std::runtime_error("cannot create the JIT: " + ErrorText(j.takeError()));
    jit_ = std::move(*j);
    auto jtmb = llvm::orc::JITTargetMachineBuilder::detectHost();
    if (!jtmb) throw std::runtime_error("cannot detect the host: " + ErrorText(jtmb.takeError()));
    jtmb->setCodeGenOptLevel(llvm::CodeGenOptLevel::Default);
    auto tm = jtmb->createTargetMachine();
    if (!tm) throw std::runtime_error("cannot create a target machine: " + ErrorText(tm.takeError()));
    tm_ = std::move(*tm);
  }
  std::unique_ptr<llvm::orc::LLJIT> jit_;
  std::unique_ptr<llvm::TargetMachine> tm_;
  std::mutex mu_;
  int counter_ = 0;
};

// ---- running ------------------------------------------------------------------------------

std::vector<std::vector<uint8_t>> PredicateTables(const plan::Scan& scan, const engine::ScanInput& in) {
  std::vector<std::vector<uint8_t>> tables(scan.nodes.size());
  for (size_t id = 0; id < scan.nodes.size(); ++id) {
    const RowNode& n = scan.nodes[id];
    if (!IsStringPredicate(scan, n)) continue;
    bool flipped;
    int col = PredicateColumn(scan, n, &flipped);
    const rt::Column& c = *in.columns[col];
    auto& t = tables[id];
    t.resize(std::max<size_t>(c.dict.size(), 1));
    for (uint32_t code = 0; code < c.dict.size(); ++code) {
      std::string_view v = c.dict.At(code);
      if (n.op == RowNode::Op::kIn) {
        bool found = false;
        for (size_t k = 1; k < n.args.size(); ++k)
          if (scan.nodes[n.args[k]].type != VT::kNull && scan.nodes[n.args[k]].s == v) found = true;
        t[code] = found != n.negated;
        continue;
      }
      std::string_view k = scan.nodes[n.args[flipped ? 0 : 1]].s;
      int cmp = flipped ? (k < v ? -1 : k > v ? 1 : 0) : (v < k ? -1 : v > k ? 1 : 0);
      using O = RowNode::Op;
      t[code] = n.op == O::kEq   ? cmp == 0
                : n.op == O::kNe ? cmp != 0
                : n.op == O::kLt ? cmp < 0
                : n.op == O::kLe ? cmp <= 0
                : n.op == O::kGt ? cmp > 0
                                 : cmp >= 0;
    }
  }
  return tables;
}

/// One thread's scan: its grouper, the states of its groups, and the
/// buffers a kernel call needs. Fed with row ranges of tables (whole
/// tables, or the chunks of a streamed one).
class Runner {
 public:
  Runner(const plan::Scan& scan, const rt::Calendar& cal, const engine::Limits& limits, KernelFn kernel)
      : scan_(scan), cal_(cal), limits_(limits), kernel_(kernel), grouper_(scan, cal), gids_(kChunk) {
    r_.aggs.resize(scan.aggs.size());
    views_.resize(scan.aggs.size());
    partial_.resize(scan.aggs.size());
    std::vector<bool> read(scan.columns.size());
    for (const RowNode& n : scan.nodes)
      if (n.op == RowNode::Op::kColumn && !read[n.column]) read[n.column] = true, read_.push_back(n.column);
  }

  void Consume(const engine::ScanInput& in, size_t lo, size_t hi) {
    if (!unsettled_) FlipCounts();  // back to the rows skipped (see CountsSkipped)
    unsettled_ = true;
    // String predicate tables follow the dictionaries, which grow.
    if (tables_.empty() || DictsGrew(in)) tables_ = PredicateTables(scan_, in);
    std::vector<const void*> data(scan_.columns.size());
    std::vector<const uint8_t*> valid(scan_.columns.size());
    for (size_t c = 0; c < scan_.columns.size(); ++c) {
      const rt::Column& col = *in.columns[c];
      data[c] = col.type == rt::ColType::kFloat    ? static_cast<const void*>(col.floats.data())
                : col.type == rt::ColType::kString ? static_cast<const void*>(col.codes.data())
                                                   : static_cast<const void*>(col.ints.data());
      valid[c] = col.valid.data();
    }
    std::vector<const uint8_t*> table_ptrs(scan_.nodes.size());
    for (size_t i = 0; i < tables_.size(); ++i) table_ptrs[i] = tables_[i].empty() ? nullptr : tables_[i].data();
    void* helpers[kHelpers] = {reinterpret_cast<void*>(&KpicDatePart), reinterpret_cast<void*>(&KpicPushDistinct),
                               reinterpret_cast<void*>(&KpicPushValue)};
    std::vector<void*> main(scan_.aggs.size()), aux(scan_.aggs.size());
    std::vector<int64_t*> counts(scan_.aggs.size());
    std::vector<void*> shift(scan_.aggs.size());
    for (size_t begin = lo; begin < hi; begin += kChunk) {
      size_t end = std::min(hi, begin + kChunk);
      rt::AdviseHeapHugePages();  // the states about to grow
      r_.rows_without_time += grouper_.Assign(in, begin, end, gids_.data());
      size_t groups = grouper_.groups();
      // Under a role the grouper has made groups of rows the role's filter
      // will skip: only groups with a row the role sees count, after the
      // chunk (else --max-groups told how many the whole data has: review,
      // 2026-12-06).
      if (groups > limits_.max_groups && scan_.filter < 0) TooManyGroups(in);
      if (r_.rows.size() < groups) {
        r_.rows.resize(groups, 0);
        for (size_t a = 0; a < scan_.aggs.size(); ++a) {
          engine::GrowStates(scan_, a, &r_.aggs[a], groups);
          // A new group's view is empty (its first key goes through the
          // helper); the others' stay valid, as moving a set keeps its words.
          if (scan_.aggs[a].fn == AggSpec::Fn::kCountDistinct) views_[a].resize(groups);
          if (PartialSum(scan_, scan_.aggs[a])) partial_[a].resize(groups, 0);
        }
      }
      for (size_t a = 0; a < scan_.aggs.size(); ++a) {
        engine::AggStates& st = r_.aggs[a];
        counts[a] = st.count.data();
        main[a] = !st.isum.empty()       ? static_cast<void*>(st.isum.data())
                  : !st.fsum.empty()     ? static_cast<void*>(st.fsum.data())
                  : !st.imin.empty()     ? static_cast<void*>(st.imin.data())
                  : !st.imax.empty()     ? static_cast<void*>(st.imax.data())
                  : !st.fmin.empty()     ? static_cast<void*>(st.fmin.data())
                  : !st.fmax.empty()     ? static_cast<void*>(st.fmax.data())
                  : !st.distinct.empty() ? static_cast<void*>(st.distinct.data())
                  : !st.values.empty()   ? static_cast<void*>(st.values.data())
                                         : nullptr;
        aux[a] = !st.isumsq.empty()     ? static_cast<void*>(st.isumsq.data())
                 : !st.fsumsq.empty()   ? static_cast<void*>(st.fsumsq.data())
                 : !views_[a].empty()   ? static_cast<void*>(views_[a].data())
                 : !partial_[a].empty() ? static_cast<void*>(partial_[a].data())
                                        : nullptr;
        shift[a] = st.fshift.empty() ? nullptr : static_cast<void*>(st.fshift.data());
      }
      KArgs args{data.data(),
                 valid.data(),
                 gids_.data(),
                 r_.rows.data(),
                 main.data(),
                 aux.data(),
                 counts.data(),
                 table_ptrs.data(),
                 &cal_,
                 helpers,
                 0,
                 0,
                 1,
                 shift.data()};
      // The loop without validity bytes when no column it reads has a null
      // here: known for a column its reader marked null-free, else looked for.
      for (int c : read_)
        if (!in.columns[c]->null_free && std::memchr(valid[c] + begin, 0, end - begin)) {
          args.no_nulls = 0;
          break;
        }
      if (kernel_(&args, static_cast<int64_t>(begin), static_cast<int64_t>(end)) != 0) {
        if (args.err_node >= kSumSquaresError)
          throw engine::OverflowError(engine::OverflowMessage("a sum of squares overflowed 128 bits", scan_,
                                                              scan_.aggs[args.err_node - kSumSquaresError].arg, in,
                                                              static_cast<size_t>(args.err_row), offset_));
        throw engine::OverflowError(engine::OverflowMessage("exact arithmetic overflowed 64 bits", scan_,
                                                            args.err_node, in, static_cast<size_t>(args.err_row),
                                                            offset_));
      }
      if (scan_.filter >= 0 && grouper_.groups() > limits_.max_groups &&
          static_cast<size_t>(std::count_if(r_.rows.begin(), r_.rows.end(), [](int64_t n) { return n > 0; })) >
              limits_.max_groups)
        TooManyGroups(in);
    }
  }

  [[noreturn]] void TooManyGroups(const engine::ScanInput& in) const {
    throw engine::LimitError(fmt::format("more than {} groups in the scan of `{}`; raise --max-groups or ask for "
                                         "fewer dimensions or a coarser grain",
                                         limits_.max_groups, in.source_name));
  }

  /// Between the count of values and the count of rows skipped, for each
  /// aggregate that counts the latter while scanning (CountsSkipped): each
  /// is the group's rows less the other. All zeros are both.
  void FlipCounts() {
    for (size_t a = 0; a < scan_.aggs.size(); ++a) {
      if (!CountsSkipped(scan_.aggs[a])) continue;
      std::vector<int64_t>& count = r_.aggs[a].count;
      for (size_t g = 0; g < count.size(); ++g) count[g] = r_.rows[g] - count[g];
    }
  }

  /// Rows before the current table (streaming), for messages.
  void Advance(size_t rows) { offset_ += rows; }
  /// The states, settled (see Settle).
  engine::ScanResult& result() {
    if (unsettled_) Settle();
    return r_;
  }

  /// Adds the kernels' partial sums into the states and turns the counts
  /// of skipped rows back into counts of values, once after each Consume.
  /// Merge settles every part before it reads them from two threads.
  void Settle() {
    unsettled_ = false;
    FlipCounts();
    for (size_t a = 0; a < partial_.size(); ++a) {
      std::vector<int64_t>& part = partial_[a];
      if (part.empty()) continue;
      std::vector<__int128>& sum = r_.aggs[a].isum;
      for (size_t g = 0; g < part.size(); ++g) sum[g] += part[g];
      std::fill(part.begin(), part.end(), 0);
    }
  }
  const engine::Grouper& grouper() const { return grouper_; }

 private:
  static constexpr size_t kChunk = size_t{1} << 16;

  bool DictsGrew(const engine::ScanInput& in) {
    bool grew = false;
    dict_sizes_.resize(scan_.columns.size(), 0);
    for (size_t c = 0; c < scan_.columns.size(); ++c) {
      size_t n = in.columns[c]->dict.size();
      if (n != dict_sizes_[c]) grew = true;
      dict_sizes_[c] = n;
    }
    return grew;
  }

  const plan::Scan& scan_;
  const rt::Calendar& cal_;
  const engine::Limits& limits_;
  KernelFn kernel_;
  engine::Grouper grouper_;
  engine::ScanResult r_;
  std::vector<uint32_t> gids_;
  /// Per count_distinct aggregate, its groups' bitmap views (the kernel's).
  std::vector<std::vector<engine::DistinctView>> views_;
  static_assert(std::is_nothrow_move_constructible_v<engine::DistinctSet>,
                "growing the states must move the sets, keeping their words where the views point");
  std::vector<std::vector<uint8_t>> tables_;
  std::vector<size_t> dict_sizes_;
  std::vector<int> read_;  ///< the columns the kernel reads
  /// Per exact sum or average (PartialSum), its groups' 64-bit partial sums.
  std::vector<std::vector<int64_t>> partial_;
  bool unsettled_ = false;  ///< partial_ may hold sums not yet in r_
  size_t offset_ = 0;
};

/// Merges the threads' partial results by group key, drops groups without
/// rows (a role filter can leave a group empty), and finishes the states.
/// Finishes every part's states, the parts in parallel.
void FinishParts(std::vector<std::unique_ptr<Runner>>& parts) {
  for (auto& p : parts) p->result();  // settled here, on one thread
  if (parts.size() < 2) {
    for (auto& p : parts) engine::Finish(&p->result());
    return;
  }
  std::thread second([&] { engine::Finish(&parts[1]->result()); });
  engine::Finish(&parts[0]->result());
  for (size_t i = 2; i < parts.size(); ++i) engine::Finish(&parts[i]->result());
  second.join();
}

engine::ScanResult Merge(const plan::Scan& scan, std::vector<std::unique_ptr<Runner>>& parts) {
  engine::ScanResult r;
  r.aggs.resize(scan.aggs.size());
  FinishParts(parts);
  std::unordered_map<std::string, uint32_t> keys;
  // A group's distinct sets merge after the loop, the groups split
  // between two threads (each group's merges in the parts' order).
  std::vector<std::tuple<uint32_t, uint32_t, uint32_t>> later;  // group, part, part's group
  bool distinct = false;
  for (const AggSpec& a : scan.aggs) distinct = distinct || a.fn == AggSpec::Fn::kCountDistinct;
  for (size_t p = 0; p < parts.size(); ++p) {
    engine::ScanResult& o = parts[p]->result();
    const auto& part = parts[p];
    r.rows_without_time += o.rows_without_time;
    const engine::Grouper& gr = part->grouper();
    for (uint32_t h = 0; h < gr.groups(); ++h) {
      if (o.rows[h] == 0) continue;
      auto [it, inserted] = keys.emplace(gr.KeyBytes(h), static_cast<uint32_t>(r.rows.size()));
      uint32_t g = it->second;
      if (inserted) {
        r.rows.push_back(0);
        r.period.push_back(gr.Period(h));
        r.dims.push_back(gr.Dims(h));
        for (size_t a = 0; a < scan.aggs.size(); ++a) engine::GrowStates(scan, a, &r.aggs[a], g + 1);
      }
      engine::MergeStates(scan, &r, g, o, h, inserted, false);
      if (!inserted && distinct) later.emplace_back(g, static_cast<uint32_t>(p), h);
    }
  }
  auto merge_half = [&](uint32_t half) {
    for (const auto& [g, p, h] : later)
      if (g % 2 == half) engine::MergeDistinct(scan, &r, g, parts[p]->result(), h);
  };
  if (later.size() < 1024) {
    merge_half(0), merge_half(1);
  } else {
    std::exception_ptr failed;  // the other thread's (bad_alloc), rethrown here
    std::thread other([&] {
      try {
        merge_half(1);
      } catch (...) {
        failed = std::current_exception();
      }
    });
    try {
      merge_half(0);
    } catch (...) {
      other.join();
      throw;
    }
    other.join();
    if (failed) std::rethrow_exception(failed);
  }
  engine::Finish(&r);
  return r;
}

bool FloatSums(const plan::Scan& scan) {
  for (const auto& a : scan.aggs)
    if ((a.fn == AggSpec::Fn::kSum || a.fn == AggSpec::Fn::kAvg || a.fn == AggSpec::Fn::kStddev ||
         a.fn == AggSpec::Fn::kVariance) &&
        a.arg >= 0 && scan.nodes[a.arg].type == VT::kFloat)
      return true;
  return false;
}

}  // namespace

bool JitSupports(const plan::Scan& scan, std::string* why) {
  for (size_t id = 0; id < scan.nodes.size(); ++id) {
    const RowNode& n = scan.nodes[id];
    if (IsStringPredicate(scan, n)) {
      bool flipped;
      if (PredicateColumn(scan, n, &flipped) < 0) {
        *why = "a string comparison that is not a column against literals";
        return false;
      }
      continue;
    }
    if (n.type == VT::kString && n.op != RowNode::Op::kColumn && n.op != RowNode::Op::kConst) {
      *why = "a computed string";
      return false;
    }
  }
  // String constants outside predicates (e.g. `if(c, "a", "b")`) are not compiled.
  for (size_t id = 0; id < scan.nodes.size(); ++id) {
    const RowNode& n = scan.nodes[id];
    if (IsStringPredicate(scan, n)) continue;
    for (int a : n.args)
      if (scan.nodes[a].type == VT::kString && scan.nodes[a].op == RowNode::Op::kConst) {
        *why = "a string literal outside a comparison";
        return false;
      }
  }
  return true;
}

engine::ScanResult JitScan(const plan::Scan& scan, const engine::ScanInput& in, const rt::Calendar& cal,
                           const engine::Limits& limits, JitStats* stats) {
  std::string why;
  if (!JitSupports(scan, &why)) {
    if (stats) ++stats->interpreted;
    return engine::InterpretScan(scan, in, cal, limits);
  }
  KernelFn kernel = Jit::Get().Compile(scan, stats);
  // Float sums depend on the order of addition: keep them on one thread so
  // that they equal the interpreter's to the last bit.
  size_t threads = in.rows >= 200'000 && !FloatSums(scan) ? 2 : 1;
  std::vector<std::unique_ptr<Runner>> parts;
  for (size_t t = 0; t < threads; ++t) parts.push_back(std::make_unique<Runner>(scan, cal, limits, kernel));
  std::vector<std::exception_ptr> errors(threads);
  auto work = [&](size_t t) {
    try {
      size_t lo = in.rows * t / threads, hi = in.rows * (t + 1) / threads;
      parts[t]->Consume(in, lo, hi);
    } catch (...) {
      errors[t] = std::current_exception();
    }
  };
  if (threads == 1) {
    work(0);
  } else {
    std::thread second(work, 1);
    work(0);
    second.join();
  }
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
  return Merge(scan, parts);
}

// ---- streaming ------------------------------------------------------------------------------

struct StreamScans::Impl {
  std::vector<const plan::Scan*> scans;
  const rt::Calendar* cal;
  const engine::Limits* limits;
  std::vector<KernelFn> kernels;
  std::vector<std::vector<std::unique_ptr<Runner>>> runners;  ///< [scan][part]
  std::vector<rt::CsvResult> last;                            ///< each part's final columns
  std::vector<size_t> rows_seen;                              ///< per part
  std::string name;
  size_t skipped = 0;  ///< rows before the first chunk (SkipRows)
};

StreamScans::StreamScans(const std::vector<const plan::Scan*>& scans, const rt::Calendar& cal,
                         const engine::Limits& limits, const std::string& name, JitStats* stats)
    : impl_(std::make_unique<Impl>()) {
  impl_->scans = scans;
  impl_->cal = &cal;
  impl_->limits = &limits;
  impl_->name = name;
  impl_->last.resize(2);
  impl_->rows_seen.resize(2, 0);
  for (const plan::Scan* s : scans) {
    impl_->kernels.push_back(Jit::Get().Compile(*s, stats));
    std::vector<std::unique_ptr<Runner>> parts;
    for (int p = 0; p < 2; ++p) parts.push_back(std::make_unique<Runner>(*s, cal, limits, impl_->kernels.back()));
    impl_->runners.push_back(std::move(parts));
  }
}

StreamScans::~StreamScans() = default;

bool StreamScans::Supports(const plan::Scan& scan) {
  std::string why;
  if (!JitSupports(scan, &why) || FloatSums(scan)) return false;
  for (const auto& c : scan.columns)
    if (c.path.size() != 1) return false;  // lookups join against the whole table
  return true;
}

void StreamScans::Consume(int part, rt::CsvResult& chunk, bool last) {
  for (size_t s = 0; s < impl_->scans.size(); ++s) {
    const plan::Scan& scan = *impl_->scans[s];
    engine::ScanInput in;
    in.rows = chunk.rows;
    in.source_name = impl_->name;  // the second reading thread's errors discard its rows (see ParseCsv)
    for (const auto& sc : scan.columns)
      for (const auto& col : chunk.columns)
        if (col.name == sc.path[0]) in.columns.push_back(&col);
    Runner& r = *impl_->runners[s][part];
    r.Consume(in, 0, chunk.rows);
    r.Advance(chunk.rows);
  }
  impl_->rows_seen[part] += chunk.rows;
  if (last) impl_->last[part] = std::move(chunk);
}

void StreamScans::SkipRows(size_t rows) {
  impl_->skipped += rows;
  for (auto& parts : impl_->runners)
    for (auto& r : parts) r->Advance(rows);
}

void StreamScans::Discard(int part) {
  for (size_t s = 0; s < impl_->scans.size(); ++s) {
    impl_->runners[s][static_cast<size_t>(part)] =
        std::make_unique<Runner>(*impl_->scans[s], *impl_->cal, *impl_->limits, impl_->kernels[s]);
    impl_->runners[s][static_cast<size_t>(part)]->Advance(impl_->skipped);
  }
  impl_->rows_seen[static_cast<size_t>(part)] = 0;
  impl_->last[static_cast<size_t>(part)] = rt::CsvResult{};
}

std::vector<engine::ScanResult> StreamScans::Finish() {
  std::vector<engine::ScanResult> out;
  for (size_t s = 0; s < impl_->scans.size(); ++s) {
    const plan::Scan& scan = *impl_->scans[s];
    // Part 1 read with its own dictionaries: its distinct string codes are
    // renumbered into part 0's (and sorted again) before the merge.
    auto& parts = impl_->runners[s];
    for (size_t a = 0; a < scan.aggs.size(); ++a) {
      const AggSpec& spec = scan.aggs[a];
      if (spec.fn != AggSpec::Fn::kCountDistinct || scan.nodes[spec.arg].type != VT::kString) continue;
      const std::string& name = scan.columns[scan.nodes[spec.arg].column].path[0];
      rt::Column* c0 = nullptr;
      const rt::Column* c1 = nullptr;
      for (auto& c : impl_->last[0].columns)
        if (c.name == name) c0 = &c;
      for (auto& c : impl_->last[1].columns)
        if (c.name == name) c1 = &c;
      if (!c1) continue;
      if (!c0) {
        impl_->last[0].columns.emplace_back();
        c0 = &impl_->last[0].columns.back();
        c0->name = name;
      }
      for (auto& set : parts[1]->result().aggs[a].distinct) {
        set.Finish();
        set = set.Mapped([&](int64_t code) { return c0->dict.Intern(c1->dict.At(static_cast<uint32_t>(code))); });
      }
    }
    out.push_back(Merge(scan, parts));
  }
  return out;
}

std::vector<std::string> StreamScans::DistinctStrings(size_t s, size_t a) const {
  const plan::Scan& scan = *impl_->scans[s];
  const AggSpec& spec = scan.aggs[a];
  std::vector<std::string> out;
  if (spec.fn != AggSpec::Fn::kCountDistinct || scan.nodes[spec.arg].type != VT::kString) return out;
  const std::string& name = scan.columns[scan.nodes[spec.arg].column].path[0];
  for (const auto& c : impl_->last[0].columns)
    if (c.name == name)
      for (uint32_t code = 0; code < c.dict.size(); ++code) out.emplace_back(c.dict.At(code));
  return out;
}

std::string KernelIr(const plan::Scan& scan, int index) {
  std::string why;
  if (!JitSupports(scan, &why))
    return fmt::format("; scan s{} ({}) runs in the interpreter: {}\n", index, scan.source, why);
  InitLlvm();
  llvm::LLVMContext ctx;
  auto mod = BuildModule(scan, ctx);
  mod->setModuleIdentifier(fmt::format("kpic_scan_s{}", index));
  std::string out;
  llvm::raw_string_ostream os(out);
  os << fmt::format("; scan s{} over {}\n", index, scan.source);
  mod->print(os, nullptr);
  return out;
}

}  // namespace kpic
