#include "base/heap_growth.h"

namespace kpic {

namespace {
HeapGrowthHook g_hook = nullptr;
}  // namespace

void SetHeapGrowthHook(HeapGrowthHook hook) { g_hook = hook; }

void NoteHeapGrowth() {
  if (g_hook) g_hook();
}

}  // namespace kpic
