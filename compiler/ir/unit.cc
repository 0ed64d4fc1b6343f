// The unit algebra.
#include "ir/unit.h"

#include <fmt/format.h>

#include <memory>
#include <mutex>
#include <unordered_map>

namespace kpic {

namespace {

bool IsDurationName(const std::string& n) {
  return n == "second" || n == "minute" || n == "hour" || n == "day" || n == "week" || n == "month" || n == "quarter" ||
         n == "year";
}

}  // namespace

bool IsCurrencyName(const std::string& name) {
  if (name.size() != 3) return false;
  for (char c : name)
    if (c < 'A' || c > 'Z') return false;
  return true;
}

std::string CanonicalUnitName(const std::string& name) {
  static const std::map<std::string, std::string> plurals = {
      {"seconds", "second"}, {"minutes", "minute"}, {"hours", "hour"},       {"days", "day"},
      {"weeks", "week"},     {"months", "month"},   {"quarters", "quarter"}, {"years", "year"}};
  auto it = plurals.find(name);
  return it == plurals.end() ? name : it->second;
}

namespace {

std::string Text(const std::map<std::string, int>& powers) {
  std::string num, den;
  for (const auto& [n, p] : powers) {
    std::string& side = p > 0 ? num : den;
    if (!side.empty()) side += '*';
    side += n;
    int a = p > 0 ? p : -p;
    if (a != 1) side += fmt::format("^{}", a);
  }
  if (num.empty()) num.push_back('1');  // not = "1": g++ 12 warns falsely (-Wrestrict)
  return den.empty() ? num : num + "/" + den;
}

}  // namespace

Unit Unit::Of(std::map<std::string, int> powers) {
  Unit u;
  if (powers.empty()) return u;
  // Interned by canonical text, which names the powers exactly (base
  // names are identifiers: no `*`, `/` or `^`). Never freed: a program
  // meets few units. Threads (the language server) share the table.
  static std::mutex mutex;
  static std::unordered_map<std::string, std::unique_ptr<Data>> table;
  std::string text = Text(powers);
  std::lock_guard lock(mutex);
  auto [it, fresh] = table.try_emplace(std::move(text));
  if (fresh) it->second = std::make_unique<Data>(Data{std::move(powers), it->first});
  u.data_ = it->second.get();
  return u;
}

Unit Unit::Named(const std::string& name) {
  std::string n = CanonicalUnitName(name);
  if (n == "percent" || n == "1" || n.empty()) return Unit();
  return Of({{n, 1}});
}

const std::map<std::string, int>& Unit::powers() const {
  static const std::map<std::string, int> kNone;
  return data_ ? data_->powers : kNone;
}

Unit Unit::operator*(const Unit& o) const {
  if (o.IsOne()) return *this;
  std::map<std::string, int> r = powers();
  for (const auto& [n, p] : o.powers()) {
    int& v = r[n];
    v += p;
    if (v == 0) r.erase(n);
  }
  return Of(std::move(r));
}

Unit Unit::operator/(const Unit& o) const {
  if (o.IsOne()) return *this;
  std::map<std::string, int> r = powers();
  for (const auto& [n, p] : o.powers()) {
    int& v = r[n];
    v -= p;
    if (v == 0) r.erase(n);
  }
  return Of(std::move(r));
}

bool Unit::OnlyCounts() const {
  for (const auto& [n, p] : powers())
    if (IsCurrencyName(n) || IsDurationName(n)) return false;
  return true;
}

Unit Unit::WithoutCounts() const {
  std::map<std::string, int> kept;
  for (const auto& [n, p] : powers())
    if (IsCurrencyName(n) || IsDurationName(n) || p > 0) kept.emplace(n, p);
  return kept.size() == powers().size() ? *this : Of(std::move(kept));
}

bool Unit::HasCurrency() const {
  for (const auto& [n, p] : powers())
    if (IsCurrencyName(n)) return true;
  return false;
}

std::string Unit::Currency() const {
  const auto& p = powers();
  if (p.size() == 1 && p.begin()->second == 1 && IsCurrencyName(p.begin()->first)) return p.begin()->first;
  return {};
}

bool Unit::IsDuration() const {
  const auto& p = powers();
  return p.size() == 1 && p.begin()->second == 1 && IsDurationName(p.begin()->first);
}

const std::string& Unit::ToString() const {
  static const std::string kOne = "1";
  return data_ ? data_->text : kOne;
}

bool Comparable(const Unit& a, const Unit& b) {
  if (a == b) return true;
  // Counts are soft: `orders.quantity > 2` and `conversion < 12%` compare a
  // count (or a ratio of counts) with a plain number. Money and time never
  // are: `sales > 100` must say `100 CNY`.
  return (a.IsOne() && b.OnlyCounts()) || (b.IsOne() && a.OnlyCounts());
}

}  // namespace kpic
