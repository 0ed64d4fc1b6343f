// Transparent huge pages for the heap, asked for from inside the process.
#pragma once

namespace kpic::rt {

/// Sets malloc up to grow its heap in large steps and keep it (call once,
/// before the heavy allocations of an evaluation).
void PrepareHeapForHugePages();

/// Advises the heap of the calling thread's malloc arena to use
/// transparent huge pages, where it has grown since the last call. Cheap
/// when nothing grew; call it now and then while states grow (every chunk
/// of rows). The groups' states of a query with many groups otherwise take
/// a page fault per 4 KiB, which on a virtual machine costs more than
/// filling them. Advice only: without huge pages nothing changes.
void AdviseHeapHugePages();

}  // namespace kpic::rt
