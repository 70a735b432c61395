#!/usr/bin/env bash
# End-to-end test of deployments: the deployment server, agent daemons on two namespace subnets,
# and the origin, each a separate process, driven with the admin commands a user types.
#
#   origin ns (198.18.0.10: `subnetcast origin` :8080, `subnetcast server` :8090) --- router ns
#       --- subnet 1: d11 linux (pilot), d12 windows, d13 macos, d14 linux
#       --- subnet 2: d21 windows, d22 macos, d23 linux, d24 windows
#
# Release 1.0 goes to the pilot d11 at once, then waves 50% at +10 s and 100% at +30 s (running
# time: a pause does not count). Which wave a device is in follows from SHA-256(deployment id, 0,
# device id), computed here as the server does. d12's install command fails on 1.0 (Windows: no
# retry); d22's fails once (macOS: retried after its backoff). The script asserts that
#   - no device tries to install before its wave opened (install command timestamps against the
#     deployment's creation and the pause);
#   - a pause once the first wave is in stops new installs within one poll interval: nothing is
#     installed while paused, though the second wave's time passes; resume completes the rollout;
#   - d12 tried 1.0 once and no more; d22 tried twice and installed;
#   - the server killed with SIGKILL and restarted answers the same status, device for device;
#     killed again while 2.0 installs, it gets the daemons' reports once it is back;
#   - release 2.0 (no waves) reaches all eight devices, d12 included;
#   - the origin served each version about once per subnet (at most 1.5x the package per version
#     and subnet), whatever the number of waves: later waves get it from a device of their subnet
#     that installed it and goes on serving it;
#   - every installed file is the release, byte for byte (its SHA-256).
# It prints install times per wave, origin bytes per version and subnet, and the time from the
# pause to the last new install.
#
# Network safety as in namespace-e2e.sh: veth pairs only between namespaces made here, addresses
# from 198.18.0.0/15, a group from 239.255.0.0/16, multicast TTL 1.
#
# Usage: deploy-e2e.sh [path/to/subnetcast.jar]    (run as root; exit 0 = pass)
# Environment: E2E_SIZE_MIB (8), E2E_POLL (2s), E2E_JAVA_OPTS, E2E_KEEP=1.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
JAR=${1:-$SCRIPT_DIR/../../../target/subnetcast.jar}
SIZE_MIB=${E2E_SIZE_MIB:-8}
POLL=${E2E_POLL:-2s}
POLL_MS=$(( ${POLL%s} * 1000 ))
JAVA=${JAVA:-java}
JAVA_OPTS=${E2E_JAVA_OPTS:--Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}
ORIGIN_IP=198.18.0.10
ORIGIN_PORT=8080
SERVER_PORT=8090
SERVER="http://$ORIGIN_IP:$SERVER_PORT"
WAVE1_S=10
WAVE2_S=30
declare -A PLATFORM=([d11]=linux [d12]=windows [d13]=macos [d14]=linux [d21]=windows [d22]=macos [d23]=linux [d24]=windows)
DEVICES=(d11 d12 d13 d14 d21 d22 d23 d24)
PILOT=d11
WIN_FAILS=d12     # its install of 1.0 fails: Windows does not retry the version
MAC_RETRIES=d22   # its first install fails: macOS retries after 10 s

E2E_TAG=deploy-e2e
# shellcheck source=e2e-lib.sh
. "$SCRIPT_DIR/e2e-lib.sh"
e2e_begin curl sha256sum awk

SUFFIX=$(printf '%04x%04x' $RANDOM $RANDOM)
P="scdp-$SUFFIX"
log "building the LAN (namespaces $P-*)"
add_origin_and_router "$P"
add_subnet "$P" 1 1 2 3 4
add_subnet "$P" 2 1 2 3 4

SIZE=$((SIZE_MIB * 1024 * 1024))
mkdir -p "$WORK/www" "$WORK/installs"
declare -A SHA
for v in 1.0 2.0; do
    head -c "$SIZE" /dev/urandom >"$WORK/www/app-$v.bin"
    SHA[$v]=$(sha256sum "$WORK/www/app-$v.bin" | cut -c1-64)
