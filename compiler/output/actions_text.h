// Actions and their measured effects for people and programs: the JSON of
// `kpic run` and `kpic action list`, the sentence that states an effect
// (with its uncertainty, or why there is too little data to say), and
// which actions answer a fired alert.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "actions/effect.h"
#include "engine/engine.h"
#include "plan/plan.h"

namespace kpic::output {

/// Per action: its record and its effect (numbers as estimates), the
/// statement in `lang`.
nlohmann::ordered_json ActionsJson(const std::vector<actions::View>& views, const std::string& lang);
nlohmann::ordered_json ActionJson(const actions::View& v, const std::string& lang);

/// The measured effect in one or two sentences, in `lang`.
std::string EffectSentence(const actions::View& v, const std::string& lang);
/// `open`, `done`, `dropped` in `lang`.
std::string ActionStatusWord(const std::string& status, const std::string& lang);
/// `store 成都锦江店, channel offline`, or the whole company.
std::string MemberPhrase(const actions::View& v, const std::string& lang);

/// The actions that answer alert `a` of goal `g`: on its goal (or none),
/// naming the alert, on exactly its member (or company-wide), not dropped,
/// begun no later than the period after the alert's, and not ended before
/// the alert's period began.
std::vector<const actions::View*> ActionsFor(const engine::GoalResult& g, const engine::FiredAlert& a,
                                             const plan::Plan& p, const std::vector<actions::View>* views);

/// `kpic action list`: one block per action.
std::string ActionsText(const std::vector<actions::View>& views, const std::string& lang);

}  // namespace kpic::output
