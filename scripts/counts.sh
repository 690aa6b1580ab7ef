# Sourced by .ci/run and scripts/docs_test.sh: add a runner's "N passed, N failed" summary to the caller's totals.
add_count() {  # $1: log whose last "N passed, N failed" line is added to $passed / $failed; none: one failure
               # $2 (optional): what to say when the log has no such line
  local last; last=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" | tail -1)
  if [[ -z "$last" ]]; then
    if [[ -n "${2:-}" ]]; then echo "$2"; fi
    failed=$((failed + 1)); return 0
  fi
  local p=${last%% passed*} f=${last#*, }; f=${f%% failed}
  passed=$((passed + p)); failed=$((failed + f))
}
