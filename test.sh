#!/usr/bin/env bash
# Runs the whole test suite: unit and component tests, then end-to-end tests against the real app
# (real ffmpeg, tesseract, pocketsphinx, real SQLite, a throwaway PostgreSQL 15 the tests start themselves, Debian's
# Chromium). Installs them with apt when missing.
# Prints "N passed, N failed" last and exits non-zero when anything failed.
# ./test.sh --fast runs only the pure unit tests (no ffmpeg, no emulator, no browser; under a minute), the quick loop
# while working; everything else is the whole suite, as CI runs it.
set -uo pipefail
cd "$(dirname "$0")"
source scripts/packages.sh

results=TestResults
rm -rf "$results"
if [ "${1:-}" = "--fast" ]; then
  shift
  dotnet test tests/Unit -c Release --filter "Category=Fast" --logger "trx" --results-directory "$results" "$@"
  status=$?
else
  ensure_commands "${VAAS_TOOLS[@]}" "${TEST_TOOLS[@]}" chromium:chromium redis-server:redis-server promtool:prometheus || exit 1
  dotnet test VaasWeb.sln -c Release --logger "trx" --results-directory "$results" "$@"
  status=$?
fi

passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  passed=$((passed + $(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")))
  failed=$((failed + $(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "The test run did not complete (build error or crashed test host); see above."
  failed=1
fi
echo "$passed passed, $failed failed"
exit "$status"
