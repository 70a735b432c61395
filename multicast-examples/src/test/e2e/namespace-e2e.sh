#!/usr/bin/env bash
# End-to-end test of the subnetcast command on a LAN built from network namespaces.
#
#   origin ns (198.18.0.10, `subnetcast origin`) --- router ns --- subnet 1: bridge ns + 3 host ns
#                                                              \-- subnet 2: bridge ns + 3 host ns
#
# Every host runs `subnetcast agent` in its own namespace (one of them joins after the multicast
# of its subnet began) and the script asserts that
#   - every host holds a byte-identical copy of the package, verified by the agent (exit 0),
#   - each subnet had exactly one representative (from the agents' --json lines),
#   - the origin served about twice the package size, once per subnet (from its request log).
#
# Network safety: every link is a veth pair created directly between two of the namespaces made
# here, so nothing appears in the root namespace and nothing can reach its interfaces; the router
# runs no multicast routing, agents send multicast with TTL 1, and the bridges do not flood
# multicast to the router port. Addresses come from 198.18.0.0/15, groups from 239.255.0.0/16.
#
# Usage: namespace-e2e.sh [path/to/subnetcast.jar]    (run as root; exit 0 = pass)
# Environment: E2E_SIZE_MIB (16), E2E_RATE (32m), E2E_START_DELAY (2s), E2E_LINGER (20s),
#              E2E_JAVA_OPTS, E2E_KEEP=1 keeps the work directory.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
JAR=${1:-$SCRIPT_DIR/../../../target/subnetcast.jar}
SIZE_MIB=${E2E_SIZE_MIB:-16}
RATE=${E2E_RATE:-32m}
START_DELAY=${E2E_START_DELAY:-2s}
# The representative's linger runs from the moment it placed its own copy, before the multicast:
# it must outlast the start delay, the multicast pass and the late joiner's repair.
LINGER=${E2E_LINGER:-20s}
AGENT_TIMEOUT=90s
JAVA=${JAVA:-java}
JAVA_OPTS=${E2E_JAVA_OPTS:--Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}
SUBNETS=(1 2)
HOSTS=(1 2 3)
LATE_HOST=23          # subnet 2, host 3 joins after its subnet's multicast began
ORIGIN_IP=198.18.0.10
ORIGIN_PORT=8080

E2E_TAG=e2e
# shellcheck source=e2e-lib.sh
. "$SCRIPT_DIR/e2e-lib.sh"
e2e_begin

SUFFIX=$(printf '%04x%04x' $RANDOM $RANDOM)
P="sce2e-$SUFFIX"

# ------------------------------------------------------------------ the LAN

log "building the LAN (namespaces $P-*)"
add_ns "$P-origin"
add_ns "$P-router"
ip -n "$P-origin" link add up0 type veth peer name wan0 netns "$P-router"
ip -n "$P-origin" addr add "$ORIGIN_IP/24" brd + dev up0
ip -n "$P-origin" link set up0 up
ip -n "$P-origin" route add default via 198.18.0.1
ip -n "$P-router" addr add 198.18.0.1/24 brd + dev wan0
ip -n "$P-router" link set wan0 up
ip netns exec "$P-router" sysctl -q -w net.ipv4.ip_forward=1 >/dev/null

for s in "${SUBNETS[@]}"; do
    sw="$P-sw$s"
    add_ns "$sw"
    ip -n "$sw" link add br0 type bridge
    ip -n "$sw" link set br0 up
    ip -n "$P-router" link add "lan$s" type veth peer name rp netns "$sw"
    ip -n "$sw" link set rp master br0
    ip -n "$sw" link set rp up
    # Multicast stays inside the subnet: the router port gets no flooded multicast.
    bridge -n "$sw" link set dev rp mcast_flood off
    ip -n "$P-router" addr add "198.18.$s.1/24" brd + dev "lan$s"
    ip -n "$P-router" link set "lan$s" up
    for h in "${HOSTS[@]}"; do
        host="$P-h$s$h"
        add_ns "$host"
        ip -n "$host" link add lan0 type veth peer name "p$h" netns "$sw"
        ip -n "$sw" link set "p$h" master br0
        ip -n "$sw" link set "p$h" up
        ip -n "$host" addr add "198.18.$s.$((10 + h))/24" brd + dev lan0
        ip -n "$host" link set lan0 up
        ip -n "$host" route add default via "198.18.$s.1"
    done
