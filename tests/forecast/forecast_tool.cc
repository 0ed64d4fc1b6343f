// A JSON driver of kpic_forecast for the statsmodels comparison
// (statsmodels_test.py): reads an array of requests on stdin, writes an array
// of results on stdout, one per request. Missing values are JSON null.
//
// Request fields: op ("evaluate", "fit", "auto", "simulate", "chance"), y,
// model (statsmodels' short name, e.g. "AAdM"), m, params {alpha, beta,
// gamma, phi, level0, trend0, season0}, h, paths, seed, eps (innovations for
// "simulate"), to_date, cumulative, cmp, target, unit.
#include <ctime>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "forecast/ets.h"
#include "forecast/simulate.h"

namespace fc = kpic::forecast;
using nlohmann::json;

namespace {

std::vector<double> Numbers(const json& j) {
  std::vector<double> out;
  for (const json& v : j) out.push_back(v.is_number() ? v.get<double>() : std::numeric_limits<double>::quiet_NaN());
  return out;
}

json Finite(const std::vector<double>& v) {
  json out = json::array();
  for (double x : v) out.push_back(std::isfinite(x) ? json(x) : json(nullptr));
  return out;
}

json Finite(double x) { return std::isfinite(x) ? json(x) : json(nullptr); }

fc::Spec ParseSpec(const std::string& name, int m) {
  fc::Spec spec;
  spec.error = name[0] == 'M' ? fc::Error::kMul : fc::Error::kAdd;
  size_t i = 1;
  if (name[i] == 'A') {
    spec.trend = fc::Trend::kAdd;
    if (name[i + 1] == 'd') spec.trend = fc::Trend::kAddDamped, ++i;
  }
  ++i;
  spec.season = name[i] == 'A' ? fc::Season::kAdd : name[i] == 'M' ? fc::Season::kMul : fc::Season::kNone;
  spec.m = spec.HasSeason() ? m : 1;
  return spec;
}

fc::Params ParseParams(const json& j) {
  fc::Params p;
  p.alpha = j.value("alpha", 0.1);
  p.beta = j.value("beta", 0.0);
  p.gamma = j.value("gamma", 0.0);
  p.phi = j.value("phi", 1.0);
  p.level0 = j.value("level0", 0.0);
  p.trend0 = j.value("trend0", 0.0);
  if (j.contains("season0")) p.season0 = Numbers(j["season0"]);
  return p;
}

json FitJson(const fc::Fit& fit) {
  return {{"model", fit.ModelName()},
          {"short", fit.method == fc::Method::kEts ? fit.spec.Name() : fit.ModelName()},
          {"loglik", Finite(fit.loglik)},
          {"aic", Finite(fit.aic)},
          {"aicc", Finite(fit.aicc)},
          {"bic", Finite(fit.bic)},
          {"sigma2", Finite(fit.sigma2)},
          {"n", fit.n},
          {"missing", fit.missing},
          {"why", fit.why},
          {"params",
           {{"alpha", fit.params.alpha},
            {"beta", fit.params.beta},
            {"gamma", fit.params.gamma},
            {"phi", fit.params.phi},
            {"level0", fit.params.level0},
            {"trend0", fit.params.trend0},
            {"season0", Finite(fit.params.season0)}}},
          {"end", {{"level", Finite(fit.end.level)}, {"trend", fit.end.trend}, {"season", Finite(fit.end.season)}}}};
}

json PathJson(const fc::Path& p) {
  return {{"mean", Finite(p.mean)}, {"lo80", Finite(p.lo80)}, {"hi80", Finite(p.hi80)},
          {"lo95", Finite(p.lo95)}, {"hi95", Finite(p.hi95)}, {"simulated", p.simulated}};
}

json Handle(const json& req) {
  const std::string op = req.at("op");
  const std::vector<double> y = Numbers(req.value("y", json::array()));
  const int m = req.value("m", 1);
  fc::Simulation sim;
  sim.paths = req.value("paths", sim.paths);
  sim.seed = req.value("seed", sim.seed);
  const std::clock_t start = std::clock();
  fc::Fit fit;
  if (op == "evaluate" || op == "simulate" || (op == "chance" && req.contains("params"))) {
    fit = fc::Evaluate(y, ParseSpec(req.at("model"), m), ParseParams(req.at("params")));
  } else if (op == "fit" || (op == "chance" && req.contains("model"))) {
    fit = fc::FitModel(y, ParseSpec(req.at("model"), m));
  } else if (op == "auto" || op == "chance") {
    fit = fc::Auto(y, m, req.value("unit", std::string("period")));
  } else {
    return {{"error", "unknown op " + op}};
  }
  const double seconds = double(std::clock() - start) / CLOCKS_PER_SEC;  // CPU time: the machine is shared
  json out = FitJson(fit);
  out["seconds"] = seconds;
  if (op == "simulate") {
    out["path"] = Finite(kpic::forecast::internal::SimulateWith(fit, Numbers(req.at("eps"))));
  } else if (op == "chance") {
    const fc::Outlook o = fc::Chance(fit, req.at("h"), req.value("to_date", 0.0), req.value("cumulative", true),
                                     req.value("cmp", std::string(">=")), req.at("target"), sim);
    out["outlook"] = {{"probability", Finite(o.probability)}, {"status", o.status},
                      {"end_mean", Finite(o.end_mean)},       {"end_lo80", Finite(o.end_lo80)},
                      {"end_hi80", Finite(o.end_hi80)},       {"end_lo95", Finite(o.end_lo95)},
                      {"end_hi95", Finite(o.end_hi95)},       {"simulated", o.simulated}};
  } else if (req.contains("h")) {
    out["forecast"] = PathJson(fc::Predict(fit, req.at("h"), sim));
  }
  return out;
}

}  // namespace

int main() {
  json requests;
  try {
    requests = json::parse(std::cin);
  } catch (const std::exception& e) {
    std::cerr << "forecast_tool: bad JSON on stdin: " << e.what() << "\n";
    return 2;
  }
  json results = json::array();
  for (const json& req : requests) {
    try {
      results.push_back(Handle(req));
    } catch (const std::exception& e) {
      results.push_back({{"error", e.what()}});
    }
  }
  std::cout << results.dump() << "\n";
  return 0;
}
