# Shared helpers for the project's scripts: install what is missing with
# apt-get (Debian 12), then configure and build with CMake and Ninja.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Packages needed to build and run kpic.
BUILD_PACKAGES=(cmake ninja-build g++ pkg-config python3 default-jre-headless antlr4 libantlr4-runtime-dev uuid-dev
  llvm-19-dev libzstd-dev libsnappy-dev liblz4-dev zlib1g-dev libfmt-dev doctest-dev libcli11-dev nlohmann-json3-dev
  libsqlite3-dev libpq-dev tzdata libharfbuzz-dev libwoff-dev libfontconfig-dev libxxhash-dev libssl-dev)
# Extra packages for the test suite: the sanitizer and fuzzing toolchain.
TEST_PACKAGES=(clang-19 libclang-rt-19-dev postgresql chromium fonts-wqy-zenhei neovim
  fonts-noto-cjk python3-fonttools python3-brotli python3-statsmodels xxhash)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

ensure_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

jobs() { nproc 2>/dev/null || echo 2; }

# build DIR [cmake args...]: configure once, then build everything.
build() {
  local dir="$1"
  shift
  if [ ! -f "$dir/build.ninja" ]; then
    log "configuring $dir"
    cmake -S "$ROOT" -B "$dir" -G Ninja "$@" >/dev/null
  fi
  log "building $dir"
  cmake --build "$dir" -j "$(jobs)"
}
