// Errors that end a command with a documented exit code (base/exit_codes.h)
// and that any stage may raise without knowing the driver.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace kpic {

/// A problem with the command line itself: an unknown name or value, a
/// missing option, a request the definitions cannot answer (exit code 2).
/// `code` is the diagnostic code (E06xx, docs/diagnostics/) when the request
/// contradicts the definitions, so that scripts can tell the cases apart;
/// plain flag errors have none.
struct UsageError : std::runtime_error {
  explicit UsageError(const std::string& message) : std::runtime_error(message) {}
  UsageError(std::string code, const std::string& message) : std::runtime_error(message), code(std::move(code)) {}
  std::string code;
};

}  // namespace kpic
