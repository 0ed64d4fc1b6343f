// Lookup joins: many-to-one, through each referenced source's key.
#include "exec/tables.h"

#include <fmt/format.h>

#include <unordered_map>

namespace kpic::exec {

void Tables::Add(SourceData d) {
  std::string key = d.source;
  auto& idx = column_index[key];
  for (size_t i = 0; i < d.data.columns.size(); ++i) idx[d.data.columns[i].name] = i;
  by_source.emplace(key, std::move(d));
}

const rt::Column& Tables::Column(const std::string& source, const std::string& column) const {
  return by_source.at(source).data.columns.at(column_index.at(source).at(column));
}

const rt::Column* JoinPath(const plan::Plan& p, Tables& t, const plan::ScanColumn& sc) {
  const rt::Column* cur = &t.Column(sc.sources[0], sc.path[0]);
  std::vector<int64_t> rows(cur->size());
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<int64_t>(i);
  for (size_t step = 1; step < sc.path.size(); ++step) {
    const std::string& target = sc.sources[step];
    const ir::Source* decl = nullptr;
    for (const ir::Source& s : p.sources)
      if (s.key == target) decl = &s;
    std::string key_name = decl && decl->key_column >= 0 ? decl->columns[decl->key_column].name : "";
    const rt::Column& key = t.Column(target, key_name);
    const SourceData& target_data = t.by_source.at(target);
    // Index the referenced source's key; a duplicate would fan rows out.
    std::unordered_map<std::string, int64_t> index;
    index.reserve(key.size());
    for (size_t r = 0; r < key.size(); ++r) {
      if (key.IsNull(r)) continue;
      std::string k = key.type == rt::ColType::kString ? key.dict.At(key.codes[r]) : std::to_string(key.ints[r]);
      auto [it, inserted] = index.emplace(k, static_cast<int64_t>(r));
      if (!inserted)
        throw rt::DataError(target_data.uri, r + 2, key_name, k,
                            fmt::format("the key of `{}` is duplicated (first at data row {}), so a lookup into it "
                                        "would count rows twice",
                                        decl->name, it->second + 1));
    }
    size_t unmatched = 0;
    std::string example;
    for (int64_t& r : rows) {
      if (r < 0) continue;
      if (cur->IsNull(static_cast<size_t>(r))) {
        r = -1;
        continue;
      }
      std::string k = cur->type == rt::ColType::kString ? cur->dict.At(cur->codes[r]) : std::to_string(cur->ints[r]);
      auto it = index.find(k);
      if (it == index.end()) {
        if (!unmatched) example = k;
        ++unmatched;
        r = -1;
      } else {
        r = it->second;
      }
    }
    if (unmatched)
      t.warnings.push_back({"W0701",
                            fmt::format("{} row(s) have a `{}` not found in `{}` (for example {}); their `{}` is null",
                                        unmatched, sc.path[step - 1], decl->name, KeyExample(example), sc.path.back()),
                            fmt::format("{} 行的 `{}` 在{}中找不到（例如 {}），其 `{}` 为空", unmatched,
                                        sc.path[step - 1], ZhName(decl->label, decl->name), KeyExample(example),
                                        sc.path.back())});
    cur = &t.Column(target, sc.path[step]);
  }
  // Gather the final column.
  rt::Column out;
  out.name = sc.Text();
  out.type = cur->type;
  out.scale = cur->scale;
  out.valid.resize(rows.size());
  if (cur->type == rt::ColType::kString) {
    out.codes.resize(rows.size());
    std::vector<uint32_t> remap(cur->dict.size(), UINT32_MAX);
    for (size_t i = 0; i < rows.size(); ++i) {
      if (rows[i] < 0 || cur->IsNull(rows[i])) continue;
      uint32_t c = cur->codes[rows[i]];
      if (remap[c] == UINT32_MAX) remap[c] = out.dict.Intern(cur->dict.At(c));
      out.codes[i] = remap[c];
      out.valid[i] = 1;
    }
  } else if (cur->type == rt::ColType::kFloat) {
    out.floats.resize(rows.size());
    for (size_t i = 0; i < rows.size(); ++i)
      if (rows[i] >= 0 && !cur->IsNull(rows[i])) out.floats[i] = cur->floats[rows[i]], out.valid[i] = 1;
  } else {
    out.ints.resize(rows.size());
    for (size_t i = 0; i < rows.size(); ++i)
      if (rows[i] >= 0 && !cur->IsNull(rows[i])) out.ints[i] = cur->ints[rows[i]], out.valid[i] = 1;
  }
  t.joined.push_back(std::move(out));
  return &t.joined.back();
}

}  // namespace kpic::exec
