// UniqueFd: owns one file descriptor and closes it when destroyed.
//
// Thread safety: none; a UniqueFd is used by one thread at a time.
#ifndef PARIGOT_HOST_BUILTIN_FILE_UNIQUE_FD_H_
#define PARIGOT_HOST_BUILTIN_FILE_UNIQUE_FD_H_

#include <unistd.h>

#include <utility>

namespace parigot::builtin::file {

class UniqueFd {
 public:
  UniqueFd() = default;
  // Takes `fd` (-1: none).
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) Reset(std::exchange(other.fd_, -1));
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { Reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Gives up ownership: the caller closes what this returns.
  int Release() { return std::exchange(fd_, -1); }
  // Closes the descriptor held, if any, and takes `fd`. close's result is
  // not looked at: on Linux the descriptor is gone either way, and what a
  // write still owed the disk is the business of fsync, done before.
  void Reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

}  // namespace parigot::builtin::file

#endif  // PARIGOT_HOST_BUILTIN_FILE_UNIQUE_FD_H_