done

# ------------------------------------------------------------------ the origin

SIZE=$((SIZE_MIB * 1024 * 1024))
mkdir -p "$WORK/www"
head -c "$SIZE" /dev/urandom >"$WORK/www/pkg.bin"
SHA=$(sha256sum "$WORK/www/pkg.bin" | cut -d' ' -f1)
TASK="e2e-$SUFFIX"
URL="http://$ORIGIN_IP:$ORIGIN_PORT/pkg.bin"
GROUP="239.255.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1)):$((20000 + 2 * (RANDOM % 10000)))"

start_origin "$P-origin" "$ORIGIN_IP" "$ORIGIN_PORT"
log "origin: $(head -n1 "$WORK/origin.log"); package $SIZE_MIB MiB, SHA-256 $SHA"

# ------------------------------------------------------------------ bad input fails in one line

expect_one_line_error() {
    local what=$1 expected=$2
    shift 2
    local status=0
    # shellcheck disable=SC2086
    ip netns exec "$P-h11" "$JAVA" $JAVA_OPTS -jar "$JAR" "$@" >"$WORK/bad.out" 2>"$WORK/bad.err" || status=$?
    [ "$status" != 0 ] || fail "$what: exit status 0"
    [ "$(wc -l <"$WORK/bad.err")" = 1 ] || fail "$what: expected one line on stderr, got: $(cat "$WORK/bad.err")"
    grep -q -- "$expected" "$WORK/bad.err" || fail "$what: stderr does not say '$expected': $(cat "$WORK/bad.err")"
    log "$what: exit $status, '$(cat "$WORK/bad.err")'"
}
# An interface with an address but down: it cannot carry multicast.
ip -n "$P-h11" link add vdown0 type veth peer name vdown1
ip -n "$P-h11" addr add 198.18.99.1/24 dev vdown0
expect_one_line_error "unknown interface" "unknown network interface 'nosuch0'" agent --task "$TASK" --url "$URL" \
    --out "$WORK/bad.bin" --interface nosuch0 --cache-dir "$WORK/bad-cache"
expect_one_line_error "interface that is down" "network interface 'vdown0' is down" agent --task "$TASK" --url "$URL" \
    --out "$WORK/bad.bin" --interface vdown0 --cache-dir "$WORK/bad-cache"

# ------------------------------------------------------------------ the agents

declare -A AGENT_PID AGENT_START_MS
start_agent() {
    local id=$1 host="$P-h$1"
    mkdir -p "$WORK/h$id"
    AGENT_START_MS[$id]=$(date +%s%3N)
    # shellcheck disable=SC2086
    ip netns exec "$host" "$JAVA" $JAVA_OPTS -jar "$JAR" agent --task "$TASK" --url "$URL" --out "$WORK/h$id/pkg.bin" \
        --interface lan0 --sha256 "$SHA" --group "$GROUP" --start-delay "$START_DELAY" --rate "$RATE" \
        --linger "$LINGER" --timeout "$AGENT_TIMEOUT" --cache-dir "$WORK/h$id/cache" --json \
        >"$WORK/h$id.out" 2>"$WORK/h$id.err" &
    AGENT_PID[$id]=$!
    PIDS+=("$!")
}

log "starting agents (group $GROUP, start delay $START_DELAY, rate $RATE, linger $LINGER)"
for s in "${SUBNETS[@]}"; do
    for h in "${HOSTS[@]}"; do
        [ "$s$h" = "$LATE_HOST" ] || start_agent "$s$h"
    done
done

late_subnet=${LATE_HOST:0:1}
for _ in $(seq 1 600); do
    if grep -qs 'RECEIVING as receiver' "$WORK"/h"$late_subnet"?.err; then
        break
    fi
    sleep 0.1
