// The state cache's storage: entries, their encoding, fingerprints, and the
// merging of states from several parts (see state_cache.h).
#include "exec/state_cache.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <emmintrin.h>
#include <xxhash.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <thread>
#include <unordered_map>

#include "base/errors.h"
#include "csv.h"
#include "engine/scan_util.h"
#include "hugepages.h"

namespace kpic::exec {

namespace {

// 03: float moments of stddev and variance are shifted (AggStates::fshift);
// an 02 entry is dropped, never read as the sums of squares it holds.
constexpr char kMagic[8] = {'K', 'P', 'I', 'C', 'S', 'T', '0', '3'};
constexpr size_t kHeader = 8 + 8 + 16;       // magic, body length, XXH3-128 of the body
constexpr const char* kSuffix = ".states";
constexpr const char* kTempPrefix = ".tmp-";

std::string Hex(XXH128_hash_t h) { return fmt::format("{:016x}{:016x}", h.high64, h.low64); }

bool Off() {
  const char* off = std::getenv("KPIC_NO_CACHE");
  return off && *off && std::string(off) != "0";
}

// ---- encoding -------------------------------------------------------------------------

/// Appends to a buffer that grows geometrically without zero-filling (the
/// states of many groups make entries of tens of MB).
struct Writer {
  std::unique_ptr<char[]> buf;
  size_t len = 0, cap = 0;
  char* Room(size_t n) {
    if (len + n > cap) {
      size_t c = std::max(len + n, std::max<size_t>(cap * 2, 1 << 16));
      std::unique_ptr<char[]> b(new char[c]);
      if (len) std::memcpy(b.get(), buf.get(), len);
      buf = std::move(b);
      cap = c;
    }
    return buf.get() + len;
  }
  void Append(const void* p, size_t n) {
    if (!n) return;
    std::memcpy(Room(n), p, n);
    len += n;
  }
  std::string_view View() const { return {buf.get(), len}; }
  void U8(uint8_t v) { Append(&v, 1); }
  void U64(uint64_t v) { Append(&v, 8); }
  void I64(int64_t v) { U64(static_cast<uint64_t>(v)); }
  void I128(__int128 v) {
    U64(static_cast<uint64_t>(static_cast<unsigned __int128>(v)));
    U64(static_cast<uint64_t>(static_cast<unsigned __int128>(v) >> 64));
  }
  void F64(double v) {
    uint64_t u;
    std::memcpy(&u, &v, 8);
    U64(u);
  }
  static char* PutVar(char* p, uint64_t v) {
    while (v >= 0x80) {
      *p++ = static_cast<char>(v | 0x80);
      v >>= 7;
    }
    *p++ = static_cast<char>(v);
    return p;
  }
  void Var(uint64_t v) {
    char* p = Room(10);
    len = static_cast<size_t>(PutVar(p, v) - buf.get());
  }
  /// Ascending keys: the first as is, then the gaps as varints.
  void Keys(const std::vector<int64_t>& keys) {
    Var(keys.size());
    if (keys.empty()) return;
    I64(keys[0]);
    char* p = Room((keys.size() - 1) * 10);
    for (size_t i = 1; i < keys.size(); ++i)
      p = PutVar(p, static_cast<uint64_t>(keys[i]) - static_cast<uint64_t>(keys[i - 1]));
    len = static_cast<size_t>(p - buf.get());
  }
  void Str(const std::string& s) {
    Var(s.size());
    Append(s.data(), s.size());
  }
};

/// Reads what Writer wrote; any read past the end or any value out of
/// range marks the entry bad, and every later read returns zero.
struct Reader {
  const char* p;
  const char* end;
  bool bad = false;
  bool Need(size_t n) {
    if (bad || static_cast<size_t>(end - p) < n) {
      bad = true;
      return false;
    }
    return true;
  }
  uint8_t U8() { return Need(1) ? static_cast<uint8_t>(*p++) : 0; }
  uint64_t U64() {
    if (!Need(8)) return 0;
    uint64_t v;
    std::memcpy(&v, p, 8);
    p += 8;
    return v;
  }
  int64_t I64() { return static_cast<int64_t>(U64()); }
  __int128 I128() {
    unsigned __int128 lo = U64(), hi = U64();
    return static_cast<__int128>(lo | (hi << 64));
  }
  double F64() {
    uint64_t u = U64();
    double v;
    std::memcpy(&v, &u, 8);
    return v;
  }
  uint64_t Var() {
    if (!bad && end - p >= 10) {  // no bounds check per byte
      uint64_t v = 0;
      for (int shift = 0; shift < 70; shift += 7) {
        uint8_t b = static_cast<uint8_t>(*p++);
        v |= static_cast<uint64_t>(b & 0x7f) << shift;
        if (!(b & 0x80)) return v;
      }
      bad = true;
      return 0;
    }
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t b = U8();
      if (bad) return 0;
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    bad = true;
    return 0;
  }
  /// A count of items of at least `min_bytes` each, bounded by what is left.
  size_t Count(size_t min_bytes) {
    uint64_t n = Var();
    if (bad || n > static_cast<uint64_t>(end - p) / std::max<size_t>(1, min_bytes)) {
      bad = true;
      return 0;
    }
    return static_cast<size_t>(n);
  }
  std::string Str() {
    size_t n = Count(1);
    if (!Need(n)) return {};
    std::string s(p, n);
    p += n;
    return s;
  }
};

enum Vec : uint16_t {
  kIsum = 1, kFsum = 2, kIsumsq = 4, kFsumsq = 8, kImin = 16, kImax = 32, kFmin = 64, kFmax = 128, kFshift = 256
};

/// Which vectors of the states are kept (sized).
uint16_t Kept(const engine::AggStates& st) {
  return (st.isum.empty() ? 0 : kIsum) | (st.fsum.empty() ? 0 : kFsum) | (st.isumsq.empty() ? 0 : kIsumsq) |
         (st.fsumsq.empty() ? 0 : kFsumsq) | (st.imin.empty() ? 0 : kImin) | (st.imax.empty() ? 0 : kImax) |
         (st.fmin.empty() ? 0 : kFmin) | (st.fmax.empty() ? 0 : kFmax) | (st.fshift.empty() ? 0 : kFshift);
}

void PutSet(Writer& w, const engine::DistinctSet& d) {
  w.I64(d.base());
  w.Var(d.words().size());
  w.Append(d.words().data(), d.words().size() * 8);
  w.Keys(d.keys());
}

bool GetSet(Reader& r, engine::DistinctSet* d) {
  int64_t base = r.I64();
  std::vector<uint64_t> words;
  size_t nw = r.Count(8);
  if (nw && r.Need(nw * 8)) {
    words.resize(nw);  // filled at once
    std::memcpy(words.data(), r.p, nw * 8);
    r.p += nw * 8;
  }
  std::vector<int64_t> keys;
  size_t nk = r.Count(1);
  keys.reserve(nk);
  for (size_t i = 0; i < nk && !r.bad; ++i)
    keys.push_back(i == 0 ? r.I64() : static_cast<int64_t>(static_cast<uint64_t>(keys[i - 1]) + r.Var()));
  return !r.bad && engine::DistinctSet::FromParts(base, std::move(words), std::move(keys), d);
}

void PutResult(Writer& w, const plan::Scan& scan, const engine::ScanResult& r) {
  size_t n = r.rows.size();
  w.Var(n);
  w.U64(r.rows_without_time);
  for (size_t g = 0; g < n; ++g) {
    w.I64(r.period[g]);
    w.I64(r.rows[g]);
    w.Var(r.dims[g].size());
    for (const engine::DimValue& v : r.dims[g]) {
      w.U8(v.null ? 1 : 0);
      w.I64(v.i);
      w.Str(v.s);
    }
  }
  for (size_t a = 0; a < scan.aggs.size(); ++a) {
    const engine::AggStates& st = r.aggs[a];
    // The vectors this aggregate keeps (all empty when there is no group).
    engine::AggStates want;
    engine::GrowStates(scan, a, &want, 1);
    uint16_t has = Kept(want);
    w.U8(static_cast<uint8_t>(has));
    w.U8(static_cast<uint8_t>(has >> 8));
    w.U8(want.distinct.empty() ? 0 : 1);
    w.U8(want.values.empty() ? 0 : 1);
    for (size_t g = 0; g < n; ++g) {
      w.I64(st.count[g]);
      if (has & kIsum) w.I128(st.isum[g]);
      if (has & kFsum) w.F64(st.fsum[g]);
      if (has & kIsumsq) w.I128(st.isumsq[g]);
      if (has & kFsumsq) w.F64(st.fsumsq[g]);
      if (has & kImin) w.I64(st.imin[g]);
      if (has & kImax) w.I64(st.imax[g]);
      if (has & kFmin) w.F64(st.fmin[g]);
      if (has & kFmax) w.F64(st.fmax[g]);
      if (has & kFshift) w.F64(st.fshift[g]);
      if (!st.distinct.empty()) PutSet(w, st.distinct[g]);
      if (!st.values.empty()) {
        w.Var(st.values[g].size());
        for (double v : st.values[g]) w.F64(v);
      }
    }
  }
}

bool GetResult(Reader& r, const plan::Scan& scan, engine::ScanResult* out) {
  engine::ScanResult res;
  size_t n = r.Count(16);
  res.rows_without_time = r.U64();
  res.period.resize(n);
  res.rows.resize(n);
  res.dims.resize(n);
  for (size_t g = 0; g < n && !r.bad; ++g) {
    res.period[g] = r.I64();
    res.rows[g] = r.I64();
    res.dims[g].resize(r.Count(10));
    for (engine::DimValue& v : res.dims[g]) {
      v.null = r.U8() != 0;
      v.i = r.I64();
      v.s = r.Str();
    }
    if (res.dims[g].size() != scan.dim_columns.size()) return false;
  }
  res.aggs.resize(scan.aggs.size());
  for (size_t a = 0; a < scan.aggs.size() && !r.bad; ++a) {
    engine::AggStates& st = res.aggs[a];
    // The vectors must be the ones this scan's aggregate keeps.
    engine::AggStates want;
    engine::GrowStates(scan, a, &want, 1);
    uint16_t expect = Kept(want);
    uint16_t has = r.U8();
    has |= static_cast<uint16_t>(r.U8() << 8);
    bool distinct = r.U8() != 0, values = r.U8() != 0;
    if (has != expect || distinct != !want.distinct.empty() || values != !want.values.empty()) return false;
    engine::GrowStates(scan, a, &st, n);
    for (size_t g = 0; g < n && !r.bad; ++g) {
      if ((g & 255) == 0) rt::AdviseHeapHugePages();  // the sets' memory, in huge pages
      st.count[g] = r.I64();
      if (has & kIsum) st.isum[g] = r.I128();
      if (has & kFsum) st.fsum[g] = r.F64();
      if (has & kIsumsq) st.isumsq[g] = r.I128();
      if (has & kFsumsq) st.fsumsq[g] = r.F64();
      if (has & kImin) st.imin[g] = r.I64();
      if (has & kImax) st.imax[g] = r.I64();
      if (has & kFmin) st.fmin[g] = r.F64();
      if (has & kFmax) st.fmax[g] = r.F64();
      if (has & kFshift) st.fshift[g] = r.F64();
      if (distinct && !GetSet(r, &st.distinct[g])) return false;
      if (values) {
        st.values[g].resize(r.Count(8));
        for (double& v : st.values[g]) v = r.F64();
        if (!std::is_sorted(st.values[g].begin(), st.values[g].end())) return false;
      }
    }
  }
  if (r.bad) return false;
  *out = std::move(res);
  return true;
}

void Encode(const CacheEntry& e, const std::vector<const plan::Scan*>& scans, Writer& w) {
  w.Str(e.key);
  w.Var(e.print.start);
  w.Var(e.print.bytes);
  w.Var(e.print.pieces.size());
  for (auto [lo, hi] : e.print.pieces) {
    w.U64(lo);
    w.U64(hi);
  }
  w.Var(e.lines);
  w.Var(e.states.rows);
  w.Var(scans.size());
  for (size_t s = 0; s < scans.size(); ++s) {
    PutResult(w, *scans[s], e.states.scans[s]);
    for (size_t a = 0; a < scans[s]->aggs.size(); ++a) {
      const auto& strs = e.states.strings[s][a];
      w.Var(strs.size());
      for (const std::string& t : strs) w.Str(t);
    }
  }
}

bool Decode(std::string_view body, const std::vector<const plan::Scan*>& scans, CacheEntry* e) {
  Reader r{body.data(), body.data() + body.size()};
  e->key = r.Str();
  e->print.start = r.Var();
  e->print.bytes = r.Var();
  e->print.pieces.resize(r.Count(16));
  for (auto& [lo, hi] : e->print.pieces) {
    lo = r.U64();
    hi = r.U64();
  }
  if (e->print.pieces.size() != (e->print.bytes + DataPrint::kPiece - 1) / DataPrint::kPiece) return false;
  e->lines = r.Var();
  e->states.rows = r.Var();
  if (r.Var() != scans.size() || r.bad) return false;
  e->states.scans.resize(scans.size());
  e->states.strings.resize(scans.size());
  for (size_t s = 0; s < scans.size(); ++s) {
    if (!GetResult(r, *scans[s], &e->states.scans[s])) return false;
    e->states.strings[s].resize(scans[s]->aggs.size());
    for (size_t a = 0; a < scans[s]->aggs.size(); ++a) {
      auto& strs = e->states.strings[s][a];
      strs.resize(r.Count(1));
      for (std::string& t : strs) t = r.Str();
      if (r.bad) return false;
      // Every key of a string distinct count must be a code of one of them.
      if (!strs.empty() || scans[s]->aggs[a].fn == plan::AggSpec::Fn::kCountDistinct) {
        const plan::AggSpec& spec = scans[s]->aggs[a];
        bool text = spec.fn == plan::AggSpec::Fn::kCountDistinct && scans[s]->nodes[spec.arg].type == plan::VT::kString;
        if (!text && !strs.empty()) return false;
        if (text) {
          bool ok = true;
          for (const engine::DistinctSet& d : e->states.scans[s].aggs[a].distinct)
            d.ForEach([&](int64_t k) { ok &= k >= 0 && static_cast<uint64_t>(k) < strs.size(); });
          if (!ok) return false;
        }
      }
    }
  }
  return !r.bad && r.p == r.end;
}

}  // namespace

size_t CountByte(const char* p, size_t n, char c) {
  size_t count = 0, i = 0;
  const __m128i needle = _mm_set1_epi8(c);
  for (; i + 64 <= n; i += 64) {
    uint64_t m = 0;
    for (int k = 0; k < 4; ++k) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 16 * k));
      m |= static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, needle)))) << (16 * k);
    }
    count += static_cast<size_t>(__builtin_popcountll(m));
  }
  for (; i < n; ++i) count += p[i] == c;
  return count;
}

