#include "base/uri.h"

#include <cctype>
#include <cstdio>

namespace kpic {

std::string PercentEncodePath(std::string_view path) {
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~' || c >= 0x80) {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string FileUri(std::string_view absolute_path) { return "file://" + PercentEncodePath(absolute_path); }

std::optional<std::string> PathOfFileUri(std::string_view uri) {
  if (uri.substr(0, 7) != "file://") return std::nullopt;
  std::string_view p = uri.substr(7);
  std::string out;
  auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '%' && i + 2 < p.size() && hex(p[i + 1]) && hex(p[i + 2])) {
      out += static_cast<char>(std::stoi(std::string(p.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += p[i];
    }
  }
  return out;
}

}  // namespace kpic
