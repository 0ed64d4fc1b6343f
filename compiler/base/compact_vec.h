// A vector in one pointer, for the fields of nodes that a large package
// holds a million of (ir::Node): empty is a null pointer, and a non-empty
// one points at a heap block holding its size, its capacity and its
// elements. It is a third of std::vector's 24 bytes; the price is one more
// indirection to read the size, which the node's users do not notice.
//
// It offers what those users need of std::vector: indexing, iteration,
// push_back/emplace_back, back/front, reserve, resize, clear, comparison,
// and conversion to and from std::vector.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <new>
#include <stdexcept>
#include <utility>
#include <vector>

namespace kpic {

template <class T>
class CompactVec {
  static_assert(alignof(T) <= alignof(std::max_align_t), "CompactVec: over-aligned elements");

 public:
  using value_type = T;
  using iterator = T*;
  using const_iterator = const T*;
  using size_type = size_t;

  CompactVec() = default;
  CompactVec(std::initializer_list<T> xs) { Assign(xs.begin(), xs.end()); }
  CompactVec(const std::vector<T>& xs) { Assign(xs.begin(), xs.end()); }  // NOLINT: implicit, as a vector
  CompactVec(std::vector<T>&& xs) {                                        // NOLINT
    reserve(xs.size());
    for (T& x : xs) push_back(std::move(x));
  }
  template <class It>
  CompactVec(It first, It last) {
    Assign(first, last);
  }
  CompactVec(const CompactVec& o) { Assign(o.begin(), o.end()); }
  CompactVec(CompactVec&& o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
  CompactVec& operator=(const CompactVec& o) {
    if (this != &o) {
      CompactVec copy(o);
      swap(copy);
    }
    return *this;
  }
  CompactVec& operator=(CompactVec&& o) noexcept {
    if (this != &o) {
      Free();
      h_ = std::exchange(o.h_, nullptr);
    }
    return *this;
  }
  CompactVec& operator=(const std::vector<T>& xs) {
    CompactVec copy(xs);
    swap(copy);
    return *this;
  }
  CompactVec& operator=(std::initializer_list<T> xs) {
    CompactVec copy(xs);
    swap(copy);
    return *this;
  }
  ~CompactVec() { Free(); }

  /// A std::vector with the same elements (for interfaces that take one).
  operator std::vector<T>() const { return std::vector<T>(begin(), end()); }  // NOLINT: implicit
  std::vector<T> vec() const { return std::vector<T>(begin(), end()); }

  size_t size() const { return h_ ? h_->size : 0; }
  size_t capacity() const { return h_ ? h_->cap : 0; }
  bool empty() const { return size() == 0; }
  T* data() { return h_ ? h_->data() : nullptr; }
  const T* data() const { return h_ ? h_->data() : nullptr; }
  T* begin() { return data(); }
  T* end() { return data() + size(); }
  const T* begin() const { return data(); }
  const T* end() const { return data() + size(); }
  const T* cbegin() const { return begin(); }
  const T* cend() const { return end(); }
  T& operator[](size_t i) { return data()[i]; }
  const T& operator[](size_t i) const { return data()[i]; }
  T& at(size_t i) {
    if (i >= size()) throw std::out_of_range("CompactVec::at");
    return data()[i];
  }
  const T& at(size_t i) const {
    if (i >= size()) throw std::out_of_range("CompactVec::at");
    return data()[i];
  }
  T& front() { return data()[0]; }
  const T& front() const { return data()[0]; }
  T& back() { return data()[size() - 1]; }
  const T& back() const { return data()[size() - 1]; }

  void reserve(size_t n) {
    if (n > capacity()) Grow(n);
  }
  void push_back(const T& x) { emplace_back(x); }
  void push_back(T&& x) { emplace_back(std::move(x)); }
  template <class... A>
  T& emplace_back(A&&... a) {
    if (size() == capacity()) {
      // Construct first: `a` may refer to one of our own elements.
      T tmp(std::forward<A>(a)...);
      Grow(capacity() == 0 ? 1 : capacity() * 2);
      return *new (h_->data() + h_->size++) T(std::move(tmp));
    }
    return *new (h_->data() + h_->size++) T(std::forward<A>(a)...);
  }
  void pop_back() {
    h_->data()[--h_->size].~T();
  }
  void resize(size_t n) {
    reserve(n);
    while (size() > n) pop_back();
    while (size() < n) emplace_back();
  }
  void clear() {
    while (!empty()) pop_back();
  }
  void swap(CompactVec& o) noexcept { std::swap(h_, o.h_); }

  friend bool operator==(const CompactVec& a, const CompactVec& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!(a[i] == b[i])) return false;
    return true;
  }
  friend bool operator==(const CompactVec& a, const std::vector<T>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!(a[i] == b[i])) return false;
    return true;
  }
  friend bool operator<(const CompactVec& a, const CompactVec& b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  struct Header {
    uint32_t size;
    uint32_t cap;
    T* data() { return reinterpret_cast<T*>(reinterpret_cast<char*>(this) + kOffset); }
  };
  static constexpr size_t kOffset = (sizeof(Header) + alignof(T) - 1) / alignof(T) * alignof(T);

  template <class It>
  void Assign(It first, It last) {
    size_t n = static_cast<size_t>(std::distance(first, last));
    if (n == 0) return;
    Grow(n);
    for (; first != last; ++first) new (h_->data() + h_->size++) T(*first);
  }
  void Grow(size_t cap) {
    if (cap > UINT32_MAX) throw std::length_error("CompactVec: too many elements");
    void* raw = ::operator new(kOffset + cap * sizeof(T));
    Header* h = static_cast<Header*>(raw);
    h->size = 0;
    h->cap = static_cast<uint32_t>(cap);
    if (h_) {
      for (uint32_t i = 0; i < h_->size; ++i) {
        new (h->data() + i) T(std::move(h_->data()[i]));
        h_->data()[i].~T();
      }
      h->size = h_->size;
      ::operator delete(h_);
    }
    h_ = h;
  }
  void Free() {
    if (!h_) return;
    for (uint32_t i = 0; i < h_->size; ++i) h_->data()[i].~T();
    ::operator delete(h_);
    h_ = nullptr;
  }

  Header* h_ = nullptr;
};

}  // namespace kpic
