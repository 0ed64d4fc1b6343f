// The canonical formatter behind `kpic fmt` and the language server's
// formatting. It works on the token stream (comments included), so it never
// drops or reorders anything: it only decides the whitespace between tokens.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kpic {

/// The canonical text of a .kpi file, or nullopt when the text does not
/// lex cleanly (stray characters, unterminated strings or comments; the
/// caller reports those through the parser's diagnostics).
///
/// Rules (docs/language.md, "Formatting"): line breaks are the author's,
/// with at most one blank line in a row and none at the start or end;
/// indentation is two spaces per open brace or bracket, plus two for a line
/// that continues a declaration or an expression; one space between tokens
/// except around `.`, inside brackets, before `,` `:` `;`, between a name
/// and its `(`, after a unary minus, inside units (`CNY/item`) and type
/// parameters (`fn f<A, B>(`); `source` columns are aligned in three
/// columns (name, type, the rest), and the items of `calendar`, `goal`,
/// `report` and `role` blocks in two (keyword, the rest), by display width
/// (a Chinese character counts two). Formatting is idempotent.
std::optional<std::string> FormatKpi(std::string_view text);

}  // namespace kpic
