// Group keys.
#include "engine/group.h"

#include <algorithm>
#include <bit>
#include <climits>
#include <cstring>

#include "engine/scan_util.h"
#include "timezone.h"

namespace kpic::engine {

namespace {

uint64_t Hash(int64_t period, const uint32_t* c) {
  uint64_t h = static_cast<uint64_t>(period) * 0x9E3779B97F4A7C15ULL;
  for (int i = 0; i < 3; ++i) h = (h ^ c[i]) * 0xBF58476D1CE4E5B9ULL;
  return h ^ (h >> 31);
}

}  // namespace

Grouper::Grouper(const plan::Scan& scan, const rt::Calendar& cal) : scan_(scan), cal_(cal) {
  packed_ = scan.dim_columns.size() <= 3;
  for (int c : scan.dim_columns)
    if (scan.columns[c].type != plan::VT::kString) packed_ = false;
  if (packed_) {
    keys_.resize(64);
    ids_.assign(64, UINT32_MAX);
    mask_ = 63;
  }
}

std::string Grouper::KeyBytes(uint32_t g) const {
  std::string k(reinterpret_cast<const char*>(&periods_[g]), sizeof(int64_t));
  for (const DimValue& d : dims_[g]) {
    if (d.null) {
      k += '\0';
      continue;
    }
    k += '\1';
    k.append(reinterpret_cast<const char*>(&d.i), sizeof d.i);
    uint32_t n = static_cast<uint32_t>(d.s.size());
    k.append(reinterpret_cast<const char*>(&n), sizeof n);
    k += d.s;
  }
  return k;
}

uint32_t Grouper::NewGroup(const ScanInput& in, size_t row, int64_t period) {
  periods_.push_back(period);
  DimTuple t;
  for (int c : scan_.dim_columns) t.push_back(DimOf(*in.columns[c], row));
  dims_.push_back(std::move(t));
  return static_cast<uint32_t>(periods_.size() - 1);
}

void Grouper::Grow() {
  std::vector<Key> keys(keys_.size() * 2);
  std::vector<uint32_t> ids(keys_.size() * 2, UINT32_MAX);
  size_t mask = keys.size() - 1;
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (ids_[i] == UINT32_MAX) continue;
    size_t s = Hash(keys_[i].period, keys_[i].c) & mask;
    while (ids[s] != UINT32_MAX) s = (s + 1) & mask;
    keys[s] = keys_[i];
    ids[s] = ids_[i];
  }
  keys_.swap(keys);
  ids_.swap(ids);
  mask_ = mask;
}

uint32_t Grouper::Lookup(const Key& k, const ScanInput& in, size_t row) {
  if (k.period == last_.period && std::memcmp(k.c, last_.c, sizeof k.c) == 0) return last_id_;
  size_t s = Hash(k.period, k.c) & mask_;
  while (ids_[s] != UINT32_MAX) {
    if (keys_[s].period == k.period && std::memcmp(keys_[s].c, k.c, sizeof k.c) == 0) {
      last_ = k;
      return last_id_ = ids_[s];
    }
    s = (s + 1) & mask_;
  }
  uint32_t id = NewGroup(in, row, k.period);
  keys_[s] = k;
  ids_[s] = id;
  if (periods_.size() * 2 > keys_.size()) Grow();
  last_ = k;
  return last_id_ = id;
}

namespace {
constexpr size_t kMaxDirect = size_t{1} << 22;  // 16 MB of ids
}  // namespace

void Grouper::DirectRebuild(const Key& k) {
  // Cover every group's key and k, with room to grow.
  int64_t lo = k.period, hi = k.period;
  uint32_t w[3] = {k.c[0] + 1, k.c[1] + 1, k.c[2] + 1};
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (ids_[i] == UINT32_MAX) continue;
    lo = std::min(lo, keys_[i].period);
    hi = std::max(hi, keys_[i].period);
    for (int d = 0; d < 3; ++d) w[d] = std::max(w[d], keys_[i].c[d] + 1);
  }
  int used = static_cast<int>(scan_.dim_columns.size());
  unsigned __int128 size = 1;
  for (int d = 0; d < 3; ++d) {
    if (d < used) w[d] = std::max<uint32_t>(8, std::bit_ceil(w[d]));
    size *= w[d];
  }
  int64_t span = std::max<int64_t>(16, (hi - lo + 1) * 2);
  size *= static_cast<unsigned __int128>(span);
  if (size > kMaxDirect) {
    direct_on_ = false;
    std::vector<uint32_t>().swap(direct_);
    return;
  }
  dbase_ = lo - (span - (hi - lo + 1)) / 2;
  dspan_ = span;
  std::copy(w, w + 3, dw_);
  direct_.assign(static_cast<size_t>(size), UINT32_MAX);
  for (size_t i = 0; i < keys_.size(); ++i)
    if (ids_[i] != UINT32_MAX)
      direct_[static_cast<size_t>(((keys_[i].period - dbase_) * dw_[0] + keys_[i].c[0]) * dw_[1] + keys_[i].c[1]) * dw_[2] +
              keys_[i].c[2]] = ids_[i];
}