namespace {


}  // namespace

// ---- settings -------------------------------------------------------------------------

std::string DefaultStateCacheDir() {
  if (const char* d = std::getenv("KPIC_CACHE_DIR"); d && *d) return std::string(d) + "/states";
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/kpic/states";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/kpic/states";
  return "";
}

uint64_t ParseByteSize(const std::string& text, const std::string& flag) {
  size_t i = 0;
  unsigned __int128 v = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    v = v * 10 + static_cast<unsigned>(text[i] - '0');
    if (v > (static_cast<unsigned __int128>(1) << 62)) break;
    ++i;
  }
  int shift = -1;
  if (i > 0 && i == text.size()) shift = 0;
  if (i > 0 && i + 1 == text.size()) {
    const std::string units = "KMGT";
    size_t u = units.find(static_cast<char>(std::toupper(static_cast<unsigned char>(text[i]))));
    if (u != std::string::npos) shift = 10 * static_cast<int>(u + 1);
  }
  if (shift < 0 || (v << shift) > (static_cast<unsigned __int128>(1) << 62))
    throw UsageError(fmt::format("{} {}: expected a size such as 512M, 2G or 1000000 (bytes)", flag, text));
  return static_cast<uint64_t>(v << shift);
}

// ---- fingerprints ---------------------------------------------------------------------

