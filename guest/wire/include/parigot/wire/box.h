// parigot::wire::Box<T>: the type of a singular message field in generated
// code. A Box is an optional, heap-allocated T with value semantics: copying a
// Box deep-copies the T, and two Boxes are equal when both are empty or both
// hold equal values. Because it stores a pointer, T may be incomplete where the
// Box is declared, so recursive messages (`message Node { Node next = 1; }`)
// work.
//
//   Outer o;
//   o.inner.emplace().name = "x";   // or: o.inner = Inner{.name = "x"};
//   if (o.inner.has_value()) use(o.inner->name);
//   const Inner& i = o.inner.value_or_default();  // never null
//
// Thread safety: like std::optional; const methods may be called concurrently.
#ifndef PARIGOT_WIRE_BOX_H_
#define PARIGOT_WIRE_BOX_H_

#include <memory>
#include <utility>

namespace parigot::wire {

template <typename T>
class Box {
 public:
  Box() = default;
  // Implicit, so a message can be assigned where a Box is expected.
  Box(const T& value) : ptr_(new T(value)) {}  // NOLINT
  Box(T&& value) : ptr_(new T(std::move(value))) {}  // NOLINT
  Box(const Box& other) : ptr_(other.ptr_ ? new T(*other.ptr_) : nullptr) {}
  Box(Box&& other) noexcept = default;
  Box& operator=(const Box& other) {
    if (this != &other) ptr_.reset(other.ptr_ ? new T(*other.ptr_) : nullptr);
    return *this;
  }
  Box& operator=(Box&& other) noexcept = default;
  Box& operator=(const T& value) {
    emplace(value);
    return *this;
  }
  Box& operator=(T&& value) {
    emplace(std::move(value));
    return *this;
  }
  ~Box() = default;

  bool has_value() const { return ptr_ != nullptr; }
  explicit operator bool() const { return ptr_ != nullptr; }

  // Precondition: has_value().
  T& operator*() { return *ptr_; }
  const T& operator*() const { return *ptr_; }
  T* operator->() { return ptr_.get(); }
  const T* operator->() const { return ptr_.get(); }

  // Replaces the contents with a T built from `args` and returns it.
  template <typename... Args>
  T& emplace(Args&&... args) {
    ptr_.reset(new T(std::forward<Args>(args)...));
    return *ptr_;
  }
  void reset() { ptr_.reset(); }

  // The held value, or a shared default-constructed T when empty.
  const T& value_or_default() const {
    if (ptr_) return *ptr_;
    static const T* const kDefault = new T();
    return *kDefault;
  }
  // The held value, default-constructing it first when empty.
  T& mutable_value() {
    if (!ptr_) ptr_.reset(new T());
    return *ptr_;
  }

  friend bool operator==(const Box& a, const Box& b) {
    if (a.ptr_ == nullptr || b.ptr_ == nullptr) return a.ptr_ == b.ptr_;
    return *a.ptr_ == *b.ptr_;
  }

 private:
  std::unique_ptr<T> ptr_;
};

}  // namespace parigot::wire

#endif  // PARIGOT_WIRE_BOX_H_
