# Installs Debian packages for commands that are missing. Sourced by run.sh and test.sh.
# Usage: ensure_commands ffmpeg:ffmpeg tesseract:tesseract-ocr,tesseract-ocr-eng   (command:package[,package…])
# A command may be a full path, for programs that are not on PATH (PostgreSQL's).
# Several commands from one package (ffmpeg and ffprobe) install it once.
ensure_commands() {
  local missing=() pair package
  for pair in "$@"; do
    if ! command -v "${pair%%:*}" >/dev/null 2>&1; then
      local packages="${pair#*:}"
      for package in ${packages//,/ }; do
        [[ " ${missing[*]} " == *" $package "* ]] || missing+=("$package")
      done
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing ${missing[*]} with apt-get..."
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
}

# What VaasWeb itself runs: ffmpeg/ffprobe, and the offline speech and text readers.
VAAS_TOOLS=(ffmpeg:ffmpeg ffprobe:ffmpeg tesseract:tesseract-ocr,tesseract-ocr-eng pocketsphinx_continuous:pocketsphinx,pocketsphinx-en-us)

# What the tests start on their own: a throwaway PostgreSQL 15 server (tests/Unit/Support/PostgresServer.cs).
TEST_TOOLS=(/usr/lib/postgresql/15/bin/initdb:postgresql-15 /usr/lib/postgresql/15/bin/pg_ctl:postgresql-15)
