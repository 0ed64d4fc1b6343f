// Time zones for reading timestamps that carry no offset: "UTC", a fixed
// offset ("+08:00"), or an IANA name read from the system's TZif files
// (/usr/share/zoneinfo, or $TZDIR). Daylight-saving time is honoured.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kpic::rt {

class TimeZone {
 public:
  /// Loads a zone; nullopt (with `error` set) when it does not exist.
  static std::optional<TimeZone> Load(const std::string& name, std::string* error);
  static TimeZone Fixed(int32_t offset_seconds);

  /// Seconds east of UTC in effect at a UTC instant.
  int32_t OffsetAt(int64_t utc_seconds) const;
  /// Like OffsetAt, and sets [lo, hi) to the UTC interval over which the
  /// same offset holds, so callers can skip lookups for nearby instants.
  int32_t OffsetAt(int64_t utc_seconds, int64_t* lo, int64_t* hi) const;
  /// The UTC instant of a local wall-clock time. A time skipped by a
  /// daylight-saving jump is read with the offset before the jump (so it
  /// moves forward); a repeated time is the first occurrence.
  int64_t LocalToUtc(int64_t local_seconds) const;

  const std::string& name() const { return name_; }
  /// The rules as text (every transition and offset), for keys that must
  /// change when the zone's data does (a tzdata update, another TZDIR).
  std::string RulesText() const {
    std::string t = std::to_string(initial_);
    for (size_t i = 0; i < transitions_.size(); ++i)
      t += " " + std::to_string(transitions_[i]) + ":" + std::to_string(offsets_[i]);
    return t;
  }

 private:
  std::string name_;
  std::vector<int64_t> transitions_;  ///< UTC seconds, ascending
  std::vector<int32_t> offsets_;      ///< offset from transitions_[i] on
  int32_t initial_ = 0;               ///< offset before the first transition
};

}  // namespace kpic::rt
