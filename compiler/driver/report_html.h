// `kpic run --format html`: one self-contained, offline HTML file.
#pragma once

#include <string>

#include "engine/engine.h"
#include "plan/plan.h"

namespace kpic {

std::string RenderHtml(const plan::Plan& p, const engine::Results& r, const std::string& title);

}  // namespace kpic
