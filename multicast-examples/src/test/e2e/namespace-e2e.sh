#!/usr/bin/env bash
# End-to-end test of the subnetcast command on a LAN built from network namespaces.
#
#   origin ns (198.18.0.10, `subnetcast origin`) --- router ns --- subnet 1: bridge ns + 3 host ns
#                                                              \-- subnet 2: bridge ns + 3 host ns
#
# Every host runs `subnetcast agent` in its own namespace (one of them joins after the multicast
# of its subnet began), by default at the command's own start delay (1 minute) and linger (30 s),
# as a user would, and the script asserts that
#   - every host holds a byte-identical copy of the package, verified by the agent (exit 0),
#   - each subnet had exactly one representative (from the agents' --json lines),
#   - the origin served the package exactly once per subnet (from its request log): 1.00x per
#     subnet, though the package downloads well within the linger, long before the multicast.
#
# Network safety: every link is a veth pair created directly between two of the namespaces made
# here, so nothing appears in the root namespace and nothing can reach its interfaces; the router
# runs no multicast routing, agents send multicast with TTL 1, and the bridges do not flood
# multicast to the router port. Addresses come from 198.18.0.0/15, groups from 239.255.0.0/16.
#
# Usage: namespace-e2e.sh [path/to/subnetcast.jar]    (run as root; exit 0 = pass)
# Environment: E2E_SIZE_MIB (16), E2E_RATE (32m), E2E_START_DELAY and E2E_LINGER (unset: the
#              command's defaults), E2E_TIMEOUT (300s, a hard limit per agent), E2E_JAVA_OPTS,
#              E2E_KEEP=1 keeps the work directory.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
JAR=${1:-$SCRIPT_DIR/../../../target/subnetcast.jar}
SIZE_MIB=${E2E_SIZE_MIB:-16}
RATE=${E2E_RATE:-32m}
START_DELAY=${E2E_START_DELAY:-}
LINGER=${E2E_LINGER:-}
AGENT_TIMEOUT=${E2E_TIMEOUT:-300s}
TIMING=()
[ -z "$START_DELAY" ] || TIMING+=(--start-delay "$START_DELAY")
[ -z "$LINGER" ] || TIMING+=(--linger "$LINGER")
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
add_origin_and_router "$P"
for s in "${SUBNETS[@]}"; do
    add_subnet "$P" "$s" "${HOSTS[@]}"
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
        --interface lan0 --sha256 "$SHA" --group "$GROUP" "${TIMING[@]}" --rate "$RATE" \
        --timeout "$AGENT_TIMEOUT" --cache-dir "$WORK/h$id/cache" --json \
        >"$WORK/h$id.out" 2>"$WORK/h$id.err" &
    AGENT_PID[$id]=$!
    PIDS+=("$!")
}

log "starting agents (group $GROUP, start delay ${START_DELAY:-default}, rate $RATE, linger ${LINGER:-default})"
for s in "${SUBNETS[@]}"; do
    for h in "${HOSTS[@]}"; do
        [ "$s$h" = "$LATE_HOST" ] || start_agent "$s$h"
    done
done

late_subnet=${LATE_HOST:0:1}
# The start delay, then up to 60 s more.
for _ in $(seq 1 2400); do
    if grep -qs 'RECEIVING as receiver' "$WORK"/h"$late_subnet"?.err; then
        break
    fi
    sleep 0.1
done
grep -qs 'RECEIVING as receiver' "$WORK"/h"$late_subnet"?.err || fail "subnet $late_subnet's multicast did not begin within 240 s"
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
        if [ "$role" = representative ]; then
            representatives=$((representatives + 1))
            # It stayed through its pass: its own copy was in place long before the multicast began.
            grep -q 'left the session' "$WORK/h$id.err" || fail "h$id (representative) did not leave its session normally"
        fi
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

served=$(origin_bytes_served)
ratio=$(awk -v a="$served" -v b="$SIZE" 'BEGIN { printf "%.3f", a / b }')
# Twice: each subnet's representative fetches the package once, and nobody else touches the origin.
# (A retried range could add a little; 64 KiB of slack keeps the ratio at 2.00.)
[ "$served" -ge $((2 * SIZE)) ] && [ "$served" -le $((2 * SIZE + 65536)) ] \
    || fail "the origin served $served bytes = ${ratio}x the package, expected 2.00x (once per subnet)"

wall=$(awk -v ms="$((last_done - first_start))" 'BEGIN { printf "%.1f", ms / 1000 }')
echo "namespace-e2e: PASS: 6 hosts on 2 subnets hold byte-identical verified copies of a $SIZE_MIB MiB package;" \
    "one representative per subnet; the origin served $served bytes = ${ratio}x the package;" \
    "every copy was in place ${wall} s after the first agent started (late agent h$LATE_HOST:" \
    "$(field "$WORK/h$LATE_HOST.out" bytes_multicast) bytes from multicast, $(field "$WORK/h$LATE_HOST.out" bytes_repair) from repair)"
