#include "output/csp.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <stdexcept>

namespace kpic::output {

std::string Sha256Base64(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  unsigned char b64[4 * ((SHA256_DIGEST_LENGTH + 2) / 3) + 1];
  int n = EVP_EncodeBlock(b64, digest, SHA256_DIGEST_LENGTH);
  return std::string(reinterpret_cast<const char*>(b64), static_cast<size_t>(n));
}

std::string HtmlCspWithScript(std::string_view script) {
  return "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'sha256-" +
         Sha256Base64(script) +
         "'; style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'; base-uri 'none'; "
         "form-action 'none'\">";
}

std::string InlineScript(std::string_view script) {
  if (script.find("</") != std::string_view::npos) throw std::logic_error("an inline script may not contain </");
  return "<script>" + std::string(script) + "</script>";
}

}  // namespace kpic::output
