// Errors that end a command with a documented exit code (base/exit_codes.h)
// and that any stage may raise without knowing the driver.
#pragma once

#include <stdexcept>
#include <string>

namespace kpic {

/// A problem with the command line itself: an unknown name or value, a
/// missing option, a request the definitions cannot answer (exit code 2).
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace kpic