done
start_origin "$P-origin" "$ORIGIN_IP" "$ORIGIN_PORT"

# ------------------------------------------------------------------ the server

printf 'admin-token-%s-e2e\n' "$SUFFIX" >"$WORK/admin.token"
printf 'fleet-token-%s-e2e\n' "$SUFFIX" >"$WORK/fleet.token"
ADMIN=$(head -n1 "$WORK/admin.token")
start_server() {
    # shellcheck disable=SC2086
    ip netns exec "$P-origin" "$JAVA" $JAVA_OPTS -jar "$JAR" server --data-dir "$WORK/server" --bind "$ORIGIN_IP" \
        --port "$SERVER_PORT" --admin-token-file "$WORK/admin.token" --fleet-token-file "$WORK/fleet.token" \
        >>"$WORK/server.log" 2>>"$WORK/server.err" &
    SERVER_PID=$!
    PIDS+=("$SERVER_PID")
    for _ in $(seq 1 300); do
        api GET /api/deployments >/dev/null 2>&1 && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || fail "the server exited: $(tail -n3 "$WORK/server.err")"
        sleep 0.1
    done
    fail "the server did not answer within 30 s"
}
api() { # method path -> the JSON answer (admin token), from the origin's namespace
    ip netns exec "$P-origin" curl -sf -X "$1" -H "Authorization: Bearer $ADMIN" "$SERVER$2"
}
json_number() { # json, field -> the first "field":N
    sed -n "s/.*\"$2\":\([0-9-]*\).*/\1/p" <<<"$1" | head -n1
}
json_text() {
    sed -n "s/.*\"$2\":\"\([^\"]*\)\".*/\1/p" <<<"$1" | head -n1
}
cli() { # subnetcast command run where the admin sits (the origin's namespace)
    # shellcheck disable=SC2086
    ip netns exec "$P-origin" "$JAVA" $JAVA_OPTS -jar "$JAR" "$@"
}
start_server
log "server: $(head -n1 "$WORK/server.log")"

# ------------------------------------------------------------------ the devices

cat >"$WORK/install.sh" <<EOF
# install.sh DEVICE FILE: records the try (ms, version, exit, SHA-256), then fails where the scenario says.
dev=\$1; file=\$2; status=0
case "\$dev" in
    $WIN_FAILS) [ "\$SUBNETCAST_VERSION" = 1.0 ] && status=1 ;;
    $MAC_RETRIES) [ -e "$WORK/installs/\$dev.failed-once" ] || { touch "$WORK/installs/\$dev.failed-once"; status=1; } ;;
esac
echo "\$(date +%s%3N) \$SUBNETCAST_VERSION \$status \$(sha256sum "\$file" | cut -c1-64)" >>"$WORK/installs/\$dev"
exit \$status
EOF
GROUP="239.255.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1)):$((20000 + 2 * (RANDOM % 10000)))"
declare -A DAEMON_PID
start_daemon() {
    local d=$1 ns="$P-h${1#d}"
    # shellcheck disable=SC2086
    ip netns exec "$ns" "$JAVA" $JAVA_OPTS -jar "$JAR" agent --server "$SERVER" --token-file "$WORK/fleet.token" \
        --device-id "$d" --platform "${PLATFORM[$d]}" --interface lan0 \
        --install-command "sh $WORK/install.sh $d" --poll "$POLL" --start-delay 2s --linger 3s --group "$GROUP" \
        --state-dir "$WORK/$d/state" --cache-dir "$WORK/$d/cache" >>"$WORK/$d.log" 2>>"$WORK/$d.err" &
    DAEMON_PID[$d]=$!
    PIDS+=("$!")
}
for d in "${DEVICES[@]}"; do
    mkdir -p "$WORK/$d"
    start_daemon "$d"