void Grouper::DirectPut(const Key& k, uint32_t id) {
  int64_t pi = k.period - dbase_;
  if (!(pi >= 0 && pi < dspan_ && k.c[0] < dw_[0] && k.c[1] < dw_[1] && k.c[2] < dw_[2])) {
    DirectRebuild(k);  // the hash table already holds k: the rebuild copies it
    return;
  }
  direct_[static_cast<size_t>((pi * dw_[0] + k.c[0]) * dw_[1] + k.c[1]) * dw_[2] + k.c[2]] = id;
}

uint32_t Grouper::LookupBytes(const ScanInput& in, size_t row, int64_t period) {
  std::string k(reinterpret_cast<const char*>(&period), sizeof period);
  for (int ci : scan_.dim_columns) {
    const rt::Column* d = in.columns[ci];
    if (d->IsNull(row)) {
      k += '\0';
      continue;
    }
    k += '\1';
    if (d->type == rt::ColType::kString) {
      const std::string& s = d->dict.At(d->codes[row]);
      uint32_t n = static_cast<uint32_t>(s.size());
      k.append(reinterpret_cast<const char*>(&n), sizeof n);
      k += s;
    } else {
      int64_t v = d->type == rt::ColType::kFloat ? 0 : d->ints[row];
      if (d->type == rt::ColType::kFloat) std::memcpy(&v, &d->floats[row], sizeof v);
      k.append(reinterpret_cast<const char*>(&v), sizeof v);
    }
  }
  auto it = bytes_.find(k);
  if (it != bytes_.end()) return it->second;
  uint32_t id = NewGroup(in, row, period);
  bytes_.emplace(std::move(k), id);
  return id;
}

template <int D, bool NullFree>
size_t Grouper::SameDayRows(const rt::Column* t, const rt::Column* const* dims, size_t pi, size_t row, size_t end,
                            size_t begin, uint32_t* out) const {
  const uint64_t lo = static_cast<uint64_t>(day_lo_us_), span = static_cast<uint64_t>(day_hi_us_ - day_lo_us_);
  const int64_t* us = t->ints.data();
  const uint8_t* tv = t->valid.data();
  const uint32_t w0 = dw_[0], w1 = dw_[1], w2 = dw_[2];
  const uint32_t* slice = direct_.data() + pi * w0 * w1 * w2;
  const uint32_t* codes[3] = {};
  const uint8_t* valid[3] = {};
  for (int d = 0; d < D; ++d) codes[d] = dims[d]->codes.data(), valid[d] = dims[d]->valid.data();
  for (; row < end; ++row) {
    if ((!NullFree && !tv[row]) || static_cast<uint64_t>(us[row]) - lo >= span) break;
    uint32_t c[3] = {0, 0, 0};
    for (int d = 0; d < D; ++d) c[d] = NullFree || valid[d][row] ? codes[d][row] + 1 : 0;
    if ((D > 0 && c[0] >= w0) || (D > 1 && c[1] >= w1) || (D > 2 && c[2] >= w2)) break;
    uint32_t id = slice[(static_cast<size_t>(c[0]) * w1 + c[1]) * w2 + c[2]];
    if (id == UINT32_MAX) break;
    out[row - begin] = id;
  }
  return row;
}

