#!/usr/bin/env bash
# End-to-end test: the representative is killed (SIGKILL) in the middle of its multicast pass while
# every member loses 5% of what it receives.
#
#   origin ns (198.18.0.10, `subnetcast origin`) --- router ns --- subnet: bridge ns + 5 host ns
#
# With 1 MiB blocks and 5% loss a member holds about 95% of every block sent but hardly one whole
# block. The script asserts that the subnet still costs the origin about one more partial fetch, not
# one per member:
#   - every surviving host holds a byte-identical copy of the package, verified by the agent;
#   - exactly one survivor ends as representative (the successor);
#   - no other survivor fetched a byte from the origin;
#   - the origin served at most 1.5x the package in all (the first download, the part not yet
#     multicast when the representative died, and the successor's own gaps in the rest), and at
#     most the package, plus what was not yet multicast, plus a tenth of the package.
# How far the pass had come is read from the successor's multicast bytes (it lost $LOSS of them).
#
# Network safety as in namespace-e2e.sh: veth pairs only between namespaces made here, addresses
# from 198.18.0.0/15, a group from 239.255.0.0/16, multicast TTL 1.
#
# Usage: failover-e2e.sh [path/to/subnetcast.jar]    (run as root; exit 0 = pass)
# Environment: E2E_SIZE_MIB (32), E2E_RATE (20m), E2E_LOSS (5%), E2E_KILL_AT (60: the representative
#              is killed once its progress line shows its pass at or past this percentage of the
#              package; lines come every 2 s, so it dies between there and about 15% later),
#              E2E_JAVA_OPTS, E2E_KEEP=1.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
JAR=${1:-$SCRIPT_DIR/../../../target/subnetcast.jar}
SIZE_MIB=${E2E_SIZE_MIB:-32}
RATE=${E2E_RATE:-20m}
LOSS=${E2E_LOSS:-5%}
KILL_AT=${E2E_KILL_AT:-60}
AGENT_TIMEOUT=300s
JAVA=${JAVA:-java}
JAVA_OPTS=${E2E_JAVA_OPTS:--Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}
HOSTS=(1 2 3 4 5)
ORIGIN_IP=198.18.0.10
ORIGIN_PORT=8080

E2E_TAG=failover-e2e
# shellcheck source=e2e-lib.sh
. "$SCRIPT_DIR/e2e-lib.sh"
e2e_begin awk

SUFFIX=$(printf '%04x%04x' $RANDOM $RANDOM)
P="scfo-$SUFFIX"

log "building the LAN (namespaces $P-*)"
add_origin_and_router "$P"
add_subnet "$P" 1 "${HOSTS[@]}"

SIZE=$((SIZE_MIB * 1024 * 1024))
mkdir -p "$WORK/www"
head -c "$SIZE" /dev/urandom >"$WORK/www/pkg.bin"
SHA=$(sha256sum "$WORK/www/pkg.bin" | cut -d' ' -f1)
TASK="fo-$SUFFIX"
URL="http://$ORIGIN_IP:$ORIGIN_PORT/pkg.bin"
GROUP="239.255.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1)):$((20000 + 2 * (RANDOM % 10000)))"
start_origin "$P-origin" "$ORIGIN_IP" "$ORIGIN_PORT"
log "origin: $(head -n1 "$WORK/origin.log"); package $SIZE_MIB MiB"

declare -A AGENT_PID
for h in "${HOSTS[@]}"; do
    mkdir -p "$WORK/h$h"
    # shellcheck disable=SC2086
    ip netns exec "$P-h1$h" "$JAVA" $JAVA_OPTS -jar "$JAR" agent --task "$TASK" --url "$URL" --out "$WORK/h$h/pkg.bin" \
        --interface lan0 --sha256 "$SHA" --group "$GROUP" --start-delay 3s --rate "$RATE" --fixed-rate \
        --loss "$LOSS" --timeout "$AGENT_TIMEOUT" --cache-dir "$WORK/h$h/cache" --json \
        >"$WORK/h$h.out" 2>"$WORK/h$h.err" &
    AGENT_PID[$h]=$!
    PIDS+=("$!")
done
log "5 agents started (group $GROUP, start delay 3s, rate $RATE fixed, receive loss $LOSS)"

victim=""
for _ in $(seq 1 600); do
    for h in "${HOSTS[@]}"; do
        grep -qs 'SENDING as representative' "$WORK/h$h.err" && victim=$h
    done
    [ -n "$victim" ] && break
    sleep 0.1