done
for d in "${DEVICES[@]}"; do
    for _ in $(seq 1 600); do
        grep -qs "agent daemon $d" "$WORK/$d.err" && break
        kill -0 "${DAEMON_PID[$d]}" 2>/dev/null || fail "daemon $d exited: $(tail -n3 "$WORK/$d.err")"
        sleep 0.1
    done
    grep -qs "agent daemon $d" "$WORK/$d.err" || fail "daemon $d did not start within 60 s"
done
log "8 agent daemons run (poll $POLL, group $GROUP)"

# Which group each device is in: 0 pilot, else its wave (as WaveMembership computes it).
declare -A GROUP_OF
for d in "${DEVICES[@]}"; do
    if [ "$d" = "$PILOT" ]; then
        GROUP_OF[$d]=0
    else
        h=$(printf '%s\0%s' app-1.0 "$d" | sha256sum | cut -c1-8)
        GROUP_OF[$d]=$(( (16#$h * 100 / 4294967296) < 50 ? 1 : 2 ))
    fi
done
WAVE1=(); WAVE2=()
for d in "${DEVICES[@]}"; do
    [ "${GROUP_OF[$d]}" = 1 ] && WAVE1+=("$d")
    [ "${GROUP_OF[$d]}" = 2 ] && WAVE2+=("$d")
done
log "pilot $PILOT; wave 1 (50% at +${WAVE1_S}s): ${WAVE1[*]}; wave 2 (100% at +${WAVE2_S}s): ${WAVE2[*]}"
[ ${#WAVE1[@]} -gt 0 ] && [ ${#WAVE2[@]} -gt 0 ] || fail "a wave is empty: the scenario tests nothing"

tries() { # device version -> lines "ms exit sha" of its tries of that version
    awk -v v="$2" '$2 == v { print $1, $3, $4 }' "$WORK/installs/$1" 2>/dev/null || true
}
count_tries() { tries "$1" "$2" | wc -l; }
installed() { tries "$1" "$2" | awk '$2 == 0' | wc -l; }
await() { # seconds, description, condition...
    local seconds=$1 what=$2
    shift 2
    for _ in $(seq 1 $((seconds * 10))); do
        "$@" && return 0
        sleep 0.1
    done
    fail "timed out after $seconds s waiting until $what"
}
all_tried() { # version devices...
    local v=$1 d
    shift
    for d in "$@"; do
        [ "$(count_tries "$d" "$v")" -ge 1 ] || return 1
    done
}

# ------------------------------------------------------------------ 1.0: pilot, wave 1, pause, wave 2

artifacts() { # version -> --artifact options for the three platforms
    local p
    for p in linux windows macos; do
        printf -- '--artifact %s=http://%s:%s/app-%s.bin#%s ' "$p" "$ORIGIN_IP" "$ORIGIN_PORT" "$1" "${SHA[$1]}"
    done
}
# shellcheck disable=SC2046
cli deploy create --server "$SERVER" --token-file "$WORK/admin.token" --product app --version 1.0 $(artifacts 1.0) \
    --pilot "$PILOT" --waves "50%@+${WAVE1_S}s,100%@+${WAVE2_S}s" >"$WORK/create-1.0.out" 2>&1 \
    || fail "deploy create 1.0: $(cat "$WORK/create-1.0.out")"
T0=$(json_number "$(api GET /api/products/app/status)" createdAtMs)
log "1.0 created: $(head -n1 "$WORK/create-1.0.out")"

await 60 "the pilot installs 1.0" all_tried 1.0 "$PILOT"
await 90 "every device of wave 1 tried 1.0" all_tried 1.0 "${WAVE1[@]}"
cli deploy pause --server "$SERVER" --token-file "$WORK/admin.token" --product app >"$WORK/pause.out" 2>&1 \
    || fail "deploy pause: $(cat "$WORK/pause.out")"
PAUSED_AT=$(date +%s%3N)
log "wave 1 is in: paused at +$(( (PAUSED_AT - T0) / 1000 )) s ($(head -n1 "$WORK/pause.out"))"
[ $((PAUSED_AT - T0)) -lt $((WAVE2_S * 1000)) ] \
    || fail "the pause came $(( (PAUSED_AT - T0) / 1000 )) s after creation, after wave 2's time: this machine is too slow for the scenario"

# Hold the pause until wave 2's time and two polls have passed.
while [ "$(date +%s%3N)" -lt $((T0 + WAVE2_S * 1000 + 2 * POLL_MS)) ] || [ "$(date +%s%3N)" -lt $((PAUSED_AT + 3 * POLL_MS)) ]; do
    sleep 0.2
done
status=$(api GET /api/products/app/status)
[ "$(json_text "$status" state)" = paused ] || fail "the deployment is not paused: $status"
[ "$(json_number "$status" openWaves)" = 1 ] || fail "a wave opened during the pause: $status"
cli deploy resume --server "$SERVER" --token-file "$WORK/admin.token" --product app >"$WORK/resume.out" 2>&1 \
    || fail "deploy resume: $(cat "$WORK/resume.out")"
RESUMED_AT=$(date +%s%3N)
log "resumed after $(( (RESUMED_AT - PAUSED_AT) / 1000 )) s paused"
last_during_pause=0
for d in "${DEVICES[@]}"; do
    while read -r ms _; do
        if [ "$ms" -gt "$PAUSED_AT" ] && [ "$ms" -lt "$RESUMED_AT" ] && [ "$ms" -gt "$last_during_pause" ]; then
            last_during_pause=$ms
            late_device=$d
        fi
    done < <(tries "$d" 1.0)
done
if [ "$last_during_pause" -gt 0 ]; then
    ms=$((last_during_pause - PAUSED_AT))
    PAUSE_TO_LAST="the last new install $ms ms after it"
    log "the last install while paused: $late_device, $ms ms after the pause"
    [ "$ms" -le $((POLL_MS * 6 / 5)) ] || fail "$late_device installed $ms ms into the pause, after one poll interval"
else
    PAUSE_TO_LAST="no new install"
    log "no install at all during the $(( (RESUMED_AT - PAUSED_AT) / 1000 )) s pause"
fi

wave2_done() { all_tried 1.0 "${WAVE2[@]}" && [ "$(installed "$MAC_RETRIES" 1.0)" = 1 ]; }
await 120 "wave 2 tried 1.0 and $MAC_RETRIES installed it on its retry" wave2_done
status_done() {
    local s
    s=$(api GET /api/products/app/status) || return 1
    [ "$(json_text "$s" state)" = completed ]
}
await 60 "the server counts 1.0 completed" status_done
sleep $(( 3 * POLL_MS / 1000 ))
[ "$(count_tries "$WIN_FAILS" 1.0)" = 1 ] || fail "$WIN_FAILS (windows) tried 1.0 $(count_tries "$WIN_FAILS" 1.0) times; a failed version is not retried on Windows"
[ "$(count_tries "$MAC_RETRIES" 1.0)" = 2 ] || fail "$MAC_RETRIES (macos) tried 1.0 $(count_tries "$MAC_RETRIES" 1.0) times, expected a failure and a retry"

# No device tried before its wave: wave 1 at +10 s, wave 2 at +30 s plus the pause.
PAUSED_MS=$((RESUMED_AT - PAUSED_AT))
printf '%-4s %-8s %-6s %s\n' dev platform group "1.0 tries (s after creation, exit)"
for d in "${DEVICES[@]}"; do
    g=${GROUP_OF[$d]}
    opens=0
    [ "$g" = 1 ] && opens=$((WAVE1_S * 1000))
    [ "$g" = 2 ] && opens=$((WAVE2_S * 1000 + PAUSED_MS))
    line=""
    while read -r ms ex sha; do
        [ "$ms" -ge $((T0 + opens)) ] || fail "$d (group $g) tried 1.0 at +$((ms - T0)) ms, before its group opened at +$opens ms"
        [ "$sha" = "${SHA[1.0]}" ] || fail "$d installed a file whose SHA-256 is $sha, not 1.0's"
        line="$line $(awk -v m="$((ms - T0))" 'BEGIN { printf "%.1f", m / 1000 }')s/$ex"
    done < <(tries "$d" 1.0)
    printf '%-4s %-8s %-6s %s\n' "$d" "${PLATFORM[$d]}" "$g" "$line"
done

# ------------------------------------------------------------------ the server dies and comes back

before=$(api GET /api/products/app/status)
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
log "server killed with SIGKILL; restarting it on the same data directory"
start_server
after=$(api GET /api/products/app/status)
[ "$before" = "$after" ] || fail "the restarted server answers otherwise: before $before, after $after"
log "the restarted server keeps every result: $after"

# ------------------------------------------------------------------ 2.0 reaches everyone

# shellcheck disable=SC2046
cli deploy create --server "$SERVER" --token-file "$WORK/admin.token" --product app --version 2.0 $(artifacts 2.0) \
    >"$WORK/create-2.0.out" 2>&1 || fail "deploy create 2.0: $(cat "$WORK/create-2.0.out")"
T2=$(date +%s%3N)
# The server dies again while 2.0 installs: the daemons go on and report when it is back.
any_tried_2() {
    local d
    for d in "${DEVICES[@]}"; do
        [ "$(count_tries "$d" 2.0)" -ge 1 ] && return 0
    done
    return 1
}
await 60 "a device installs 2.0" any_tried_2
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
log "server killed with SIGKILL while 2.0 installs; back in $((2 * POLL_MS / 1000)) s"
sleep $((2 * POLL_MS / 1000))
start_server
everyone_installed_2() {
    local d
    for d in "${DEVICES[@]}"; do
        [ "$(installed "$d" 2.0)" -ge 1 ] || return 1
    done
}
await 120 "2.0 reaches every device, $WIN_FAILS included" everyone_installed_2
last2=0
for d in "${DEVICES[@]}"; do
    while read -r ms ex sha; do
        [ "$sha" = "${SHA[2.0]}" ] || fail "$d installed a file whose SHA-256 is $sha, not 2.0's"
        [ "$ms" -gt "$last2" ] && last2=$ms
    done < <(tries "$d" 2.0)
done
log "2.0 installed on all 8 devices $(awk -v m="$((last2 - T2))" 'BEGIN { printf "%.1f", m / 1000 }') s after it was created"
await 60 "the server counts 2.0 completed" status_done
cli deploy status --server "$SERVER" --token-file "$WORK/admin.token" --product app --version 1.0 || true
cli deploy status --server "$SERVER" --token-file "$WORK/admin.token" --product app || true

# ------------------------------------------------------------------ the origin: once per version and subnet

for d in "${DEVICES[@]}"; do
    kill "${DAEMON_PID[$d]}" 2>/dev/null || true
done
served=$(origin_bytes_served)
worst=0
for v in 1.0 2.0; do
    for s in 1 2; do
        bytes=$(awk -v v="/app-$v.bin" -v net="198.18.$s." '$2 == "served" && index($3, net) == 1 && index($0, "\"" v "\"") {
            for (i = 1; i <= NF; i++) if ($i ~ /^body_bytes=/) { split($i, kv, "="); n += kv[2] } } END { print n + 0 }' "$WORK/origin.log")
        ratio=$(awk -v a="$bytes" -v b="$SIZE" 'BEGIN { printf "%.2f", a / b }')
        log "origin bytes for $v to subnet $s: $bytes = ${ratio}x the package"
        [ "$bytes" -le $((SIZE * 3 / 2)) ] || fail "the origin served $bytes bytes of $v to subnet $s = ${ratio}x, more than about once"
        [ "$bytes" -gt "$worst" ] && worst=$bytes
    done
done
echo "deploy-e2e: PASS: 8 daemons on 2 subnets; pilot, wave 1, a pause of $((PAUSED_MS / 1000)) s ($PAUSE_TO_LAST)," \
    "wave 2; $WIN_FAILS not retried, $MAC_RETRIES retried; the server survived SIGKILL twice;" \
    "2.0 reached all 8; the origin served $served bytes for 2 versions x 2 subnets of $SIZE_MIB MiB (at most" \
    "$(awk -v a="$worst" -v b="$SIZE" 'BEGIN { printf "%.2f", a / b }')x per version and subnet)"
