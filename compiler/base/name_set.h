// A set of names that copies share: a pointer to an immutable std::set,
// copied on the first change after a copy. A package of 80,000 metrics
// keeps several such sets per metric (its sources, dimensions and
// dependencies, in the checker's table and again in the IR); most are
// copies of each other or of a source's dimensions, and sharing them took
// most of the 84 MB their nodes held (docs/performance.md).
//
// It reads as a const std::set<std::string> (and converts to one), and
// changes through insert, erase and clear.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <utility>

namespace kpic {

class NameSet {
 public:
  using Set = std::set<std::string>;
  using const_iterator = Set::const_iterator;
  using iterator = Set::const_iterator;
  using value_type = std::string;

  NameSet() = default;
  NameSet(const Set& s) : p_(s.empty() ? nullptr : std::make_shared<const Set>(s)) {}  // NOLINT: implicit
  NameSet(Set&& s) : p_(s.empty() ? nullptr : std::make_shared<const Set>(std::move(s))) {}  // NOLINT
  NameSet(std::initializer_list<std::string> xs) : NameSet(Set(xs)) {}

  /// The set (an empty one when none).
  const Set& set() const { return p_ ? *p_ : Empty(); }
  operator const Set&() const { return set(); }  // NOLINT: implicit, reads as the set

  const_iterator begin() const { return set().begin(); }
  const_iterator end() const { return set().end(); }
  size_t size() const { return p_ ? p_->size() : 0; }
  bool empty() const { return size() == 0; }
  size_t count(const std::string& x) const { return p_ ? p_->count(x) : 0; }
  bool contains(const std::string& x) const { return count(x) != 0; }
  const_iterator find(const std::string& x) const { return set().find(x); }

  std::pair<const_iterator, bool> insert(const std::string& x) {
    if (p_ && p_->count(x)) return {p_->find(x), false};
    return Own().insert(x);
  }
  template <class It>
  void insert(It first, It last) {
    for (; first != last; ++first) insert(*first);
  }
  size_t erase(const std::string& x) {
    if (!count(x)) return 0;
    return Own().erase(x);
  }
  void clear() { p_.reset(); }

  friend bool operator==(const NameSet& a, const NameSet& b) { return a.p_ == b.p_ || a.set() == b.set(); }
  friend bool operator!=(const NameSet& a, const NameSet& b) { return !(a == b); }

 private:
  static const Set& Empty() {
    static const Set empty;
    return empty;
  }
  /// The set to change: this one's own (copied when shared).
  Set& Own() {
    if (!p_) {
      p_ = std::make_shared<const Set>();
    } else if (p_.use_count() > 1) {
      p_ = std::make_shared<const Set>(*p_);
    }
    return const_cast<Set&>(*p_);
  }

  std::shared_ptr<const Set> p_;
};

}  // namespace kpic
