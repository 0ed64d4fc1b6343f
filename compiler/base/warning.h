// A warning of a run: something the reader of the numbers must know (rows
// that count nowhere, a lookup that found nothing, an output left out). Each
// has a stable code (W07xx, docs/diagnostics/), so that scripts can tell
// them apart; the message is for people.
#pragma once

#include <string>

namespace kpic {

struct Warning {
  std::string code;
  std::string message;
  bool operator==(const Warning&) const = default;
};

}  // namespace kpic