done
grep -qs 'RECEIVING as receiver' "$WORK"/h"$late_subnet"?.err || fail "subnet $late_subnet's multicast did not begin within 60 s"
log "subnet $late_subnet is multicasting: starting the late agent h$LATE_HOST"
start_agent "$LATE_HOST"

failed=""
for id in "${!AGENT_PID[@]}"; do
    status=0
    wait "${AGENT_PID[$id]}" || status=$?
    if [ "$status" != 0 ]; then
        failed="$failed h$id (exit $status: $(tail -n1 "$WORK/h$id.err"))"
    fi
done
[ -z "$failed" ] || fail "agents failed:$failed"
log "every agent exited 0"

# ------------------------------------------------------------------ assertions

printf '%-5s %-15s %12s %12s %12s %8s %s\n' host role bytes_origin multicast repair seconds copy
first_start=""
last_done=0
for s in "${SUBNETS[@]}"; do
    representatives=0
    for h in "${HOSTS[@]}"; do
        id="$s$h"
        out="$WORK/h$id.out"
        [ -s "$out" ] || fail "h$id printed no JSON line"
        role=$(field "$out" role)
        sha=$(field "$out" sha256)
        seconds=$(field "$out" seconds)
        cmp -s "$WORK/www/pkg.bin" "$WORK/h$id/pkg.bin" || fail "h$id's copy differs from the package"
        [ "$sha" = "$SHA" ] || fail "h$id reports SHA-256 '$sha', the package has $SHA"
        [ "$role" = representative ] && representatives=$((representatives + 1))
        printf '%-5s %-15s %12s %12s %12s %8s %s\n' "h$id" "$role" "$(field "$out" bytes_origin)" \
            "$(field "$out" bytes_multicast)" "$(field "$out" bytes_repair)" "$seconds" "identical"
        ms=$((10#${seconds/./}))
        done_ms=$((AGENT_START_MS[$id] + ms))
        [ -z "$first_start" ] || [ "${AGENT_START_MS[$id]}" -lt "$first_start" ] && first_start=${AGENT_START_MS[$id]}
        [ "$done_ms" -gt "$last_done" ] && last_done=$done_ms
    done
    [ "$representatives" = 1 ] || fail "subnet $s had $representatives representatives, expected exactly 1"
done

late_origin=$(field "$WORK/h$LATE_HOST.out" bytes_origin)
[ "$(field "$WORK/h$LATE_HOST.out" role)" = receiver ] || fail "the late agent h$LATE_HOST did not join as a receiver"
[ "$late_origin" = 0 ] || fail "the late agent h$LATE_HOST fetched $late_origin bytes from the origin"

# The origin's log has a line per response once it was written; stop it to flush the totals.
kill "$ORIGIN_PID"
wait "$ORIGIN_PID" 2>/dev/null || true
served=0
while read -r n; do
    served=$((served + n))
done < <(sed -n 's/.* body_bytes=\([0-9]*\) .*/\1/p' "$WORK/origin.log")
ratio=$(awk -v a="$served" -v b="$SIZE" 'BEGIN { printf "%.3f", a / b }')
# About twice: each subnet's representative fetches once; allow an eighth for a retried range.
[ "$served" -ge $((2 * SIZE)) ] && [ "$served" -le $((2 * SIZE + SIZE / 8)) ] \
    || fail "the origin served $served bytes = ${ratio}x the package, expected about 2x"

wall=$(awk -v ms="$((last_done - first_start))" 'BEGIN { printf "%.1f", ms / 1000 }')
echo "namespace-e2e: PASS: 6 hosts on 2 subnets hold byte-identical verified copies of a $SIZE_MIB MiB package;" \
    "one representative per subnet; the origin served $served bytes = ${ratio}x the package;" \
    "every copy was in place ${wall} s after the first agent started (late agent h$LATE_HOST:" \
    "$(field "$WORK/h$LATE_HOST.out" bytes_multicast) bytes from multicast, $(field "$WORK/h$LATE_HOST.out" bytes_repair) from repair)"