std::string HashText(std::string_view s) { return Hex(XXH3_128bits(s.data(), s.size())); }

std::string DataPrint::Digest() const {
  std::vector<uint64_t> words = {start, bytes};
  for (auto [lo, hi] : pieces) words.insert(words.end(), {lo, hi});
  return Hex(XXH3_128bits(words.data(), words.size() * 8));
}

DataPrint HashFile(int fd, const std::string& path, size_t from, size_t to, bool lines) {
  DataPrint d;
  d.start = from;
  d.bytes = to > from ? to - from : 0;
  size_t first = from;
  size_t n = (d.bytes + DataPrint::kPiece - 1) / DataPrint::kPiece;
  d.pieces.resize(n);
  std::vector<size_t> newlines(2, 0);
  std::vector<int> errs(2, 0);
  auto work = [&](int t) {
    std::vector<char> buf(DataPrint::kPiece);
    // Interleaved pieces: both threads move through the file together.
    for (size_t k = static_cast<size_t>(t); k < n; k += 2) {
      size_t lo = first + k * DataPrint::kPiece, hi = std::min(to, lo + DataPrint::kPiece);
      size_t got = 0;
      while (got < hi - lo) {
        ssize_t r = ::pread(fd, buf.data() + got, hi - lo - got, static_cast<off_t>(lo + got));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
          errs[static_cast<size_t>(t)] = r < 0 ? errno : EIO;
          return;
        }
        got += static_cast<size_t>(r);
      }
      XXH128_hash_t h = XXH3_128bits(buf.data(), hi - lo);
      d.pieces[k] = {h.low64, h.high64};
      if (lines) newlines[static_cast<size_t>(t)] += CountByte(buf.data(), hi - lo, '\n');
    }
  };
  if (n > 4) {
    std::thread second(work, 1);
    work(0);
    second.join();
  } else {
    work(0);
    work(1);
  }
  for (int e : errs)
    if (e) throw rt::DataError(path, 0, "", "", std::string("cannot read: ") + std::strerror(e));
  d.newlines = newlines[0] + newlines[1];
  return d;
}

