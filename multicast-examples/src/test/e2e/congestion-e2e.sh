#!/usr/bin/env bash
# Congestion end-to-end test of the subnetcast command on real, rate-limited links.
#
#   one subnet: bridge ns --- origin ns (198.18.200.10, `subnetcast origin`)
#                         \-- h1 (198.18.200.11, representative: --priority 9, unshaped)
#                         \-- h2, h3 (198.18.200.12-13): their bridge ports shaped with
#                             `tc qdisc ... tbf rate 20mbit burst 32kbit latency 20ms`
#
# The representative is configured at --rate 100m, five times what the receivers' links carry. The
# script asserts that both receivers hold byte-identical verified copies and that their goodput
# (package bits / time from their first data to their verified copy) is at least
# CONG_MIN_GOODPUT_PCT percent of the link, and that tbf dropped at most CONG_MAX_TBF_LOSS_PCT
# percent of the datagrams; it prints the goodput and the loss tbf counted.
# CONG_COMPARE=1 runs the same session again with --fixed-rate (no adaptation) for comparison.
#
# Network safety: every link is a veth pair created between two namespaces made here; nothing
# appears in the root namespace. Addresses come from 198.18.0.0/15, groups from 239.255.0.0/16.
#
# Usage: congestion-e2e.sh [path/to/subnetcast.jar]    (run as root; exit 0 = pass)
# Environment: CONG_SIZE_MIB (32), CONG_LINK (20mbit), CONG_RATE (100m), CONG_MIN_GOODPUT_PCT (80),
#              CONG_MAX_TBF_LOSS_PCT (100: no check), CONG_COMPARE (0), E2E_JAVA_OPTS, E2E_KEEP=1.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
JAR=${1:-$SCRIPT_DIR/../../../target/subnetcast.jar}
SIZE_MIB=${CONG_SIZE_MIB:-32}
LINK=${CONG_LINK:-20mbit}
RATE=${CONG_RATE:-100m}
MIN_PCT=${CONG_MIN_GOODPUT_PCT:-80}
MAX_LOSS_PCT=${CONG_MAX_TBF_LOSS_PCT:-100}
COMPARE=${CONG_COMPARE:-0}
JAVA=${JAVA:-java}
JAVA_OPTS=${E2E_JAVA_OPTS:--Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}
NET=198.18.200
ORIGIN_PORT=8080

E2E_TAG=congestion-e2e
# shellcheck source=e2e-lib.sh
. "$SCRIPT_DIR/e2e-lib.sh"
e2e_begin tc

SUFFIX=$(printf '%04x%04x' $RANDOM $RANDOM)
P="scc-$SUFFIX"

log "building the subnet (namespaces $P-*), receivers' ports shaped to $LINK"
add_ns "$P-sw"
ip -n "$P-sw" link add br0 type bridge
ip -n "$P-sw" link set br0 up
attach() { # namespace, port name on the bridge, last address byte
    add_ns "$1"
    ip -n "$1" link add lan0 type veth peer name "$2" netns "$P-sw"
    ip -n "$P-sw" link set "$2" master br0
    ip -n "$P-sw" link set "$2" up
    ip -n "$1" addr add "$NET.$3/24" brd + dev lan0
    ip -n "$1" link set lan0 up
}
attach "$P-origin" po 10
for h in 1 2 3; do
    attach "$P-h$h" "p$h" $((10 + h))
done
for h in 2 3; do
    # The bridge's egress towards the receiver: what a switch port or a slow access link does.
    ip netns exec "$P-sw" tc qdisc add dev "p$h" root tbf rate "$LINK" burst 32kbit latency 20ms
done

SIZE=$((SIZE_MIB * 1024 * 1024))
mkdir -p "$WORK/www"
head -c "$SIZE" /dev/urandom >"$WORK/www/pkg.bin"
SHA=$(sha256sum "$WORK/www/pkg.bin" | cut -d' ' -f1)
URL="http://$NET.10:$ORIGIN_PORT/pkg.bin"
start_origin "$P-origin" "$NET.10" "$ORIGIN_PORT"

tbf_counts() { # port -> "sent_packets dropped"
    ip netns exec "$P-sw" tc -s qdisc show dev "$1" | sed -n 's/.*Sent [0-9]* bytes \([0-9]*\) pkt (dropped \([0-9]*\),.*/\1 \2/p'
}

