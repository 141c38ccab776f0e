#!/usr/bin/env bash
# Runs VaasWeb on http://127.0.0.1:5080 with its SQLite file and media under ./data.
# Installs ffmpeg, tesseract and pocketsphinx with apt when they are missing. Extra arguments go to the app (e.g. --Ingestion:MaxConcurrentJobs 2).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/packages.sh
ensure_commands "${VAAS_TOOLS[@]}"
exec dotnet run --project src/VaasWeb -c Release --no-launch-profile -- --Storage:DataDirectory "$PWD/data" "$@"