std::string ScanPrint(const plan::Scan& s) {
  std::string out = fmt::format("scan {} grain={} time={} filter={} windowed={} audit={} as_of={}{}", s.source,
                                static_cast<int>(s.grain), s.time_column, s.filter, s.windowed, s.audit, s.as_of_agg,
                                s.past_to ? " past_to" : "");
  if (s.from_day) out += fmt::format(" from={}", *s.from_day);
  if (s.to_day) out += fmt::format(" to={}", *s.to_day);
  out += fmt::format(" dims=[{}]\n", fmt::join(s.dim_columns, ","));
  for (const plan::ScanColumn& c : s.columns)
    out += fmt::format("c {} {} {} {}\n", fmt::join(c.path, "."), fmt::join(c.sources, "."), static_cast<int>(c.type),
                       c.scale);
  for (const plan::RowNode& n : s.nodes) {
    uint64_t f;
    std::memcpy(&f, &n.f, 8);
    out += fmt::format("n {} {} {} {} {} {} {} {} {} [{}]\n", static_cast<int>(n.op), static_cast<int>(n.type), n.scale,
                       n.column, n.i, f, static_cast<int>(n.part), n.negated, Hex(XXH3_128bits(n.s.data(), n.s.size())),
                       fmt::join(n.args, ","));
  }
  for (const plan::AggSpec& a : s.aggs) {
    uint64_t p;
    std::memcpy(&p, &a.p, 8);
    out += fmt::format("a {} {} {} {}\n", static_cast<int>(a.fn), a.arg, a.filter, p);
  }
  return out;
}

