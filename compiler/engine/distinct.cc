// Distinct-count sets: vectors while sparse, bitmaps once dense.
#include "engine/distinct.h"

#include <algorithm>
#include <iterator>

namespace kpic::engine {

namespace {

/// A bitmap is used when the keys cover at least 1/256 of its range (so it
/// takes at most four times the memory of the keys as a vector, and
/// usually much less as the set fills) and there are enough of them for
/// the switch to pay.
constexpr size_t kMinBitmapKeys = 512;
constexpr unsigned kDensity = 256;
constexpr unsigned __int128 kMaxBitmapBits = static_cast<unsigned __int128>(1) << 40;

int64_t AlignDown(int64_t v) { return static_cast<int64_t>(static_cast<uint64_t>(v) & ~uint64_t{63}); }

/// hi - lo + 1 without overflow.
unsigned __int128 Span(int64_t lo, int64_t hi) {
  return static_cast<unsigned __int128>(static_cast<__int128>(hi) - static_cast<__int128>(lo)) + 1;
}

/// Sorts keys by their offset from the smallest, one byte per pass over
/// only the bytes the range needs (three for a million customer ids): for
/// the sparse sets of many small groups this is several times faster than
/// comparison sorting, whose branches mispredict on random keys.
template <class T>
void SortKeys(std::vector<T>* v) {
  if (v->size() < 128) {
    std::sort(v->begin(), v->end());
    return;
  }
  auto [lo_it, hi_it] = std::minmax_element(v->begin(), v->end());
  const uint64_t lo = static_cast<uint64_t>(*lo_it);
  const uint64_t range = static_cast<uint64_t>(*hi_it) - lo;
  int passes = 0;
  for (uint64_t r = range; r; r >>= 8) ++passes;
  thread_local std::vector<T> scratch;
  scratch.resize(v->size());
  std::vector<T>* from = v;
  std::vector<T>* to = &scratch;
  for (int pass = 0; pass < passes; ++pass) {
    const int shift = 8 * pass;
    size_t count[257] = {};
    for (T x : *from) ++count[((static_cast<uint64_t>(x) - lo) >> shift & 255) + 1];
    for (int b = 0; b < 256; ++b) count[b + 1] += count[b];
    for (T x : *from) (*to)[count[(static_cast<uint64_t>(x) - lo) >> shift & 255]++] = x;
    std::swap(from, to);
  }
  if (from != v) v->swap(scratch);  // an odd number of passes ended in the scratch buffer
}

#if defined(__x86_64__) && defined(__ELF__)
/// The bits set in `n` words: with the POPCNT instruction where the CPU
/// has it (chosen once, at load time), not libgcc's table-driven call per
/// word that a baseline x86-64 build makes of __builtin_popcountll (a Q1
/// group's bitmap is 16,000 words).
[[gnu::target_clones("popcnt", "default")]]
#endif
size_t CountBits(const uint64_t* w, size_t n) {
  size_t c = 0;
  for (size_t i = 0; i < n; ++i) c += static_cast<size_t>(__builtin_popcountll(w[i]));
  return c;
}

}  // namespace

size_t DistinctSet::BitCount() const { return CountBits(bits_.data(), bits_.size()); }

void DistinctSet::Cover(int64_t lo, int64_t hi) {
  if (!bits_.empty()) {
    lo = std::min(lo, base_);
    hi = std::max(hi, static_cast<int64_t>(static_cast<uint64_t>(base_) + bits_.size() * 64 - 1));
  }
  int64_t nb = AlignDown(lo);
  size_t words = static_cast<size_t>((static_cast<uint64_t>(hi) - static_cast<uint64_t>(nb)) / 64 + 1);
  if (bits_.empty()) {
    bits_.assign(words, 0);
  } else if (nb != base_ || words != bits_.size()) {
    std::vector<uint64_t> grown(words, 0);
    size_t at = static_cast<size_t>((static_cast<uint64_t>(base_) - static_cast<uint64_t>(nb)) / 64);
    std::copy(bits_.begin(), bits_.end(), grown.begin() + static_cast<std::ptrdiff_t>(at));
    bits_.swap(grown);
  }
  base_ = nb;
  // Keys the bitmap now covers move into it: a key is in one form only.
  wide_ ? MoveCovered(vals_) : MoveCovered(narrow_);
}

template <class T>
void DistinctSet::MoveCovered(std::vector<T>& vals) {
  size_t kept = 0;
  for (T v : vals) {
    uint64_t off = static_cast<uint64_t>(v) - static_cast<uint64_t>(base_);
    if (off < bits_.size() * 64)
      bits_[off >> 6] |= uint64_t{1} << (off & 63);
    else
      vals[kept++] = v;
  }
  vals.resize(kept);
}

void DistinctSet::Widen() {
  vals_.reserve(std::max(narrow_.capacity(), size_t{64}));
  vals_.assign(narrow_.begin(), narrow_.end());
  std::vector<uint32_t>().swap(narrow_);
  wide_ = true;
}

template <class T>
void DistinctSet::Compact(std::vector<T>& vals, bool growing) {
  size_t before = vals.size();
  if (!sorted_) {
    SortKeys(&vals);
    vals.erase(std::unique(vals.begin(), vals.end()), vals.end());
    sorted_ = true;
  }
  if (growing) lazy_ = (before - vals.size()) * 10 < before;
  size_t in_bits = BitCount();
  if (!vals.empty()) {
    int64_t lo = static_cast<int64_t>(vals.front()), hi = static_cast<int64_t>(vals.back());
    if (!bits_.empty()) {
      lo = std::min(lo, base_);
      hi = std::max(hi, static_cast<int64_t>(static_cast<uint64_t>(base_) + bits_.size() * 64 - 1));
    }
    size_t keys = in_bits + vals.size();
    unsigned __int128 span = Span(lo, hi);
    if (keys >= kMinBitmapKeys && span <= static_cast<unsigned __int128>(keys) * kDensity && span <= kMaxBitmapBits) {
      Cover(lo, hi);
      in_bits = keys;
    }
  }
  if (growing && vals.size() * 2 > vals.capacity()) vals.reserve(std::max<size_t>(64, vals.capacity() * 2));
  count_ = in_bits + vals.size();
}

void DistinctSet::Merge(const DistinctSet& o) {
  if (!o.bits_.empty()) {
    int64_t olo = o.base_;
    int64_t ohi = static_cast<int64_t>(static_cast<uint64_t>(o.base_) + o.bits_.size() * 64 - 1);
    bool cover = bits_.empty();
    if (!cover) {
      int64_t lo = std::min(olo, base_);
      int64_t hi = std::max(ohi, static_cast<int64_t>(static_cast<uint64_t>(base_) + bits_.size() * 64 - 1));
      unsigned __int128 span = Span(lo, hi);
      cover = span <= static_cast<unsigned __int128>(bits_.size() + o.bits_.size()) * 64 * 2 && span <= kMaxBitmapBits;
    }
    if (cover) {
      Cover(olo, ohi);
      size_t at = static_cast<size_t>((static_cast<uint64_t>(o.base_) - static_cast<uint64_t>(base_)) / 64);
      for (size_t i = 0; i < o.bits_.size(); ++i) bits_[at + i] |= o.bits_[i];
    } else {
      for (size_t i = 0; i < o.bits_.size(); ++i)
        for (uint64_t w = o.bits_[i]; w; w &= w - 1)
          Add(static_cast<int64_t>(static_cast<uint64_t>(o.base_) + i * 64 +
                                   static_cast<uint64_t>(__builtin_ctzll(w))));
    }
  }
  if (o.vals_.empty() && o.narrow_.empty()) return;  // (a wide `o` would widen this set for nothing)
  if (!sorted_ || !o.sorted_) {
    for (int64_t v : o.vals_) Add(v);
    for (uint32_t v : o.narrow_) Add(v);
    return;
  }
  // Both vectors sorted (finished sets): keys the bitmap covers go into
  // it, the others are merged in linear time.
  if (!wide_ && !o.wide_) {
    UnionSorted(narrow_, o.narrow_);
    return;
  }
  if (!wide_) Widen();
  o.wide_ ? UnionSorted(vals_, o.vals_) : UnionSorted(vals_, o.narrow_);
}

template <class T, class U>
void DistinctSet::UnionSorted(std::vector<T>& into, const std::vector<U>& from) {
  std::vector<T> outside, merged;
  outside.reserve(from.size());
  for (U v : from) {
    uint64_t off = static_cast<uint64_t>(v) - static_cast<uint64_t>(base_);
    if (off < bits_.size() * 64)
      bits_[off >> 6] |= uint64_t{1} << (off & 63);
    else
      outside.push_back(static_cast<T>(v));
  }
  merged.reserve(into.size() + outside.size());
  std::set_union(into.begin(), into.end(), outside.begin(), outside.end(), std::back_inserter(merged));
  into.swap(merged);
}

void DistinctSet::ForEach(const std::function<void(int64_t)>& f) const {
  for (size_t i = 0; i < bits_.size(); ++i)
    for (uint64_t w = bits_[i]; w; w &= w - 1)
      f(static_cast<int64_t>(static_cast<uint64_t>(base_) + i * 64 + static_cast<uint64_t>(__builtin_ctzll(w))));
  for (int64_t v : vals_) f(v);
  for (uint32_t v : narrow_) f(v);
}

DistinctSet DistinctSet::Mapped(const std::function<int64_t(int64_t)>& f) const {
  DistinctSet r;
  ForEach([&](int64_t v) { r.Add(f(v)); });
  r.Finish();
  return r;
}

bool DistinctSet::FromParts(int64_t base, std::vector<uint64_t> words, std::vector<int64_t> keys, DistinctSet* out) {
  if (AlignDown(base) != base) return false;
  if (!words.empty() && static_cast<unsigned __int128>(words.size()) * 64 > kMaxBitmapBits) return false;
  if (!words.empty() && static_cast<__int128>(base) + static_cast<__int128>(words.size()) * 64 - 1 > INT64_MAX)
    return false;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i && keys[i] <= keys[i - 1]) return false;
    uint64_t off = static_cast<uint64_t>(keys[i]) - static_cast<uint64_t>(base);
    if (off < words.size() * 64) return false;
  }
  DistinctSet r;
  r.base_ = words.empty() ? 0 : base;
  r.bits_ = std::move(words);
  if (keys.empty() || (keys.front() >= 0 && keys.back() <= int64_t{UINT32_MAX})) {
    r.narrow_.assign(keys.begin(), keys.end());
  } else {
    r.vals_ = std::move(keys);
    r.wide_ = true;
  }
  r.sorted_ = true;
  r.count_ = r.BitCount() + r.vals_.size() + r.narrow_.size();
  *out = std::move(r);
  return true;
}

}  // namespace kpic::engine
