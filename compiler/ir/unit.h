// Units of measure: products and quotients of named base units. Currencies
// (ISO codes such as CNY), counts of entities (order, visit, customer) and
// durations (day, hour, ...) are base units; `percent` and `1` are
// dimensionless. The algebra is exact: a unit is a map from base unit to a
// non-zero integer power.
#pragma once

#include <map>
#include <string>


namespace kpic {

class Unit {
 public:
  Unit() = default;
  static Unit One() { return Unit(); }
  static Unit Named(const std::string& name);

  Unit operator*(const Unit& o) const;
  Unit operator/(const Unit& o) const;
  /// Units are interned: equal powers, the same data.
  bool operator==(const Unit& o) const { return data_ == o.data_; }
  bool operator!=(const Unit& o) const { return !(*this == o); }

  bool IsOne() const { return data_ == nullptr; }
  /// True when every base unit is an entity count (not money, not time).
  bool OnlyCounts() const;
  bool HasCurrency() const;
  /// The single currency when the unit is exactly one currency, else "".
  std::string Currency() const;
  bool IsDuration() const;
  /// The unit without the counts it is per (`CNY/order` is `CNY`,
  /// `day/order` is `day`): what a literal quantity can spell (`260 CNY`).
  /// A count it is times (`CNY*order`) stays.
  Unit WithoutCounts() const;

  /// Canonical text: "CNY", "CNY/order", "order/visit", "1", "visit^2".
  const std::string& ToString() const;

  const std::map<std::string, int>& powers() const;

  /// One unit's powers and canonical text, kept for the process's life
  /// (unit.cc interns them). A unit is a pointer to one: a type copies and
  /// compares a word, and a package of 80,000 metrics no longer keeps a map
  /// per typed node.
  struct Data {
    std::map<std::string, int> powers;
    std::string text;
  };

 private:
  static Unit Of(std::map<std::string, int> powers);
  const Data* data_ = nullptr;  ///< nullptr: dimensionless
};

/// Whether two units may be added or compared. Equal units may; a count or a
/// ratio of counts may also meet a plain number (`quantity > 2`,
/// `conversion < 12%`). Money and durations must match exactly.
bool Comparable(const Unit& a, const Unit& b);

bool IsCurrencyName(const std::string& name);
/// `days` -> `day`, `hours` -> `hour`, ...; other names unchanged.
std::string CanonicalUnitName(const std::string& name);

}  // namespace kpic
