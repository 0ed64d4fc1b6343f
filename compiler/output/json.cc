// `--format json`: the results, goals (periods, progress, decomposition,
// drill-down, alerts), charts and warnings, as version 1 of the shape in
// docs/cli.md. Exact decimals are strings; other numbers are numbers.
#include <nlohmann/json.hpp>

#include <cmath>

#include "output/output.h"
#include "output/actions_text.h"
#include "output/values.h"
#include "output/words.h"

namespace kpic::output {

namespace {

using engine::Val;

/// A partial period's flag and days, on the object of its row.
template <class J>
void JsonSpan(const engine::Span& sp, J* j) {
  if (!sp.partial) return;
  (*j)["partial"] = true;
  (*j)["span"] = {rt::FormatDate(sp.first), rt::FormatDate(sp.last)};
}

/// A forecast number: full precision, null when the model gives none.
nlohmann::ordered_json JsonDouble(double v) {
  return std::isfinite(v) ? nlohmann::ordered_json(v == 0 ? 0.0 : v) : nlohmann::ordered_json(nullptr);  // never -0
}

/// A goal's outlook (docs/cli.md, "forecast"): the model and why, its
/// parameters (to re-run it elsewhere), the forecast per remaining period,
/// and the chance of meeting the target.
nlohmann::ordered_json JsonOutlook(const engine::GoalOutlook& o, rt::Grain g, const plan::Plan& p) {
  namespace fc = forecast;
  const fc::Fit& f = o.fit;
  nlohmann::ordered_json j;
  j["model"] = f.ModelName();
  j["method"] = f.method == fc::Method::kEts        ? "ets"
                : f.method == fc::Method::kMean     ? "mean"
                : f.method == fc::Method::kConstant ? "constant"
                                                    : "none";
  j["why"] = f.why;
  j["history"] = {{"from", Label(g, o.history_from, p)},
                  {"to", Label(g, o.history_to, p)},
                  {"periods", f.n + f.missing},
                  {"missing", f.missing}};
  if (f.method == fc::Method::kEts) {
    const fc::Spec& s = f.spec;
    j["params"] = {{"error", s.error == fc::Error::kAdd ? "A" : "M"},
                   {"trend", s.trend == fc::Trend::kNone ? "N" : s.trend == fc::Trend::kAdd ? "A" : "Ad"},
                   {"season", s.season == fc::Season::kNone ? "N" : s.season == fc::Season::kAdd ? "A" : "M"},
                   {"m", s.Period()},
                   {"alpha", f.params.alpha},
                   {"beta", f.params.beta},
                   {"gamma", f.params.gamma},
                   {"phi", f.params.phi},
                   {"level0", f.params.level0},
                   {"trend0", f.params.trend0},
                   {"season0", f.params.season0}};
    j["loglik"] = JsonDouble(f.loglik);
    j["aicc"] = JsonDouble(f.aicc);
  }
  j["sigma2"] = JsonDouble(f.sigma2);
  j["periods"] = nlohmann::json::array();
  for (size_t i = 0; i < o.path.mean.size(); ++i)
    j["periods"].push_back({{"period", Label(g, o.from + static_cast<int64_t>(i), p)},
                            {"value", JsonDouble(o.path.mean[i])},
                            {"lo80", JsonDouble(o.path.lo80[i])},
                            {"hi80", JsonDouble(o.path.hi80[i])},
                            {"lo95", JsonDouble(o.path.lo95[i])},
                            {"hi95", JsonDouble(o.path.hi95[i])}});
  j["compared"] = o.cumulative ? "total" : "last_period";
  if (o.cumulative) j["to_date"] = JsonDouble(o.to_date);
  if (o.partial)
    j["in_progress"] = {{"period", Label(g, o.history_to + 1, p)},
                        {"to_date", JsonDouble(o.partial_actual)},
                        {"elapsed", JsonDouble(o.partial_elapsed)}};
  j["end"] = {{"value", JsonDouble(o.outlook.end_mean)},
              {"lo80", JsonDouble(o.outlook.end_lo80)},
              {"hi80", JsonDouble(o.outlook.end_hi80)},
              {"lo95", JsonDouble(o.outlook.end_lo95)},
              {"hi95", JsonDouble(o.outlook.end_hi95)}};
  j["target"] = JsonDouble(o.target);
  j["probability"] = JsonDouble(o.outlook.probability);
  j["forecast_status"] = o.Status();
  j["simulated"] = o.outlook.simulated;
  return j;
}

/// A row's `period` and one key per dimension.
nlohmann::ordered_json JsonKey(const plan::Output& o, int64_t period, const engine::DimTuple& dims,
                               const plan::Plan& p) {
  nlohmann::ordered_json jr;
  jr["period"] = Label(o.grain, period, p);
  for (size_t d = 0; d < o.by.size(); ++d) jr[o.by[d]] = JsonDim(dims[d], o.by_types[d]);
  return jr;
}

void JsonRows(const engine::MetricResult& m, const plan::Plan& p, nlohmann::ordered_json* j) {
  const plan::Output& o = *m.output;
  (*j)["grain"] = rt::GrainName(o.grain);
  (*j)["by"] = o.by;
  (*j)["rows"] = nlohmann::json::array();
  for (const auto& row : m.rows) {
    nlohmann::ordered_json jr = JsonKey(o, row.period, row.dims, p);
    jr["value"] = JsonValue(row.value);
    JsonSpan(row.span, &jr);
    (*j)["rows"].push_back(jr);
  }
}

/// `forecast` and `forecast_models` of a metric asked with --forecast.
void JsonForecast(const engine::MetricResult& m, const plan::Plan& p, nlohmann::ordered_json* j) {
  const plan::Output& o = *m.output;
  (*j)["forecast"] = nlohmann::json::array();
  for (const auto& f : m.forecast) {
    nlohmann::ordered_json jf = JsonKey(o, f.period, f.dims, p);
    jf["value"] = JsonDouble(f.value);
    jf["lo80"] = JsonDouble(f.lo80);
    jf["hi80"] = JsonDouble(f.hi80);
    jf["lo95"] = JsonDouble(f.lo95);
    jf["hi95"] = JsonDouble(f.hi95);
    (*j)["forecast"].push_back(jf);
  }
  (*j)["forecast_models"] = nlohmann::json::array();
  for (const auto& fm : m.models) {
    const forecast::Fit& fit = fm.fit;
    nlohmann::ordered_json jm;
    jm["dims"] = nlohmann::ordered_json::object();
    for (size_t d = 0; d < o.by.size(); ++d) jm["dims"][o.by[d]] = JsonDim(fm.dims[d], o.by_types[d]);
    jm["model"] = fit.ModelName();
    jm["why"] = fit.why;
    jm["from"] = fm.fitted ? nlohmann::ordered_json(Label(o.grain, fm.first, p)) : nlohmann::ordered_json(nullptr);
    jm["through"] = fm.fitted ? nlohmann::ordered_json(Label(o.grain, fm.last, p)) : nlohmann::ordered_json(nullptr);
    jm["n"] = fit.n;
    jm["missing"] = fit.missing;
    jm["season"] = fit.spec.Period();
    jm["simulated"] = fm.simulated;
    jm["params"] = nullptr;  // the fallbacks (mean, constant, none) have none
    if (fit.method == forecast::Method::kEts)
      jm["params"] = {{"alpha", JsonDouble(fit.params.alpha)}, {"beta", JsonDouble(fit.params.beta)},
                    {"gamma", JsonDouble(fit.params.gamma)}, {"phi", JsonDouble(fit.params.phi)},
                    {"level0", JsonDouble(fit.params.level0)}, {"trend0", JsonDouble(fit.params.trend0)},
                    {"season0", fit.params.season0}};
    jm["sigma2"] = JsonDouble(fit.sigma2);
    jm["loglik"] = JsonDouble(fit.loglik);
    jm["aicc"] = JsonDouble(fit.aicc);
    (*j)["forecast_models"].push_back(jm);
  }
}

}  // namespace

std::string Json(const Context& ctx) {
  const plan::Plan& p = ctx.plan;
  const engine::Results& r = ctx.results;
  nlohmann::ordered_json out;
  out["version"] = 1;
  out["as_of"] = r.as_of ? nlohmann::ordered_json(rt::FormatDate(*r.as_of)) : nlohmann::ordered_json(nullptr);
  out["results"] = nlohmann::json::array();
  for (const auto& m : r.metrics) {
    nlohmann::ordered_json j;
    j["metric"] = m.output->metric;
    j["label"] = m.output->label;
    j["unit"] = m.output->unit;
    j["additivity"] = m.output->additivity;
    JsonRows(m, p, &j);
    if (m.horizon > 0) JsonForecast(m, p, &j);
    out["results"].push_back(j);
  }
  out["goals"] = nlohmann::json::array();
  for (const auto& g : r.goals) {
    nlohmann::ordered_json j;
    j["name"] = g.goal->name;
    j["label"] = g.goal->label;
    j["metric"] = g.goal->metric;
    j["unit"] = g.goal->unit;
    j["owner"] = g.goal->owner;
    j["grain"] = rt::GrainName(g.goal->grain);
    j["status"] = ContractStatus(g.status);
    j["periods"] = nlohmann::json::array();
    for (const auto& gp : g.periods) {
      nlohmann::ordered_json jp;
      jp["period"] = Label(g.goal->grain, gp.period, p);
      jp["value"] = JsonValue(gp.value);
      jp["target"] = JsonValue(gp.target);
      jp["attainment"] = gp.has_attainment ? nlohmann::ordered_json(gp.attainment) : nlohmann::ordered_json(nullptr);
      jp["status"] = ContractStatus(gp.status);
      JsonSpan(gp.span, &jp);
      if (gp.span.partial) {
        jp["elapsed"] = gp.elapsed;
        jp["pace_target"] = JsonValue(gp.pace_target);
        jp["pace"] = gp.has_pace ? nlohmann::ordered_json(gp.pace) : nlohmann::ordered_json(nullptr);
      }
      j["periods"].push_back(jp);
    }
    if (g.has_progress) {
      auto ratio = [&](const engine::Val& a, const engine::Val& b) {
        engine::Val r = engine::Attainment(plan::LowerIsBetter(g.goal->cmp), a, b);
        return JsonValue(r);
      };
      j["to_date"] = {{"through", Label(g.goal->grain, g.through, p)},
                      {"value", JsonValue(g.to_date)},
                      {"target", JsonValue(g.target_to_date)},
                      {"attainment", ratio(g.to_date, g.target_to_date)}};
      JsonSpan(g.through_span, &j["to_date"]);
      j["projection"] = {{"method", g.additive ? "straight_line" : "to_date_rate"},
                         {"value", JsonValue(g.projection)},
                         {"target", JsonValue(g.target_total)},
                         {"attainment", ratio(g.projection, g.target_total)}};
    }
    if (g.forecast.has) j["forecast"] = JsonOutlook(g.forecast, g.goal->grain, p);
    j["decomposition"] = nlohmann::json::array();
    j["drill"] = nlohmann::json::array();
    if (g.compared) {
      using Kind = plan::GoalPlan::Decomposition::Kind;
      for (const auto& d : g.decomposition) {
        nlohmann::ordered_json jd;
        jd["name"] = d.node->name;
        jd["formula"] = d.node->formula;
        jd["kind"] = d.node->kind == Kind::kAdditive         ? "additive"
                     : d.node->kind == Kind::kMultiplicative ? "multiplicative"
                                                             : "other";
        jd["period"] = Label(g.goal->grain, g.period, p);
        jd["previous_period"] = Label(g.goal->grain, g.previous_period, p);
        JsonSpan(g.through_span, &jd);
        jd["value"] = JsonValue(d.value);
        jd["previous"] = JsonValue(d.previous);
        jd["change"] = JsonValue(engine::Sub(d.value, d.previous));
        jd["identity"] = JsonValue(d.identity);
        jd["gap"] = JsonValue(d.gap);
        // Null when it cannot be checked (the right side has no value).
        jd["holds"] = d.unchecked == -1 ? nlohmann::ordered_json(d.holds) : nlohmann::ordered_json(nullptr);
        jd["opening"] = d.node->opening >= 0 ? nlohmann::ordered_json(d.node->opening) : nlohmann::ordered_json(nullptr);
        // A bridge over a partial period: the day whose balance opens it
        // (`previous` is that balance), else null.
        jd["opening_day"] =
            d.opening_day ? nlohmann::ordered_json(rt::FormatDate(*d.opening_day)) : nlohmann::ordered_json(nullptr);
        jd["terms"] = nlohmann::json::array();
        for (size_t i = 0; i < d.terms.size(); ++i) {
          nlohmann::ordered_json jt;
          jt["term"] = d.node->terms[i].text;
          jt[d.node->kind == Kind::kMultiplicative ? "exponent" : "sign"] = d.node->terms[i].sign;
          jt["value"] = JsonValue(d.terms[i].value);
          jt["previous"] = JsonValue(d.terms[i].previous);
          jt["contribution"] = JsonValue(d.terms[i].contribution);
          jd["terms"].push_back(jt);
        }
        j["decomposition"].push_back(jd);
      }
      for (const auto& dr : g.drill) {
        nlohmann::ordered_json jd;
        jd["dimension"] = dr.drill->dim;
        jd["period"] = Label(g.goal->grain, g.period, p);
        jd["previous_period"] = Label(g.goal->grain, g.previous_period, p);
        JsonSpan(g.through_span, &jd);
        jd["members"] = dr.members;
        auto member = [&](const engine::DrillResult::Member& m) {
          nlohmann::ordered_json jm;
          jm["member"] = JsonDim(m.member, dr.drill->type);
          jm["value"] = JsonValue(m.value);
          jm["previous"] = JsonValue(m.previous);
          jm["change"] = JsonValue(m.change);
          jm["target"] = JsonValue(m.target);
          jm["attainment"] = m.has_attainment ? nlohmann::ordered_json(m.attainment) : nlohmann::ordered_json(nullptr);
          if (m.has_effects) {
            jm["mix_effect"] = m.mix;
            jm["rate_effect"] = m.rate;
          }
          if (m.outlook) {
            const engine::GoalOutlook& o = *m.outlook;
            jm["forecast"] = {{"model", o.fit.ModelName()},
                              {"value", JsonDouble(o.outlook.end_mean)},
                              {"lo80", JsonDouble(o.outlook.end_lo80)},
                              {"hi80", JsonDouble(o.outlook.end_hi80)},
                              {"lo95", JsonDouble(o.outlook.end_lo95)},
                              {"hi95", JsonDouble(o.outlook.end_hi95)},
                              {"target", JsonDouble(o.target)},
                              {"probability", JsonDouble(o.outlook.probability)},
                              {"forecast_status", o.Status()}};
            if (o.cumulative) jm["forecast"]["to_date"] = JsonDouble(o.to_date);
          }
          return jm;
        };
        jd["top"] = nlohmann::json::array();
        jd["bottom"] = nlohmann::json::array();
        for (const auto& m : dr.top) jd["top"].push_back(member(m));
        for (const auto& m : dr.bottom) jd["bottom"].push_back(member(m));
        jd["best_attainment"] = nlohmann::json::array();
        jd["worst_attainment"] = nlohmann::json::array();
        for (const auto& m : dr.best) jd["best_attainment"].push_back(member(m));
        for (const auto& m : dr.worst) jd["worst_attainment"].push_back(member(m));
        if (g.forecast.has) {
          jd["forecast_members"] = dr.forecast_members;
          jd["at_risk"] = nlohmann::json::array();
          for (const auto& m : dr.at_risk) jd["at_risk"].push_back(member(m));
        }
        j["drill"].push_back(jd);
      }
    }
    j["alerts"] = nlohmann::json::array();
    for (const auto& a : g.alerts) {
      nlohmann::ordered_json ja;
      ja["name"] = a.name;
      ja["severity"] = a.severity;
      ja["period"] = Label(g.goal->grain, a.period, p);
      for (const auto& gp : g.periods)
        if (gp.period == a.period) JsonSpan(gp.span, &ja);
      ja["dims"] = nlohmann::json::object();
      if (!a.dim.empty()) ja["dims"][a.dim] = JsonDim(a.member, a.dim_type);
      ja["value"] = JsonValue(a.value);
      ja["message"] = a.message.empty() ? a.name : a.message;
      // The actions that answer it; without one it is open.
      ja["actions"] = nlohmann::json::array();
      for (const actions::View* v : ActionsFor(g, a, p, ctx.actions)) ja["actions"].push_back(v->action->id);
      ja["open"] = ja["actions"].empty();
      j["alerts"].push_back(ja);
    }
    out["goals"].push_back(j);
  }
  if (!r.charts.empty()) {
    out["charts"] = nlohmann::json::array();
    for (const auto& c : r.charts) {
      nlohmann::ordered_json j;
      j["chart"] = c.output->chart;
      j["formula"] = c.output->formula;
      j["unit"] = c.output->unit;
      JsonRows(c, p, &j);
      out["charts"].push_back(j);
    }
  }
  if (ctx.actions && !ctx.actions->empty()) out["actions"] = ActionsJson(*ctx.actions, p.lang);
  // The messages, as before, and each with its code (docs/diagnostics/W07xx.md).
  out["warnings"] = nlohmann::ordered_json::array();
  out["warning_codes"] = nlohmann::ordered_json::array();
  for (const Warning& w : r.warnings) {
    out["warnings"].push_back(w.message);
    out["warning_codes"].push_back({{"code", w.code}, {"message", w.message}});
    if (!w.zh.empty()) out["warning_codes"].back()["zh"] = w.zh;
  }
  if (ctx.stamp) out["stamp"] = *ctx.stamp;
  return out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

/// Rows keyed by period and members, with one column per metric.

}  // namespace kpic::output
