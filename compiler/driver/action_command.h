// `kpic action add|close|list PATH`: the append-only action log of a
// package (docs/cli.md, "kpic action").
#pragma once

#include <string>
#include <vector>

#include "driver/commands.h"
#include "driver/run.h"

namespace kpic {

struct ActionOptions {
  std::string path;  ///< the package folder (or a file in it)
  std::string format = "human";
  // add
  std::string id, who, what, expected, goal, metric, alert, start, end;
  std::vector<std::string> members;  ///< DIM=MEMBER
  std::vector<std::string> binds;
  int window = 0;
  // close
  std::string status = "done", note;
  // list: the status shown (empty: all), and the selection its effects are read under
  std::string only;
  RunOptions run;
};

int RunActionAdd(const ActionOptions& a, const CommonOptions& common);
int RunActionClose(const ActionOptions& a, const CommonOptions& common);
int RunActionList(const ActionOptions& a, const CommonOptions& common);

}  // namespace kpic
