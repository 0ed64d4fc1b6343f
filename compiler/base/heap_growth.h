// A hook that the front end calls while its memory grows (tokens, syntax
// trees, the checker's tables), so that the driver can advise the heap's
// new pages to be transparent huge pages (runtime/hugepages.h) without the
// front end depending on the runtime. Unset, a call costs one load.
#pragma once

namespace kpic {

using HeapGrowthHook = void (*)();

/// Installs `hook` (nullptr removes it). Not thread-safe: call it before any
/// parsing starts.
void SetHeapGrowthHook(HeapGrowthHook hook);

/// Calls the hook, if any. Cheap enough to call every few hundred
/// allocations.
void NoteHeapGrowth();

}  // namespace kpic
