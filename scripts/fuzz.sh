#!/usr/bin/env bash
# Builds the libFuzzer targets (CMake preset `fuzz`: clang, ASan + UBSan) and runs each for
# SECONDS_PER_TARGET seconds (default 60), one after the other.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     e.g. scripts/fuzz.sh 300 config_fuzz
#
# Each target first replays fuzz/regressions/<name>/ (inputs that once failed) and then fuzzes
# a working copy of its seed corpus in build/fuzz/corpus/<name>/ (fuzz/corpus/ is never
# written; the copy keeps what earlier runs found, `rm -rf build/fuzz/corpus` starts over),
# with fuzz/dicts/<name>.dict when there is one. A crash, an invariant failure, an undocumented
# exception, a leak, a timeout (-timeout=5) or running out of memory (-rss_limit_mb=2048) fails
# the target: its input is saved in build/fuzz/artifacts/<name>/ and its log is printed. Prints
# one line per target and exits non-zero when any target failed.
set -euo pipefail

cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [[ "$seconds" -lt 1 ]]; then
  echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]" >&2
  exit 2
fi

build=build/fuzz
if [[ ! -f "$build/build.ninja" ]]; then
  cmake --preset fuzz >/dev/null
fi
cmake --build --preset fuzz

if [[ $# -gt 0 ]]; then
  targets=("$@")
else
  mapfile -t targets <"$build/fuzz_targets.txt"
fi

failed=()
for target in "${targets[@]}"; do
  name="${target%_fuzz}"
  bin="$build/fuzz/${name}_fuzz"
  if [[ ! -x "$bin" ]]; then
    echo "$target: no such fuzz target (see fuzz/CMakeLists.txt)" >&2
    failed+=("$target")
    continue
  fi
  work="$build/corpus/$name"
  artifacts="$build/artifacts/$name"
  log="$build/logs/$name.log"
  mkdir -p "$work" "$artifacts" "$(dirname "$log")"
  cp -n fuzz/corpus/"$name"/* "$work"/ 2>/dev/null || true
  opts=(-timeout=5 -rss_limit_mb=2048 -artifact_prefix="$artifacts/" -print_final_stats=1)
  [[ -f "fuzz/dicts/$name.dict" ]] && opts+=(-dict="fuzz/dicts/$name.dict")

  # Inputs that once failed must pass now (each is run once, no fuzzing).
  shopt -s nullglob
  regressions=(fuzz/regressions/"$name"/*)
  shopt -u nullglob
  if [[ ${#regressions[@]} -gt 0 ]] &&
    ! "$bin" "${opts[@]}" "${regressions[@]}" >"$log" 2>&1; then
    echo "$target: FAILED on a regression input in fuzz/regressions/$name/ (log: $log)"
    tail -n 40 "$log" >&2
    failed+=("$target")
    continue
  fi

  status=0
  "$bin" "${opts[@]}" -max_total_time="$seconds" "$work" >"$log" 2>&1 || status=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
  cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*$' || true)
  ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*$' || true)
  corpus=$(grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' <<<"$last" | cut -d' ' -f2 || true)
  rss=$(grep -o 'stat::peak_rss_mb: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
  if [[ $status -eq 0 ]]; then
    printf '%-26s ok      %10s runs in %ss, cov %s, ft %s, corpus %s, peak RSS %s MB\n' \
      "$target" "${runs:-?}" "$seconds" "${cov:-?}" "${ft:-?}" "${corpus:-?}" "${rss:-?}"
  else
    printf '%-26s FAILED  (exit %s) after %s runs, cov %s; input in %s/, log %s\n' \
      "$target" "$status" "${runs:-?}" "${cov:-?}" "$artifacts" "$log"
    grep -E 'ERROR|invariant|SUMMARY|Test unit written' "$log" | head -n 5 >&2 || true
    failed+=("$target")
  fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: ${#failed[@]} of ${#targets[@]} targets failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: all ${#targets[@]} targets passed (${seconds}s each)"