// ---- merging --------------------------------------------------------------------------

void MergeParts(const std::vector<const plan::Scan*>& scans, PartStates* into, PartStates&& from) {
  into->rows += from.rows;
  if (into->scans.empty()) {
    into->scans = std::move(from.scans);
    into->strings = std::move(from.strings);
    return;
  }
  for (size_t s = 0; s < scans.size(); ++s) {
    const plan::Scan& scan = *scans[s];
    engine::ScanResult& x = into->scans[s];
    engine::ScanResult& y = from.scans[s];
    // String keys of `from` become codes of `into`'s strings.
    for (size_t a = 0; a < scan.aggs.size(); ++a) {
      auto& xs = into->strings[s][a];
      const auto& ys = from.strings[s][a];
      if (ys.empty()) continue;
      std::unordered_map<std::string, int64_t> code;
      code.reserve(xs.size() + ys.size());
      for (size_t i = 0; i < xs.size(); ++i) code.emplace(xs[i], static_cast<int64_t>(i));
      std::vector<int64_t> map(ys.size());
      for (size_t i = 0; i < ys.size(); ++i) {
        auto [it, added] = code.emplace(ys[i], static_cast<int64_t>(xs.size()));
        if (added) xs.push_back(ys[i]);
        map[i] = it->second;
      }
      for (engine::DistinctSet& d : y.aggs[a].distinct) d = d.Mapped([&](int64_t k) { return map[static_cast<size_t>(k)]; });
    }
    std::map<std::pair<int64_t, engine::DimTuple>, uint32_t> index;
    for (uint32_t g = 0; g < x.rows.size(); ++g) index.emplace(std::make_pair(x.period[g], x.dims[g]), g);
    x.rows_without_time += y.rows_without_time;
    for (uint32_t h = 0; h < y.rows.size(); ++h) {
      auto [it, inserted] = index.emplace(std::make_pair(y.period[h], y.dims[h]), static_cast<uint32_t>(x.rows.size()));
      uint32_t g = it->second;
      if (inserted) {
        x.rows.push_back(0);
        x.period.push_back(y.period[h]);
        x.dims.push_back(y.dims[h]);
        for (size_t a = 0; a < scan.aggs.size(); ++a) engine::GrowStates(scan, a, &x.aggs[a], g + 1);
      }
      engine::MergeStates(scan, &x, g, y, h, inserted);
    }
    engine::Finish(&x);
  }
}

