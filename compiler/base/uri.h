// file:// URIs for paths (SARIF locations, LSP documents).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kpic {

/// A path with every byte outside `A-Za-z0-9/-_.~` and UTF-8 percent-encoded.
std::string PercentEncodePath(std::string_view path);
/// `file://` plus the encoded absolute path.
std::string FileUri(std::string_view absolute_path);
/// The path of a `file://` URI, decoded; nullopt for other schemes.
std::optional<std::string> PathOfFileUri(std::string_view uri);

}  // namespace kpic