done
[ -n "$victim" ] || fail "no representative began its multicast within 60 s"
# Its progress lines say "multicast pass at 12.0 MiB": wait for the first at or past KILL_AT%.
pass_percent() {
    { grep -ao 'multicast pass at [0-9.]* [KMG]*i*B' "$WORK/h$victim.err" || true; } | tail -n1 | awk -v s="$SIZE" '{
        n = $4; u = $5; if (u == "KiB") n *= 1024; else if (u == "MiB") n *= 1048576; else if (u == "GiB") n *= 1073741824;
        printf "%d", 100 * n / s }' || true
}
for _ in $(seq 1 1200); do
    at=$(pass_percent)
    [ -n "$at" ] && [ "$at" -ge "$KILL_AT" ] && break
    kill -0 "${AGENT_PID[$victim]}" 2>/dev/null || fail "h$victim exited before $KILL_AT% of its pass"
    sleep 0.05
done
[ -n "$at" ] && [ "$at" -ge "$KILL_AT" ] || fail "h$victim's pass did not reach $KILL_AT% within 60 s"
log "h$victim's pass is at $at% of the package: killing it with SIGKILL"
kill -9 "${AGENT_PID[$victim]}"
wait "${AGENT_PID[$victim]}" 2>/dev/null || true
log "h$victim killed"

failed=""
for h in "${HOSTS[@]}"; do
    [ "$h" = "$victim" ] && continue
    status=0
    wait "${AGENT_PID[$h]}" || status=$?
    [ "$status" = 0 ] || failed="$failed h$h (exit $status: $(tail -n1 "$WORK/h$h.err"))"
done
[ -z "$failed" ] || fail "agents failed:$failed"

printf '%-5s %-15s %12s %12s %12s %8s\n' host role bytes_origin multicast repair seconds
successors=0
members_origin=0
for h in "${HOSTS[@]}"; do
    [ "$h" = "$victim" ] && continue
    out="$WORK/h$h.out"
    [ -s "$out" ] || fail "h$h printed no JSON line"
    cmp -s "$WORK/www/pkg.bin" "$WORK/h$h/pkg.bin" || fail "h$h's copy differs from the package"
    role=$(field "$out" role)
    printf '%-5s %-15s %12s %12s %12s %8s\n' "h$h" "$role" "$(field "$out" bytes_origin)" \
        "$(field "$out" bytes_multicast)" "$(field "$out" bytes_repair)" "$(field "$out" seconds)"
    if [ "$role" = representative ]; then
        successors=$((successors + 1))
        successor_multicast=$(field "$out" bytes_multicast)
    else
        members_origin=$((members_origin + $(field "$out" bytes_origin)))
    fi
done
[ "$successors" = 1 ] || fail "$successors survivors ended as representative, expected exactly 1 successor"
[ "$members_origin" = 0 ] || fail "members other than the successor fetched $members_origin bytes from the origin"

served=$(origin_bytes_served)
ratio=$(awk -v a="$served" -v b="$SIZE" 'BEGIN { printf "%.3f", a / b }')
loss_fraction=$(awk -v l="$LOSS" 'BEGIN { n = l + 0; if (index(l, "%")) n /= 100; print n }')
sent=$(awk -v m="$successor_multicast" -v l="$loss_fraction" -v s="$SIZE" 'BEGIN { x = m / (1 - l); if (x > s) x = s; printf "%d", x }')
reached=$(awk -v a="$sent" -v b="$SIZE" 'BEGIN { printf "%.0f", 100 * a / b }')
log "the first pass had multicast about $reached% of the package when its representative died"
# What the origin served, per client and request kind, and what each survivor logged at INFO: printed
# before a failed bound so that a rare failure can be read from the test output alone.
explain_origin() {
    awk '/ served .* body_bytes=/ { split($3, a, ":"); n[a[1]]++; v = substr($8, 12) + 0; b[a[1]] += v;
                      if (v >= 1048576) whole[a[1]] += v }
         END { for (c in n) printf "origin served %s: %d requests, %d bytes, %d of them in requests of 1 MiB or more\n",
               c, n[c], b[c], whole[c] }' "$WORK/origin.log" >&2
    for h in "${HOSTS[@]}"; do
        [ "$h" = "$victim" ] && continue
        echo "--- h$h ($(field "$WORK/h$h.out" role)), last INFO lines:" >&2
        grep -v ' DEBUG ' "$WORK/h$h.err" | tail -n 8 >&2 || true
    done
}
[ "$served" -le $((SIZE * 3 / 2)) ] || { explain_origin; fail "the origin served $served bytes = ${ratio}x the package, more than 1.5x"; }
[ "$served" -le $((SIZE + (SIZE - sent) + SIZE / 10)) ] \
    || { explain_origin; fail "the origin served $served bytes = ${ratio}x: more than the package, the $((SIZE - sent)) bytes not yet multicast and a tenth"; }
echo "failover-e2e: PASS: representative h$victim killed at about $reached% of its pass under $LOSS loss; 4 survivors hold" \
    "verified copies, one successor, no other member touched the origin; the origin served $served bytes" \
    "= ${ratio}x the package"