# One session: h1 represents, h2 and h3 receive. Prints "name goodput_mbit loss_pct" per receiver.
run_session() {
    local label=$1 extra=$2 task="cong-$SUFFIX-$1"
    local group="239.255.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1)):$((20000 + 2 * (RANDOM % 10000)))"
    declare -A pid start_ms
    declare -A before
    for h in 2 3; do
        before[$h]=$(tbf_counts "p$h")
    done
    start_agent() {
        mkdir -p "$WORK/$label-h$1"
        start_ms[$1]=$(date +%s%3N)
        # shellcheck disable=SC2086
        ip netns exec "$P-h$1" "$JAVA" $JAVA_OPTS -jar "$JAR" agent --task "$task" --url "$URL" \
            --out "$WORK/$label-h$1/pkg.bin" --interface lan0 --sha256 "$SHA" --group "$group" --start-delay 4s \
            --rate "$RATE" --linger 20s --timeout 150s --cache-dir "$WORK/$label-h$1/cache" --json $2 \
            >"$WORK/$label-h$1.out" 2>"$WORK/$label-h$1.err" &
        pid[$1]=$!
        PIDS+=("$!")
    }
    # h1 first, so that it is the representative and its download does not cross a shaped port.
    start_agent 1 "$extra"
    for _ in $(seq 1 300); do
        grep -qs 'as representative' "$WORK/$label-h1.err" && break
        sleep 0.1
    done
    grep -qs 'as representative' "$WORK/$label-h1.err" || fail "$label: h1 did not become the representative"
    start_agent 2 ""
    start_agent 3 ""
    local first_data=""
    for _ in $(seq 1 900); do
        if grep -qs 'RECEIVING as receiver' "$WORK/$label-h2.err" "$WORK/$label-h3.err"; then
            first_data=$(date +%s%3N)
            break
        fi
        sleep 0.1
    done
    [ -n "$first_data" ] || fail "$label: no receiver began receiving within 90 s"
    for h in 1 2 3; do
        wait "${pid[$h]}" || fail "$label: h$h exited $?: $(tail -n1 "$WORK/$label-h$h.err")"
    done
    for h in 2 3; do
        cmp -s "$WORK/www/pkg.bin" "$WORK/$label-h$h/pkg.bin" || fail "$label: h$h's copy differs"
        [ "$(field "$WORK/$label-h$h.out" role)" = receiver ] || fail "$label: h$h was not a receiver"
        local seconds done_ms sent dropped
        seconds=$(field "$WORK/$label-h$h.out" seconds)
        done_ms=$((start_ms[$h] + 10#${seconds/./}))
        read -r sent dropped <<<"$(tbf_counts "p$h")"
        read -r sent0 dropped0 <<<"${before[$h]}"
        awk -v n="h$h" -v bits="$((SIZE * 8))" -v ms="$((done_ms - first_data))" -v s="$((sent - sent0))" \
            -v d="$((dropped - dropped0))" 'BEGIN { printf "%s %.1f %.1f %.1f\n", n, bits / ms / 1000, ms / 1000, 100 * d / (s + d) }'
    done
}

link_mbit=$(echo "$LINK" | sed -n 's/^\([0-9]*\)mbit$/\1/p')
[ -n "$link_mbit" ] || fail "CONG_LINK must be given in mbit, e.g. 20mbit"
log "adaptive session: $SIZE_MIB MiB, configured $RATE, links $LINK"
results=$(run_session adaptive "")
echo "$results" | while read -r name goodput seconds loss; do
    log "adaptive: $name goodput $goodput Mbit/s ($(awk -v g="$goodput" -v l="$link_mbit" 'BEGIN { printf "%.0f", 100 * g / l }')% of $LINK) in $seconds s; tbf dropped $loss% of its datagrams"
done
worst=$(echo "$results" | awk '{ print $2 }' | sort -n | head -n1)
awk -v g="$worst" -v l="$link_mbit" -v p="$MIN_PCT" 'BEGIN { exit !(100 * g >= p * l) }' \
    || fail "goodput $worst Mbit/s is below $MIN_PCT% of $LINK"
worst_loss=$(echo "$results" | awk '{ print $4 }' | sort -n | tail -n1)
awk -v l="$worst_loss" -v m="$MAX_LOSS_PCT" 'BEGIN { exit !(l <= m) }' \
    || fail "tbf dropped $worst_loss% of a receiver's datagrams, more than $MAX_LOSS_PCT%: the rate did not adapt"
summary="receivers' goodput $(echo "$results" | awk '{ printf "%s %s Mbit/s, ", $1, $2 }')tbf loss $(echo "$results" | awk '{ printf "%s %s%% ", $1, $4 }')"
if [ "$COMPARE" = 1 ]; then
    log "the same session with --fixed-rate"
    fixed=$(run_session fixed "--fixed-rate")
    echo "$fixed" | while read -r name goodput seconds loss; do
        log "fixed rate: $name goodput $goodput Mbit/s in $seconds s; tbf dropped $loss%"
    done
fi
echo "congestion-e2e: PASS: $SIZE_MIB MiB at configured $RATE to 2 receivers behind tbf $LINK: $summary"
