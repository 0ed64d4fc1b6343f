// The font library from the command line, for the tests in this folder:
// reads a text file, embeds a font for it with kpic::report::SubsetFontFor
// and writes the WOFF2 bytes, so that an independent reader (fontTools) can
// check them.
//
// usage: kpic_font_subset_tool TEXTFILE OUT.woff2 [--css OUT.css] [--repeat N]
// Prints one JSON object on stdout: the family, source, face, size, uncovered
// code points and the fastest of N runs in milliseconds, wall and CPU, or,
// when no font is embedded, {"font": null, "why": ...} and the times. Exit 0 either way; 1 on bad usage or
// an unreadable or unwritable file.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "report/font_subset.h"

namespace {

// A JSON string literal for plain-words messages and file paths.
std::string Json(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned char>(c));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

bool WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  return static_cast<bool>(out.flush());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: kpic_font_subset_tool TEXTFILE OUT.woff2 [--css OUT.css] [--repeat N]\n";
    return 1;
  }
  std::string css_path;
  int repeat = 1;
  for (int i = 3; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--css") css_path = argv[i + 1];
    if (flag == "--repeat") repeat = std::max(1, std::atoi(argv[i + 1]));
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::cerr << "cannot read " << argv[1] << "\n";
    return 1;
  }
  std::stringstream text;
  text << in.rdbuf();

  std::optional<kpic::report::EmbeddedFont> font;
  std::string why;
  // Wall time and this process's CPU time (the library uses one thread):
  // on a machine shared with other builds the second is the steadier one.
  double best_ms = 1e300, best_cpu_ms = 1e300;
  for (int i = 0; i < repeat; ++i) {
    auto start = std::chrono::steady_clock::now();
    std::clock_t cpu_start = std::clock();
    font = kpic::report::SubsetFontFor(text.str(), &why);
    best_cpu_ms = std::min(best_cpu_ms, 1000.0 * static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC);
    best_ms =
        std::min(best_ms, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::string timing = ", \"ms\": " + std::to_string(best_ms) + ", \"cpu_ms\": " + std::to_string(best_cpu_ms) + "}\n";
  if (!font) {
    std::cout << "{\"font\": null, \"why\": " << Json(why) << timing;
    return 0;
  }
  if (!WriteFile(argv[2], font->woff2) || (!css_path.empty() && !WriteFile(css_path, FontFaceCss(*font)))) {
    std::cerr << "cannot write the output\n";
    return 1;
  }
  std::cout << "{\"font\": " << Json(font->family) << ", \"source\": " << Json(font->source)
            << ", \"face\": " << font->face_index << ", \"bytes\": " << font->woff2.size() << ", \"uncovered\": [";
  for (size_t i = 0; i < font->uncovered.size(); ++i)
    std::cout << (i ? ", " : "") << static_cast<uint32_t>(font->uncovered[i]);
  std::cout << "], \"why\": " << Json(why) << timing;
  return 0;
}
