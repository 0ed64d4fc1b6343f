// The unit algebra.
#include "ir/unit.h"

#include <fmt/format.h>

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

Unit Unit::Named(const std::string& name) {
  Unit u;
  std::string n = CanonicalUnitName(name);
  if (n != "percent" && n != "1" && !n.empty()) u.powers_[n] = 1;
  return u;
}

Unit Unit::operator*(const Unit& o) const {
  Unit r = *this;
  for (const auto& [n, p] : o.powers_) {
    int& v = r.powers_[n];
    v += p;
    if (v == 0) r.powers_.erase(n);
  }
  return r;
}

Unit Unit::operator/(const Unit& o) const {
  Unit r = *this;
  for (const auto& [n, p] : o.powers_) {
    int& v = r.powers_[n];
    v -= p;
    if (v == 0) r.powers_.erase(n);
  }
  return r;
}

bool Unit::OnlyCounts() const {
  for (const auto& [n, p] : powers_)
    if (IsCurrencyName(n) || IsDurationName(n)) return false;
  return true;
}

bool Unit::HasCurrency() const {
  for (const auto& [n, p] : powers_)
    if (IsCurrencyName(n)) return true;
  return false;
}

std::string Unit::Currency() const {
  if (powers_.size() == 1 && powers_.begin()->second == 1 && IsCurrencyName(powers_.begin()->first))
    return powers_.begin()->first;
  return {};
}

bool Unit::IsDuration() const {
  return powers_.size() == 1 && powers_.begin()->second == 1 && IsDurationName(powers_.begin()->first);
}

std::string Unit::ToString() const {
  std::string num, den;
  for (const auto& [n, p] : powers_) {
    std::string& side = p > 0 ? num : den;
    if (!side.empty()) side += '*';
    side += n;
    int a = p > 0 ? p : -p;
    if (a != 1) side += fmt::format("^{}", a);
  }
  if (num.empty()) num.push_back('1');  // not = "1": g++ 12 warns falsely (-Wrestrict)
  return den.empty() ? num : num + "/" + den;
}

bool Comparable(const Unit& a, const Unit& b) {
  if (a == b) return true;
  // Counts are soft: `orders.quantity > 2` and `conversion < 12%` compare a
  // count (or a ratio of counts) with a plain number. Money and time never
  // are: `sales > 100` must say `100 CNY`.
  return (a.IsOne() && b.OnlyCounts()) || (b.IsOne() && a.OnlyCounts());
}

}  // namespace kpic
