// The embedded font as CSS: a data: URL inside an @font-face rule (see
// font_subset.h). Base64 is written here because the library may depend on
// nothing but the standard library, fmt and the font libraries.
#include <fmt/format.h>

#include "report/font_subset.h"

namespace kpic::report {

namespace {

constexpr char kBase64Digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    size_t n = std::min<size_t>(3, bytes.size() - i);
    uint32_t group = 0;
    for (size_t k = 0; k < 3; ++k) group = (group << 8) | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0);
    for (size_t k = 0; k < 4; ++k) out += k <= n ? kBase64Digits[(group >> (18 - 6 * k)) & 0x3F] : '=';
  }
  return out;
}

// A CSS string literal. Anything but letters, digits, spaces and hyphens is
// written as a hexadecimal escape, so no family name can close the string,
// the rule, or the HTML <style> element around it.
std::string CssString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    auto byte = static_cast<unsigned char>(c);
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' || c == '-';
    if (plain) {
      out += c;
    } else if (byte < 0x80) {
      out += fmt::format("\\{:x} ", byte);
    } else {
      out += c;  // UTF-8 continues a non-ASCII character: CSS takes it as is.
    }
  }
  return out + "\"";
}

}  // namespace

std::string FontDataUrl(const EmbeddedFont& font) { return "data:font/woff2;base64," + Base64(font.woff2); }

std::string FontFaceCss(const EmbeddedFont& font) {
  return fmt::format("@font-face{{font-family:{};src:url({}) format(\"woff2\");font-weight:400;font-style:normal}}",
                     CssString(font.family), FontDataUrl(font));
}

}  // namespace kpic::report
