#!/usr/bin/env bash
# Runs VaasWeb on http://127.0.0.1:5080 with its SQLite file and media under ./data.
# Installs ffmpeg, tesseract and pocketsphinx with apt when they are missing. Extra arguments go to the app (e.g. --Ingestion:MaxConcurrentJobs 2).
# `./run.sh admin <command> …` manages accounts and API keys on the same data, with or without the server running
# (`./run.sh admin help` lists the commands); only the command's result goes to stdout.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/packages.sh
# Everything but the app's own output goes to stderr, so `KEY=$(./run.sh admin create-key …)` holds just the key.
if [ "${1:-}" != admin ]; then
  ensure_commands "${VAAS_TOOLS[@]}" >&2
fi
echo "Building VaasWeb (Release; the first build takes about half a minute)..." >&2
dotnet build src/VaasWeb -c Release -nologo -v quiet >&2
exec dotnet run --no-build --project src/VaasWeb -c Release --no-launch-profile -- --Storage:DataDirectory "$PWD/data" "$@"