void CompactStrings(PartStates* part) {
  for (size_t s = 0; s < part->strings.size() && s < part->scans.size(); ++s)
    for (size_t a = 0; a < part->strings[s].size(); ++a) {
      std::vector<std::string>& strs = part->strings[s][a];
      if (strs.empty() || a >= part->scans[s].aggs.size()) continue;
      std::vector<engine::DistinctSet>& sets = part->scans[s].aggs[a].distinct;
      std::vector<int64_t> code(strs.size(), -1);
      std::vector<std::string> kept;
      for (const engine::DistinctSet& d : sets)
        d.ForEach([&](int64_t k) {
          int64_t& c = code[static_cast<size_t>(k)];
          if (c < 0) {
            c = static_cast<int64_t>(kept.size());
            kept.push_back(std::move(strs[static_cast<size_t>(k)]));
          }
        });
      for (engine::DistinctSet& d : sets) d = d.Mapped([&](int64_t k) { return code[static_cast<size_t>(k)]; });
      strs = std::move(kept);
    }
}

// ---- the folder -----------------------------------------------------------------------

StateCache::StateCache(CacheSettings settings) : s_(std::move(settings)) {
  if (Off()) s_.dir.clear();
}

namespace {

/// Why the folder may not be used (a link, not a folder, another user's),
/// or "" when it may.
std::string FolderProblem(const std::string& dir) {
  struct stat st;
  if (::lstat(dir.c_str(), &st) != 0) return fmt::format("cannot read the cache folder {}: {}", dir, std::strerror(errno));
  if (S_ISLNK(st.st_mode)) return fmt::format("the cache folder {} is a symbolic link: not used", dir);
  if (!S_ISDIR(st.st_mode)) return fmt::format("the cache folder {} is not a folder: not used", dir);
  if (st.st_uid != ::geteuid()) return fmt::format("the cache folder {} belongs to another user: not used", dir);
  return "";
}

}  // namespace