size_t Grouper::Assign(const ScanInput& in, size_t begin, size_t end, uint32_t* out) {
  size_t without_time = 0;
  const rt::Column* t = scan_.time_column >= 0 ? in.columns[scan_.time_column] : nullptr;
  bool date = t && scan_.columns[scan_.time_column].type == plan::VT::kDate;
  bool bucket = t && scan_.grain != rt::Grain::kAll;
  const rt::Column* dims[3] = {nullptr, nullptr, nullptr};
  if (packed_)
    for (size_t d = 0; d < scan_.dim_columns.size(); ++d) dims[d] = in.columns[scan_.dim_columns[d]];
  const int ndims = static_cast<int>(scan_.dim_columns.size());
  bool null_free = t && t->null_free;
  for (int d = 0; d < ndims && null_free; ++d) null_free = dims[d] && dims[d]->null_free;
  for (size_t row = begin; row < end; ++row) {
    // Most rows fall in the previous row's day, so in its group's period:
    // they take the direct table's slice for that period in a tight loop.
    if (packed_ && direct_on_ && t && !date && day_hi_us_ > day_lo_us_ && (!bucket || last_day_ == cached_day_) &&
        !(scan_.from_day && cached_day_ < *scan_.from_day) && !(scan_.to_day && cached_day_ >= *scan_.to_day)) {
      int64_t pi = (bucket ? last_period_ : 0) - dbase_;
      if (pi >= 0 && pi < dspan_) {
        const size_t p = static_cast<size_t>(pi);
        if (null_free) {
          switch (ndims) {
            case 0: row = SameDayRows<0, true>(t, dims, p, row, end, begin, out); break;
            case 1: row = SameDayRows<1, true>(t, dims, p, row, end, begin, out); break;
            case 2: row = SameDayRows<2, true>(t, dims, p, row, end, begin, out); break;
            default: row = SameDayRows<3, true>(t, dims, p, row, end, begin, out); break;
          }
        } else {
          switch (ndims) {
            case 0: row = SameDayRows<0, false>(t, dims, p, row, end, begin, out); break;
            case 1: row = SameDayRows<1, false>(t, dims, p, row, end, begin, out); break;
            case 2: row = SameDayRows<2, false>(t, dims, p, row, end, begin, out); break;
            default: row = SameDayRows<3, false>(t, dims, p, row, end, begin, out); break;
          }
        }
        if (row == end) break;
      }
    }
    uint32_t& gid = out[row - begin];
    int64_t period = 0;
    if (t) {
      if (!t->valid[row]) {
        ++without_time;
        gid = UINT32_MAX;
        continue;
      }
      int32_t day;
      if (date) {
        day = static_cast<int32_t>(t->ints[row]);
      } else if (int64_t micros = t->ints[row]; micros >= day_lo_us_ && micros < day_hi_us_) {
        day = cached_day_;
      } else {
        int64_t secs = micros / 1000000 - (micros % 1000000 < 0);  // floor (micros may be INT64_MIN)
        if (cal_.zone && !(secs >= zone_lo_ && secs < zone_hi_))
          zone_offset_ = cal_.zone->OffsetAt(secs, &zone_lo_, &zone_hi_);
        int64_t offset = cal_.zone ? zone_offset_ : 0;
        int64_t local = secs + offset;
        day = static_cast<int32_t>(local >= 0 ? local / 86400 : -((-local + 86399) / 86400));
        // The instants of the same local day under the same offset.
        int64_t lo = int64_t{day} * 86400 - offset, hi = lo + 86400;
        if (cal_.zone) lo = std::max(lo, zone_lo_), hi = std::min(hi, zone_hi_);
        constexpr int64_t kLimit = INT64_MAX / 1000000 - 1;
        if (lo > -kLimit && hi < kLimit && lo < hi) {
          day_lo_us_ = lo * 1000000;
          day_hi_us_ = hi * 1000000;
          cached_day_ = day;
        }
      }
      if ((scan_.from_day && day < *scan_.from_day) || (scan_.to_day && day >= *scan_.to_day)) {
        gid = UINT32_MAX;
        continue;
      }
      if (bucket) {
        if (day != last_day_) {
          last_day_ = day;
          last_period_ = rt::PeriodOf(scan_.grain, day, cal_);
        }
        period = last_period_;
      }
    }
    if (packed_) {
      Key k{period, {0, 0, 0}};
      for (int d = 0; d < 3 && dims[d]; ++d) k.c[d] = dims[d]->valid[row] ? dims[d]->codes[row] + 1 : 0;
      if (direct_on_) {
        int64_t pi = period - dbase_;
        if (pi >= 0 && pi < dspan_ && k.c[0] < dw_[0] && k.c[1] < dw_[1] && k.c[2] < dw_[2]) {
          uint32_t id = direct_[static_cast<size_t>((pi * dw_[0] + k.c[0]) * dw_[1] + k.c[1]) * dw_[2] + k.c[2]];
          if (id != UINT32_MAX) {
            gid = id;
            continue;
          }
        }
        gid = Lookup(k, in, row);
        DirectPut(k, gid);
      } else {
        gid = Lookup(k, in, row);
      }
    } else {
      gid = LookupBytes(in, row, period);
    }
  }
  return without_time;
}

}  // namespace kpic::engine
