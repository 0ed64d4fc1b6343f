// The state of an exact distinct count: a set of 64-bit keys (integers,
// dictionary codes, or the bits of a float) that picks its form by
// density. Sparse sets are vectors, sorted and deduplicated when they
// would grow; once the keys cover at least 1/256 of their range, the set
// becomes a bitmap over that range (one bit per possible key), with the
// keys outside it kept in the vector. Counting is then a popcount, and a
// union is an OR of words. Both forms are exact.
//
// The vector holds 32-bit keys while every key outside the bitmap is in
// [0, 2^32) (customer ids, dictionary codes, dates after 1970): half the
// memory, and half the bytes to sort. The first key outside that range
// widens it to 64 bits for good.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace kpic::engine {

/// What a compiled scan needs to set a key's bit without a call: the
/// bitmap's first key, its size in bits (0: no bitmap) and its words.
struct DistinctView {
  int64_t base = 0;
  uint64_t bits = 0;
  uint64_t* words = nullptr;
};

class DistinctSet {
 public:
  /// Adds a key (the scan loops' hot path).
  void Add(int64_t v) {
    uint64_t off = static_cast<uint64_t>(v) - static_cast<uint64_t>(base_);
    if (off < bits_.size() * 64) {
      bits_[off >> 6] |= uint64_t{1} << (off & 63);
      return;
    }
    if (!wide_ && static_cast<uint64_t>(v) >> 32 == 0) {
      Push(narrow_, v);
      return;
    }
    if (!wide_) Widen();
    Push(vals_, v);
  }

  /// The bitmap's view: valid until the next Add, Merge or Finish (the
  /// set's own moves keep it). Bits set through it are counted by Finish.
  DistinctView View() { return {base_, static_cast<uint64_t>(bits_.size()) * 64, bits_.data()}; }

  /// Deduplicates, and turns dense sets into bitmaps (after a scan).
  void Finish() { Compact(false); }
  /// The number of distinct keys (after Finish).
  size_t size() const { return count_; }
  /// Memory held, in 64-bit words: keys in the vector plus bitmap words.
  size_t held() const { return vals_.size() + (narrow_.size() + 1) / 2 + bits_.size(); }
  /// Adds every key of `o` (then Finish this set again before size()).
  void Merge(const DistinctSet& o);
  /// Calls `f` for every key (after Finish): bitmap keys in ascending order,
  /// then the others in ascending order.
  void ForEach(const std::function<void(int64_t)>& f) const;
  /// The set of f(key) for every key (after Finish), finished.
  DistinctSet Mapped(const std::function<int64_t(int64_t)>& f) const;

  /// A finished set's parts, to store it (exec/state_cache.cc): the
  /// bitmap's first key (a multiple of 64) and words, and the keys outside
  /// the bitmap, ascending.
  int64_t base() const { return base_; }
  const std::vector<uint64_t>& words() const { return bits_; }
  std::vector<int64_t> keys() const {
    return wide_ ? vals_ : std::vector<int64_t>(narrow_.begin(), narrow_.end());
  }
  /// A finished set from stored parts; false when they are not a finished
  /// set's (a base not a multiple of 64, keys not ascending, or a key
  /// inside the bitmap).
  static bool FromParts(int64_t base, std::vector<uint64_t> words, std::vector<int64_t> keys, DistinctSet* out);

 private:
  /// Sorts and deduplicates the vector, considers a bitmap, and (when
  /// `growing`) makes room to append.
  void Compact(bool growing) { wide_ ? Compact(vals_, growing) : Compact(narrow_, growing); }
  template <class T>
  void Compact(std::vector<T>& vals, bool growing);
  /// Makes the bitmap cover [lo, hi] (base kept a multiple of 64).
  void Cover(int64_t lo, int64_t hi);
  template <class T>
  void MoveCovered(std::vector<T>& vals);
  size_t BitCount() const;
  /// Appends a key outside the bitmap to the vector in use, compacting it
  /// first when it is full.
  template <class T>
  void Push(std::vector<T>& vals, int64_t v) {
    if (Full(vals)) {
      Compact(true);
      if (!bits_.empty()) {
        // The bitmap may now cover v: a key is kept in one form only.
        Add(v);
        return;
      }
    }
    vals.push_back(static_cast<T>(v));
    sorted_ = false;
  }
  /// Moves the 32-bit keys into the 64-bit vector, for good.
  void Widen();
  /// Union of two finished sets' sorted vectors (keys the bitmap covers go into it).
  template <class T, class U>
  void UnionSorted(std::vector<T>& into, const std::vector<U>& from);
  /// A vector is full when appending would reallocate, and it is large
  /// enough (or not lazy) to be compacted first.
  template <class T>
  bool Full(const std::vector<T>& v) const {
    return v.size() == v.capacity() && v.size() >= 64 && (!lazy_ || v.size() >= kLazyLimit);
  }

  /// A set whose last compaction found few duplicates grows without
  /// sorting until it holds this many keys (sorting at every doubling
  /// costs more than it saves when keys rarely repeat).
  static constexpr size_t kLazyLimit = 4096;

  std::vector<uint32_t> narrow_;  ///< keys outside the bitmap, while !wide_
  std::vector<int64_t> vals_;     ///< keys outside the bitmap, once wide_
  bool wide_ = false;
  bool sorted_ = true;            ///< the vector is sorted and unique
  bool lazy_ = false;
  std::vector<uint64_t> bits_;  ///< bit i: key base_ + i
  int64_t base_ = 0;
  size_t count_ = 0;
};

}  // namespace kpic::engine