bool StateCache::Ready() {
  if (tried_) return ready_;
  tried_ = true;
  if (s_.dir.empty()) return false;
  std::error_code ec;
  std::filesystem::path dir(s_.dir);
  if (dir.has_parent_path()) std::filesystem::create_directories(dir.parent_path(), ec);
  if (::mkdir(s_.dir.c_str(), 0700) != 0 && errno != EEXIST) {
    problems.push_back(fmt::format("cannot make the cache folder {}: {}", s_.dir, std::strerror(errno)));
    return false;
  }
  if (std::string why = FolderProblem(s_.dir); !why.empty()) {
    problems.push_back(why);
    return false;
  }
  struct stat st;
  if (::stat(s_.dir.c_str(), &st) == 0 && (st.st_mode & 077) != 0) ::chmod(s_.dir.c_str(), 0700);
  ready_ = true;
  return true;
}

std::string StateCache::PathOf(const std::string& key) const {
  return s_.dir + "/" + Hex(XXH3_128bits(key.data(), key.size())) + kSuffix;
}

std::optional<CacheEntry> StateCache::Load(const std::string& key, const std::vector<const plan::Scan*>& scans) {
  if (!Ready()) return std::nullopt;
  std::string path = PathOf(key);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return std::nullopt;
  struct stat st;
  bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::geteuid() &&
            static_cast<uint64_t>(st.st_size) >= kHeader;
  const size_t size = ok ? static_cast<size_t>(st.st_size) : 0;
  void* map = ok ? ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0) : MAP_FAILED;
  ::close(fd);
  ok = ok && map != MAP_FAILED;
  std::string_view data = ok ? std::string_view(static_cast<const char*>(map), size) : std::string_view();
  CacheEntry e;
  if (ok) {
    uint64_t len;
    std::memcpy(&len, data.data() + 8, 8);
    XXH128_hash_t want;
    std::memcpy(&want.low64, data.data() + 16, 8);
    std::memcpy(&want.high64, data.data() + 24, 8);
    ok = std::memcmp(data.data(), kMagic, 8) == 0 && len == data.size() - kHeader;
    if (ok) {
      XXH128_hash_t got = XXH3_128bits(data.data() + kHeader, len);
      ok = got.low64 == want.low64 && got.high64 == want.high64;
    }
    ok = ok && Decode(data.substr(kHeader), scans, &e) && e.key == key;
  }
  if (map != MAP_FAILED) ::munmap(map, size);
  if (!ok) {
    ::unlink(path.c_str());
    ++dropped;
    return std::nullopt;
  }
  // The entry's last use, for eviction.
  ::utimensat(AT_FDCWD, path.c_str(), nullptr, AT_SYMLINK_NOFOLLOW);
  return e;
}

void StateCache::Store(const CacheEntry& e, const std::vector<const plan::Scan*>& scans) {
  if (!Ready()) return;
  Writer w;
  w.Room(kHeader);
  w.len = kHeader;  // the header, filled in below
  Encode(e, scans, w);
  if (w.len > s_.max_bytes) {  // it would evict everything, itself included
    ++too_large;
    too_large_bytes = std::max<uint64_t>(too_large_bytes, w.len);
    return;
  }
  uint64_t body_len = w.len - kHeader;
  XXH128_hash_t h = XXH3_128bits(w.buf.get() + kHeader, body_len);
  std::memcpy(w.buf.get(), kMagic, 8);
  std::memcpy(w.buf.get() + 8, &body_len, 8);
  std::memcpy(w.buf.get() + 16, &h.low64, 8);
  std::memcpy(w.buf.get() + 24, &h.high64, 8);
  std::random_device rd;
  std::string tmp = fmt::format("{}/{}{}-{:08x}", s_.dir, kTempPrefix, ::getpid(), rd());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    problems.push_back(fmt::format("cannot write to the cache folder {}: {}", s_.dir, std::strerror(errno)));
    return;
  }
  bool ok = true;
  std::string_view all = w.View();
  size_t done = 0;
  while (ok && done < all.size()) {
    ssize_t n = ::write(fd, all.data() + done, all.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      ok = false;
    else
      done += static_cast<size_t>(n);
  }
  int err = errno;
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(tmp.c_str(), PathOf(e.key).c_str()) != 0) {
    if (ok) err = errno;
    ::unlink(tmp.c_str());
    problems.push_back(fmt::format("cannot write a cache entry in {}: {}", s_.dir, std::strerror(err)));
    return;
  }
  ++stored;
}

