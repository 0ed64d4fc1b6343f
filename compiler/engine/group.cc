// Group keys.
#include "engine/group.h"

#include <algorithm>
#include <cstring>

#include "engine/scan_util.h"
#include "timezone.h"

namespace kpic::engine {

namespace {

int BitsFor(uint64_t n) {  // bits to hold 0..n
  int b = 0;
  while (b < 64 && (n >> b) != 0) ++b;
  return std::max(b, 1);
}

constexpr int kDirectBits = 18;

}  // namespace

void PushDistinct(std::vector<int64_t>* set, int64_t v) {
  if (set->size() == set->capacity() && set->size() >= 64) {
    std::sort(set->begin(), set->end());
    set->erase(std::unique(set->begin(), set->end()), set->end());
    if (set->size() * 2 > set->capacity()) set->reserve(set->capacity() * 2);
  }
  set->push_back(v);
}

Grouper::Grouper(const plan::Scan& scan, const ScanInput& in, const rt::Calendar& cal)
    : scan_(scan), in_(in), cal_(cal) {
  for (int c : scan.dim_columns) dims_.push_back(in.columns[c]);
  // The period range, from the time column's extremes.
  int total = 0;
  if (scan.time_column >= 0 && scan.grain != rt::Grain::kAll) {
    const rt::Column& t = *in.columns[scan.time_column];
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t i = 0; i < t.size(); ++i)
      if (t.valid[i]) lo = std::min(lo, t.ints[i]), hi = std::max(hi, t.ints[i]);
    if (lo <= hi) {
      bool date = scan.columns[scan.time_column].type == plan::VT::kDate;
      // A zone offset moves a timestamp by at most a day either way.
      int32_t dlo = date ? static_cast<int32_t>(lo) : rt::LocalDay(lo, cal) - 1;
      int32_t dhi = date ? static_cast<int32_t>(hi) : rt::LocalDay(hi, cal) + 1;
      min_period_ = rt::PeriodOf(scan.grain, dlo, cal);
      period_bits_ = BitsFor(static_cast<uint64_t>(rt::PeriodOf(scan.grain, dhi, cal) - min_period_));
    }
    total += period_bits_;
  }
  packed_ = true;
  for (const rt::Column* d : dims_) {
    if (d->type != rt::ColType::kString) {
      packed_ = false;
      break;
    }
    dim_bits_.push_back(BitsFor(d->dict.size()));
    total += dim_bits_.back();
  }
  if (total > 63) packed_ = false;
  if (packed_ && total <= kDirectBits) direct_.assign(size_t{1} << total, UINT32_MAX);
}

DimTuple Grouper::Dims(uint32_t g) const {
  DimTuple t;
  for (const rt::Column* d : dims_) t.push_back(DimOf(*d, first_row_[g]));
  return t;
}

std::string Grouper::KeyBytes(uint32_t g) const {
  std::string k(reinterpret_cast<const char*>(&periods_[g]), sizeof(int64_t));
  for (const rt::Column* d : dims_) {
    size_t r = first_row_[g];
    if (d->IsNull(r)) {
      k += '\0';
    } else if (d->type == rt::ColType::kString) {
      const std::string& s = d->dict.At(d->codes[r]);
      k += '\1';
      uint32_t n = static_cast<uint32_t>(s.size());
      k.append(reinterpret_cast<const char*>(&n), sizeof n);
      k += s;
    } else {
      k += '\2';
      int64_t v = d->type == rt::ColType::kFloat ? 0 : d->ints[r];
      if (d->type == rt::ColType::kFloat) std::memcpy(&v, &d->floats[r], sizeof v);
      k.append(reinterpret_cast<const char*>(&v), sizeof v);
    }
  }
  return k;
}

uint32_t Grouper::Lookup(uint64_t packed, size_t row, int64_t period) {
  uint32_t* slot;
  if (!direct_.empty()) {
    slot = &direct_[packed];
  } else {
    auto [it, inserted] = hashed_.emplace(packed, UINT32_MAX);
    slot = &it->second;
  }
  if (*slot == UINT32_MAX) {
    *slot = static_cast<uint32_t>(periods_.size());
    periods_.push_back(period);
    first_row_.push_back(static_cast<uint32_t>(row));
  }
  return *slot;
}

uint32_t Grouper::LookupBytes(size_t row, int64_t period) {
  std::string k(reinterpret_cast<const char*>(&period), sizeof period);
  for (const rt::Column* d : dims_) {
    if (d->IsNull(row)) {
      k += '\0';
      continue;
    }
    k += '\1';
    int64_t v = d->type == rt::ColType::kString ? d->codes[row] : d->type == rt::ColType::kFloat ? 0 : d->ints[row];
    if (d->type == rt::ColType::kFloat) std::memcpy(&v, &d->floats[row], sizeof v);
    k.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  auto [it, inserted] = bytes_.emplace(std::move(k), static_cast<uint32_t>(periods_.size()));
  if (inserted) {
    periods_.push_back(period);
    first_row_.push_back(static_cast<uint32_t>(row));
  }
  return it->second;
}

size_t Grouper::Assign(size_t begin, size_t end, uint32_t* out) {
  size_t without_time = 0;
  const rt::Column* t = scan_.time_column >= 0 ? in_.columns[scan_.time_column] : nullptr;
  bool date = t && scan_.columns[scan_.time_column].type == plan::VT::kDate;
  bool bucket = t && scan_.grain != rt::Grain::kAll;
  for (size_t row = begin; row < end; ++row) {
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
      } else {
        int64_t micros = t->ints[row];
        int64_t secs = micros >= 0 ? micros / 1000000 : -((-micros + 999999) / 1000000);
        if (cal_.zone && !(secs >= zone_lo_ && secs < zone_hi_)) zone_offset_ = cal_.zone->OffsetAt(secs, &zone_lo_, &zone_hi_);
        int64_t local = secs + (cal_.zone ? zone_offset_ : 0);
        day = static_cast<int32_t>(local >= 0 ? local / 86400 : -((-local + 86399) / 86400));
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
      uint64_t key = static_cast<uint64_t>(period - min_period_);
      int shift = period_bits_;
      for (size_t d = 0; d < dims_.size(); ++d) {
        uint64_t c = dims_[d]->valid[row] ? uint64_t{dims_[d]->codes[row]} + 1 : 0;
        key |= c << shift;
        shift += dim_bits_[d];
      }
      gid = Lookup(key, row, period);
    } else {
      gid = LookupBytes(row, period);
    }
  }
  return without_time;
}

}  // namespace kpic::engine
