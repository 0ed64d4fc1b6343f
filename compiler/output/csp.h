// The Content-Security-Policy of a page that carries its own inline script:
// the script is allowed by its SHA-256 hash ('sha256-…', CSP Level 2), so
// that it, and only it, runs; nothing else changes from kHtmlCsp (no
// network, no outside resource of any kind).
#pragma once

#include <string>
#include <string_view>

namespace kpic::output {

/// SHA-256 of `data`, in standard base64 (44 characters, padded).
std::string Sha256Base64(std::string_view data);

/// The <meta http-equiv="Content-Security-Policy"> of a page whose one
/// inline script is exactly `script` (the text between <script> and
/// </script>, byte for byte).
std::string HtmlCspWithScript(std::string_view script);

/// `<script>` + script + `</script>`, refusing (std::logic_error) a script
/// that contains `</` (which would end the element early).
std::string InlineScript(std::string_view script);

}  // namespace kpic::output