void StateCache::Remove(const std::string& key) {
  if (Ready()) ::unlink(PathOf(key).c_str());
}

namespace {

struct Listed {
  std::string path;
  uint64_t bytes = 0;
  int64_t used = 0;  // nanoseconds
  bool temp = false;
  bool regular = true;
};

std::vector<Listed> List(const std::string& dir) {
  std::vector<Listed> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (dirent* de = ::readdir(d)) {
    std::string name = de->d_name;
    bool temp = name.rfind(kTempPrefix, 0) == 0;
    bool entry = name.size() > std::strlen(kSuffix) && name.compare(name.size() - std::strlen(kSuffix), std::string::npos, kSuffix) == 0;
    if (!temp && !entry) continue;
    Listed l;
    l.path = dir + "/" + name;
    l.temp = temp;
    struct stat st;
    if (::lstat(l.path.c_str(), &st) != 0) continue;
    l.regular = S_ISREG(st.st_mode);  // a link or anything else is never read, and is removed
    l.bytes = l.regular ? static_cast<uint64_t>(st.st_size) : 0;
    l.used = int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
    out.push_back(std::move(l));
  }
  ::closedir(d);
  return out;
}

}  // namespace

void StateCache::Evict() {
  if (!Ready()) return;
  std::vector<Listed> all = List(s_.dir);
  uint64_t total = 0;
  std::vector<Listed> entries;
  int64_t now = static_cast<int64_t>(std::time(nullptr)) * 1000000000;
  for (Listed& l : all) {
    if (!l.regular) {
      ::unlink(l.path.c_str());
      continue;
    }
    // An unfinished write an hour old is left over from a killed run.
    if (l.temp) {
      if (now - l.used > int64_t{3600} * 1000000000) ::unlink(l.path.c_str());
      continue;
    }
    total += l.bytes;
    entries.push_back(std::move(l));
  }
  std::sort(entries.begin(), entries.end(), [](const Listed& a, const Listed& b) { return a.used < b.used; });
  for (const Listed& l : entries) {
    if (total <= s_.max_bytes) break;
    if (::unlink(l.path.c_str()) == 0) ++evicted;
    total -= l.bytes;
  }
}

CacheStats StatCache(const std::string& dir) {
  CacheStats s;
  s.dir = dir;
  struct stat st;
  s.exists = !dir.empty() && ::lstat(dir.c_str(), &st) == 0;
  if (!s.exists) {
    // Not there yet is empty; a path through a file (KPIC_CACHE_DIR naming
    // a file) or one that cannot be read is a problem that runs meet too.
    if (!dir.empty() && errno != ENOENT)
      s.problem = errno == ENOTDIR ? fmt::format("the cache folder {} cannot be made: a part of its path is not a "
                                                 "folder",
                                                 dir)
                                   : fmt::format("cannot read the cache folder {}: {}", dir, std::strerror(errno));
    return s;
  }
  s.problem = FolderProblem(dir);
  if (!s.problem.empty()) return s;
  for (const Listed& l : List(dir)) {
    if (!l.regular) continue;
    if (l.temp) {
      ++s.temporary;
      continue;
    }
    ++s.entries;
    s.bytes += l.bytes;
    int64_t sec = l.used / 1000000000;
    s.oldest = s.oldest ? std::min(*s.oldest, sec) : sec;
    s.newest = s.newest ? std::max(*s.newest, sec) : sec;
  }
  return s;
}

size_t ClearCache(const std::string& dir, std::string* problem) {
  size_t n = 0;
  struct stat st;
  if (dir.empty() || ::lstat(dir.c_str(), &st) != 0) return 0;
  *problem = FolderProblem(dir);
  if (!problem->empty()) return 0;
  for (const Listed& l : List(dir))
    if (::unlink(l.path.c_str()) == 0 && !l.temp && l.regular) ++n;
  return n;
}

}  // namespace kpic::exec
