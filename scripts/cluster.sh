#!/usr/bin/env bash
# Runs VaasWeb as a cluster of two nodes on this machine, the way several machines would run it:
# PostgreSQL 15 (database and Quartz's clustered job store) on 127.0.0.1:55432, Redis (SignalR backplane and
# cross-node task events) on 127.0.0.1:56379, both from Debian packages, each with its data under ./data/cluster,
# and two nodes, node-a on http://127.0.0.1:5081 and node-b on http://127.0.0.1:5082, sharing one database and one
# media root (./data/cluster/media) with a data directory each. Ctrl+C stops the nodes, then Redis and PostgreSQL.
# Extra arguments go to both nodes (e.g. --Ingestion:MaxConcurrentJobs 1).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/packages.sh
ensure_commands "${VAAS_TOOLS[@]}" redis-server:redis-server /usr/lib/postgresql/15/bin/initdb:postgresql-15 >&2

root="$PWD/data/cluster"
pg_bin=/usr/lib/postgresql/15/bin
pg_port=${VAAS_CLUSTER_PG_PORT:-55432}
redis_port=${VAAS_CLUSTER_REDIS_PORT:-56379}
mkdir -p "$root/media" "$root/node-a" "$root/node-b" "$root/redis"

# PostgreSQL refuses to run as root: as root, its files belong to the postgres user and it runs as that user.
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ ! -f "$root/pg/PG_VERSION" ]; then
  mkdir -p "$root/pg"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$root/pg"
  as_pg "$pg_bin/initdb" -D "$root/pg" -U postgres -A trust >/dev/null
fi

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo "Stopping the nodes, Redis and PostgreSQL..." >&2
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  as_pg "$pg_bin/pg_ctl" -D "$root/pg" -m fast stop >/dev/null 2>&1 || true
}
trap stop_all INT TERM EXIT

as_pg "$pg_bin/pg_ctl" -D "$root/pg" -l "$root/pg.log" -w \
  -o "-p $pg_port -k $root/pg -c listen_addresses=127.0.0.1" start >/dev/null
as_pg "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'vaas'" | grep -q 1 \
  || as_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres vaas
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$root/redis" >"$root/redis.log" 2>&1 &
pids+=($!)

echo "Building VaasWeb (Release)..." >&2
dotnet build src/VaasWeb -c Release -nologo -v quiet >&2

app_dir="$PWD/src/VaasWeb/bin/Release/net10.0"
start_node() { # name port [arguments…]
  (cd "$app_dir" && exec dotnet VaasWeb.dll \
    --Urls "http://127.0.0.1:$2" --Worker:Id "$1" \
    --Storage:DataDirectory "$root/$1" --Storage:MediaRoot "$root/media" \
    --Database:Provider Postgres --ConnectionStrings:Vaas "Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=vaas" \
    --ConnectionStrings:Redis "127.0.0.1:$redis_port" "${@:3}") > >(sed -u "s/^/[$1] /") 2>&1 &
  pids+=($!)
}
wait_for() { # port
  for _ in $(seq 1 120); do curl -fs -o /dev/null "http://127.0.0.1:$1/healthz" && return 0; sleep 0.5; done
  echo "The node on port $1 did not start; see its output above." >&2; return 1
}

# The first node creates the first admin (its password is printed once); the second starts once it is up.
start_node node-a 5081 "$@"; wait_for 5081
start_node node-b 5082 "$@"; wait_for 5082
echo "VaasWeb cluster: node-a http://127.0.0.1:5081  node-b http://127.0.0.1:5082  (Ctrl+C stops all)" >&2
wait
