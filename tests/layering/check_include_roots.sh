#!/usr/bin/env bash
# Proves lib/'s layering is enforced by the build (lib/CMakeLists.txt, sluice_layer): each layer compiles against
# an include root of its own, <build>/lib/include_roots/<layer>/, holding only the folders it may use. A backward
# include must then fail to preprocess, and an allowed one must succeed.
#
# usage: check_include_roots.sh CXX BUILD_DIR [SOURCE_DIR]
#   With SOURCE_DIR it also checks every header of lib/ against its own layer's root (a backward include in a
#   header that no .cpp of its layer includes would otherwise go unnoticed), and that no file of lib/ includes
#   with "../" (the kernel resolves ".." after following a root's symbolic link, so "../load/x.hpp" from parse/
#   would reach load/ through parse's root).
#
# Only the preprocessor runs (-E): "fails" means it reports the sluice header itself missing, so a system header
# that happens to be absent cannot make a forbidden include look forbidden.
set -uo pipefail

cxx=${1:?usage: check_include_roots.sh CXX BUILD_DIR [SOURCE_DIR]}
build=${2:?usage: check_include_roots.sh CXX BUILD_DIR [SOURCE_DIR]}
source_dir=${3:-}
roots=$build/lib/include_roots
flags=(-std=c++20 -E -x c++ -o /dev/null)
[ -d /usr/include/postgresql ] && flags+=(-isystem /usr/include/postgresql)

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

[ -d "$roots" ] || { echo "no include roots in $roots (configure the build first)" >&2; exit 1; }

# preprocess LAYER HEADER: runs the preprocessor on `#include "HEADER"` with only LAYER's root; stderr in $err.
err=$(mktemp)
trap 'rm -f "$err"' EXIT
preprocess() {
  printf '#include "%s"\n' "$2" | "$cxx" "${flags[@]}" -I "$roots/$1" - 2>"$err"
}

# The header must exist in lib/ (seen through its own folder's root), or a typo would pass as "forbidden".
header_exists() {
  local folder=${1%%/*}
  [ -f "$roots/$folder/$1" ]
}

# The preprocessor's own words for "the header on line 1 of stdin is not there" (GCC, then Clang).
missing_directly() {
  grep -qF "<stdin>:1:10: fatal error: $1: No such file or directory" "$err" ||
    grep -qF "<stdin>:1:10: fatal error: '$1' file not found" "$err"
}

forbidden=(
  "parse load/unit_loader.hpp"
  "source fetch/fetcher.hpp"
  "fetch source/file_source.hpp"
  "config parse/file_parser.hpp"
  "core config/config.hpp"
  "pipeline load/pg_session.hpp"
  "load run/run_session.hpp"
)
allowed=(
  "parse config/config.hpp"
  "load pipeline/ledger.hpp"
  "run load/pg_target.hpp"
  "fetch s3/s3_client.hpp"
)

for pair in "${forbidden[@]}"; do
  read -r layer header <<<"$pair"
  [ -d "$roots/$layer" ] || { fail "$layer: no include root"; continue; }
  header_exists "$header" || { fail "$header: not in lib/ (fix the table)"; continue; }
  if preprocess "$layer" "$header"; then
    fail "$layer -> $header: preprocessed, but $layer may not include it"
  elif ! missing_directly "$header"; then
    fail "$layer -> $header: failed, but not because $header is hidden from $layer:"
    cat "$err" >&2
  else
    echo "ok: $layer -> $header is hidden"
  fi
done

for pair in "${allowed[@]}"; do
  read -r layer header <<<"$pair"
  [ -d "$roots/$layer" ] || { fail "$layer: no include root"; continue; }
  if preprocess "$layer" "$header"; then
    echo "ok: $layer -> $header is visible"
  else
    fail "$layer -> $header: failed, but $layer may include it:"
    cat "$err" >&2
  fi
done

if [ -n "$source_dir" ]; then
  # Every header preprocesses with its own layer's root alone.
  checked=0
  for header in "$source_dir"/lib/*/*.hpp; do
    layer=$(basename "$(dirname "$header")")
    relative=$layer/$(basename "$header")
    checked=$((checked + 1))
    preprocess "$layer" "$relative" || {
      fail "$relative: includes something its layer may not use:"
      cat "$err" >&2
    }
  done
  [ "$checked" -gt 0 ] || fail "no headers found under $source_dir/lib"
  echo "ok: $checked headers preprocess with their own layer's root"

  # No include climbs out of its folder with "..".
  if climbing=$(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"]*\.\./' "$source_dir/lib"); then
    fail "includes with \"../\" get around the include roots:"
    echo "$climbing" >&2
  else
    echo "ok: no include in lib/ uses \"../\""
  fi
fi

if [ "$failures" -gt 0 ]; then
  echo "$failures layering check(s) failed" >&2
  exit 1
fi
echo "layering: all checks passed"
