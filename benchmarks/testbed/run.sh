#!/usr/bin/env bash
# LAN testbed: subnetcast side by side with unicast HTTP (curl), uftp and udpcast, on one LAN of
# network namespaces, the same package and the same shaped links, one tool after the other.
#
#   origin ns (198.18.0.10, `subnetcast origin`) ==WAN== router ns --- subnet 1: bridge ns + H host ns
#                                                                 \-- subnet S: bridge ns + H host ns
#
# See benchmarks/testbed/README.md for the options (environment variables or --name=value flags),
# what is measured and how. Run as root. Quick check: benchmarks/testbed/run.sh --quick
#
# Network safety: every link is a veth pair created directly between two namespaces made here
# (nothing appears in the root namespace, nothing can reach eth0); the router has no default route
# and runs no multicast routing; multicast goes out with TTL 1 and the subnet bridges do not flood
# multicast to the router port. Addresses 198.18.0.0/15, groups 239.255.0.0/16. Every process runs
# under `timeout`, is tracked by PID and ended by PID; the namespaces are deleted on exit.
set -euo pipefail
export LC_ALL=C

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/../.." && pwd)

# ------------------------------------------------------------------ options
usage() {
    sed -n '/^## Options/,/^## /p' "$SCRIPT_DIR/README.md" | sed '$d'
    exit "${1:-0}"
}
for arg in "$@"; do
    case "$arg" in
        --quick) QUICK=1 ;;
        --help|-h) usage 0 ;;
        --*=*) name=${arg%%=*}; name=${name#--}; name=${name//-/_}; name=${name^^}
               declare "$name=${arg#*=}"; export "${name?}" ;;
        *) echo "run.sh: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
    esac
done
if [ "${QUICK:-0}" = 1 ]; then
    SCENARIOS=${SCENARIOS:-2x3}
    SIZE_MIB=${SIZE_MIB:-32}
    SC_RATES=${SC_RATES:-300m}
fi
SCENARIOS=${SCENARIOS:-"2x4 1x8 1x4 1x2 2x4:unshaped"}
SIZE_MIB=${SIZE_MIB:-256}
HOST_RATE=${HOST_RATE:-1gbit}
WAN_RATE=${WAN_RATE:-100mbit}
WAN_MODE=${WAN_MODE:-per-subnet}          # per-subnet | shared
QUEUE_MS=${QUEUE_MS:-50}
TOOLS=${TOOLS:-"single curl uftp udpcast subnetcast"}
REPEAT=${REPEAT:-1}                       # runs of each multicast tool (and of each subnetcast rate)
UFTP_RATES=${UFTP_RATES:-500000}          # uftp -R values (Kbit/s), each a run of its own
UFTP_OPTS=${UFTP_OPTS:-}
UDPCAST_BITRATES=${UDPCAST_BITRATES:-none} # udp-sender --max-bitrate values, none = no limit
UDPCAST_OPTS=${UDPCAST_OPTS:-}
SC_RATES=${SC_RATES:-"500m 900m"}         # subnetcast --rate values to run
SC_UNSHAPED_RATES=${SC_UNSHAPED_RATES:-"900m 2g"}
SC_START_DELAY=${SC_START_DELAY:-2s}
SC_LINGER=${SC_LINGER:-30s}
SC_JAVA_OPTS=${SC_JAVA_OPTS:--Xmx256m -XX:+UseSerialGC}
SC_AGENT_OPTS=${SC_AGENT_OPTS:-}
SC_WARM_ROUNDS=${SC_WARM_ROUNDS:-2}       # subnetcast-warm: tasks per JVM
BENCH_CLASSES=${BENCH_CLASSES:-$REPO_DIR/benchmarks/target/classes}
SC_CDS=${SC_CDS:-0}                       # 1: the agents start from a class-data-sharing archive of the jar
ORIGIN=${ORIGIN:-nginx}                   # nginx | subnetcast (the HTTP origin every tool uses)
ORIGIN_JAVA_OPTS=${ORIGIN_JAVA_OPTS:--Xmx256m}
JAR=${JAR:-$REPO_DIR/multicast-examples/target/subnetcast.jar}
WORK_BASE=${WORK_BASE:-/dev/shm}
OUT_DIR=${OUT_DIR:-$SCRIPT_DIR/out/$(date +%Y%m%d-%H%M%S)}
KEEP=${KEEP:-0}
SAMPLE_INTERVAL=${SAMPLE_INTERVAL:-0.5}
DELTA=${DELTA:-0}                         # 1: package v2 is v1 edited; subnetcast runs full, delta all, delta half
DELTA_SEED=${DELTA_SEED:-13}              # seed of delta.py's v1 and v2
DELTA_FULL_MANIFEST=${DELTA_FULL_MANIFEST:-0} # 1: the full run also gets the trusted manifest flags
DELTA_VARIANTS=${DELTA_VARIANTS:-full all half} # which delta runs, in this order (time / full needs full first)
JAVA=${JAVA:-java}
PYTHON=${PYTHON:-/usr/bin/python3}

ORIGIN_IP=198.18.0.10
ORIGIN_PORT=8080
START_EPOCH=$(date +%s)
log() { printf '[testbed %4ss] %s\n' "$(( $(date +%s) - START_EPOCH ))" "$*" >&2; }
die() { echo "run.sh: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (network namespaces)"
for c in ip bridge tc curl sha256sum timeout /usr/bin/time "$JAVA" "$PYTHON"; do
    command -v "$c" >/dev/null || die "'$c' is missing"
done
[ -f "$JAR" ] || die "no jar at $JAR (mvn -B -q package -DskipTests)"
for t in $TOOLS; do
    case "$t" in
        single|curl|subnetcast|subnetcast-warm) ;;
        uftp) command -v uftp >/dev/null && command -v uftpd >/dev/null || die "uftp missing: apt-get install -y uftp" ;;
        udpcast) command -v udp-sender >/dev/null || die "udpcast missing: apt-get install -y udpcast" ;;
        *) die "unknown tool '$t' (single curl uftp udpcast subnetcast subnetcast-warm)" ;;
    esac
done
case "$WAN_MODE" in per-subnet|shared) ;; *) die "WAN_MODE must be per-subnet or shared" ;; esac
case "$DELTA" in 0|1) ;; *) die "DELTA must be 0 or 1" ;; esac
case "$SC_CDS" in 0|1) ;; *) die "SC_CDS must be 0 or 1" ;; esac
case "$DELTA_FULL_MANIFEST" in 0|1) ;; *) die "DELTA_FULL_MANIFEST must be 0 or 1" ;; esac
for v in $DELTA_VARIANTS; do case "$v" in full|all|half) ;; *) die "DELTA_VARIANTS: '$v' is not full, all or half" ;; esac; done
[[ "$DELTA_SEED" =~ ^[0-9]+$ ]] || die "DELTA_SEED must be a number"
case "$ORIGIN" in
    nginx) command -v nginx >/dev/null || die "nginx missing: apt-get install -y nginx-light, then systemctl disable --now nginx (or ORIGIN=subnetcast)" ;;
    subnetcast) ;;
    *) die "ORIGIN must be nginx or subnetcast" ;;
esac

# tc rate (100mbit, 1gbit, 500kbit) -> bit/s
bits() {
    local v=${1,,}
    case "$v" in
        *gbit) echo $(( ${v%gbit} * 1000000000 )) ;;
        *mbit) echo $(( ${v%mbit} * 1000000 )) ;;
        *kbit) echo $(( ${v%kbit} * 1000 )) ;;
        *bit) echo "${v%bit}" ;;
        *) die "bad rate '$1' (write e.g. 100mbit or 1gbit)" ;;
    esac
}

# subnetcast duration (500ms, 3s, 1m, 1h) -> whole seconds, rounded up
seconds() {
    local v=${1,,}
    case "$v" in
        *ms) echo $(( (${v%ms} + 999) / 1000 )) ;;
        *s) echo "${v%s}" ;;
        *m) echo $(( ${v%m} * 60 )) ;;
        *h) echo $(( ${v%h} * 3600 )) ;;
        *) die "bad duration '$1' (write e.g. 500ms, 3s, 1m)" ;;
    esac
}
bits "$HOST_RATE" >/dev/null; bits "$WAN_RATE" >/dev/null; seconds "$SC_START_DELAY" >/dev/null; seconds "$SC_LINGER" >/dev/null

SUFFIX=$(printf '%04x' $RANDOM)
P="sctb$SUFFIX"
WORK=$(mktemp -d "$WORK_BASE/subnetcast-testbed.XXXXXX")
mkdir -p "$OUT_DIR"
OUT_DIR=$(cd "$OUT_DIR" && pwd)
NAMESPACES=()
PIDS=()
ETC_NETNS_MADE=0
[ -d /etc/netns ] || ETC_NETNS_MADE=1

kill_pids() {
    local pid alive
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for _ in $(seq 1 50); do
        alive=0
        for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ "$alive" = 0 ] && break
        sleep 0.1
    done
    for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    PIDS=()
}
del_namespaces() {
    local ns pid
    # Whatever still runs inside the namespaces made here was started here.
    for ns in "${NAMESPACES[@]}"; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    done
    for ns in "${NAMESPACES[@]}"; do
        ip netns del "$ns" 2>/dev/null || true
        rm -rf "/etc/netns/$ns"
    done
    NAMESPACES=()
}
cleanup() {
    local status=$?
    set +e
    kill_pids
    del_namespaces
    [ "$ETC_NETNS_MADE" = 1 ] && rmdir /etc/netns 2>/dev/null
    if [ "$KEEP" = 1 ]; then echo "run.sh: work directory kept: $WORK" >&2; else rm -rf "$WORK"; fi
    [ "$status" = 0 ] || echo "run.sh: failed (status $status); logs in $OUT_DIR" >&2
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ the LAN

add_ns() {
    local ns=$1
    ip netns add "$ns" || die "cannot create network namespace $ns"
    NAMESPACES+=("$ns")
    mkdir -p "/etc/netns/$ns"
    printf '127.0.0.1 localhost %s\n' "$(hostname)" >"/etc/netns/$ns/hosts"
    echo "nameserver 127.0.0.1" >"/etc/netns/$ns/resolv.conf"
    ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 >/dev/null
    ip -n "$ns" link set lo up
}

# shape NS DEV RATE: htb class at RATE with a drop-tail bfifo of QUEUE_MS of line rate (egress).
shape() {
    local ns=$1 dev=$2 rate=$3 b
    b=$(bits "$rate")
    ip netns exec "$ns" tc qdisc add dev "$dev" root handle 1: htb default 1
    ip netns exec "$ns" tc class add dev "$dev" parent 1: classid 1:1 htb rate "$rate" ceil "$rate" \
        burst $((b / 8 / 1000 + 16000)) cburst $((b / 8 / 1000 + 16000)) quantum 60000
    ip netns exec "$ns" tc qdisc add dev "$dev" parent 1:1 handle 10: bfifo limit $((b / 8 * QUEUE_MS / 1000))
}
# shape_wan NS DEV RATE MATCH(src|dst) S: per-subnet mode gives every subnet its own class at RATE.
shape_wan() {
    local ns=$1 dev=$2 rate=$3 dir=$4 nsub=$5 b s
    if [ "$WAN_MODE" = shared ]; then shape "$ns" "$dev" "$rate"; return; fi
    b=$(bits "$rate")
    ip netns exec "$ns" tc qdisc add dev "$dev" root handle 1: htb default 99
    for s in $(seq 1 "$nsub") 99; do
        ip netns exec "$ns" tc class add dev "$dev" parent 1: classid "1:$s" htb rate "$rate" ceil "$rate" \
            burst $((b / 8 / 1000 + 16000)) cburst $((b / 8 / 1000 + 16000)) quantum 60000
        ip netns exec "$ns" tc qdisc add dev "$dev" parent "1:$s" handle "$((10 + s)):" bfifo limit $((b / 8 * QUEUE_MS / 1000))
        [ "$s" = 99 ] || ip netns exec "$ns" tc filter add dev "$dev" parent 1: protocol ip prio 1 u32 \
            match ip "$dir" "198.18.$s.0/24" flowid "1:$s"
    done
}

HOSTS=()          # namespace names of the hosts, subnet by subnet
declare -A HOST_IP HOST_SUBNET
build_lan() {
    local nsub=$1 nhost=$2 shaped=$3 s h sw host
    HOSTS=()
    add_ns "$P-origin"
    add_ns "$P-router"
    ip -n "$P-origin" link add up0 type veth peer name wan0 netns "$P-router"
    ip -n "$P-origin" addr add "$ORIGIN_IP/24" brd + dev up0
    ip -n "$P-origin" link set up0 up
    ip -n "$P-origin" route add 198.18.0.0/15 via 198.18.0.1
    ip -n "$P-router" addr add 198.18.0.1/24 brd + dev wan0
    ip -n "$P-router" link set wan0 up
    ip netns exec "$P-router" sysctl -q -w net.ipv4.ip_forward=1 >/dev/null
    if [ "$shaped" = 1 ]; then
        shape_wan "$P-origin" up0 "$WAN_RATE" dst "$nsub"
        shape_wan "$P-router" wan0 "$WAN_RATE" src "$nsub"
    fi
    for s in $(seq 1 "$nsub"); do
        sw="$P-sw$s"
        add_ns "$sw"
        ip -n "$sw" link add br0 type bridge
        ip -n "$sw" link set br0 up
        ip -n "$P-router" link add "lan$s" type veth peer name rp netns "$sw"
        ip -n "$sw" link set rp master br0
        ip -n "$sw" link set rp up
        bridge -n "$sw" link set dev rp mcast_flood off
        ip -n "$P-router" addr add "198.18.$s.1/24" brd + dev "lan$s"
        ip -n "$P-router" link set "lan$s" up
        if [ "$shaped" = 1 ]; then
            shape "$P-router" "lan$s" "$HOST_RATE"
            shape "$sw" rp "$HOST_RATE"
        fi
        for h in $(seq 1 "$nhost"); do
            host="$P-h$s-$h"
            add_ns "$host"
            ip -n "$host" link add lan0 type veth peer name "p$h" netns "$sw"
            ip -n "$sw" link set "p$h" master br0
            ip -n "$sw" link set "p$h" up
            ip -n "$host" addr add "198.18.$s.$((10 + h))/24" brd + dev lan0
            ip -n "$host" link set lan0 up
            ip -n "$host" route add 198.18.0.0/15 via "198.18.$s.1"
            if [ "$shaped" = 1 ]; then
                shape "$host" lan0 "$HOST_RATE"
                shape "$sw" "p$h" "$HOST_RATE"
            fi
            HOSTS+=("$host")
            HOST_IP[$host]="198.18.$s.$((10 + h))"
            HOST_SUBNET[$host]=$s
        done
    done
}

# ------------------------------------------------------------------ the origin

# start_origin LOGDIR: the HTTP origin in the origin namespace; sets ORIGIN_PID and ORIGIN_LOG.
start_origin() {
    local dir=$1 ok=0
    if [ "$ORIGIN" = nginx ]; then
        # Debian's nginx with a configuration of its own: static file, Content-Length, ranges,
        # keep-alive, never chunked; one access-log line per response with its body bytes.
        local nx="$WORK/nginx"
        rm -rf "$nx"; mkdir -p "$nx/tmp"
        chmod 755 "$WORK" "$WORK/www"   # nginx's workers run as www-data
        ORIGIN_LOG="$dir/origin-access.log"
        : >"$ORIGIN_LOG"
        cat >"$nx/nginx.conf" <<EOF_NGINX
worker_processes 1;
daemon off;
pid $nx/nginx.pid;
error_log $dir/origin-error.log warn;
events { worker_connections 512; }
http {
    log_format numeric '\$msec \$remote_addr \$status \$bytes_sent \$body_bytes_sent \$connection '
                       '\$connection_requests \$request_time "\$request" "\$http_range"';
    access_log $ORIGIN_LOG numeric;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    types { application/octet-stream bin; }
    default_type application/octet-stream;
    client_body_temp_path $nx/tmp/body;
    proxy_temp_path $nx/tmp/proxy;
    fastcgi_temp_path $nx/tmp/fastcgi;
    uwsgi_temp_path $nx/tmp/uwsgi;
    scgi_temp_path $nx/tmp/scgi;
    server {
        listen $ORIGIN_IP:$ORIGIN_PORT;
        root $WORK/www;
        location / { }
    }
}
EOF_NGINX
        ip netns exec "$P-origin" timeout -k 5 7200 nginx -p "$nx" -e stderr -c "$nx/nginx.conf" \
            >"$dir/origin.out" 2>"$dir/origin.err" &
    else
        ORIGIN_LOG="$dir/origin.log"
        # shellcheck disable=SC2086 # ORIGIN_JAVA_OPTS holds several options
        ip netns exec "$P-origin" timeout -k 5 7200 "$JAVA" $ORIGIN_JAVA_OPTS -jar "$JAR" origin --dir "$WORK/www" \
            --bind "$ORIGIN_IP" --port "$ORIGIN_PORT" >"$ORIGIN_LOG" 2>"$dir/origin.err" &
    fi
    ORIGIN_PID=$!
    PIDS+=("$ORIGIN_PID")
    # The origin must answer before anything is timed.
    for _ in $(seq 1 300); do
        kill -0 "$ORIGIN_PID" 2>/dev/null || die "the origin exited: $(cat "$dir/origin.err")"
        if ip netns exec "${HOSTS[0]}" curl -sS --fail --max-time 5 -I "$URL" >/dev/null 2>&1; then ok=1; break; fi
        sleep 0.1
    done
    [ "$ok" = 1 ] || die "the origin ($ORIGIN) does not answer"
}
# origin_body_bytes: the body bytes of each origin log line read on stdin, one a line
origin_body_bytes() {
    if [ "$ORIGIN" = nginx ]; then awk '{ print $5 }'; else sed -n 's/.* body_bytes=\([0-9]*\) .*/\1/p'; fi
}

# origin_manifest_bytes: "BYTES REQUESTS" of the origin log lines on stdin that served the trusted
# manifest files (/pkg.bin.manifest, /pkg.bin.manifest.units, ...): their body bytes and count.
origin_manifest_bytes() {
    awk -v origin="$ORIGIN" '{
        path = ""
        for (i = 1; i <= NF; i++) if ($i ~ /^"?\//) { path = $i; break }
        gsub(/"/, "", path)
        if (path !~ /^\/pkg\.bin\.manifest/) next
        b = 0
        if (origin == "nginx") b = $5
        else for (i = 1; i <= NF; i++) if ($i ~ /^body_bytes=/) b = substr($i, 12)
        bytes += b; n++
    } END { printf "%d %d\n", bytes, n }'
}

# ------------------------------------------------------------------ measuring

RESULTS="$OUT_DIR/results.tsv"
HOSTROWS="$OUT_DIR/hosts.tsv"
[ -f "$RESULTS" ] || printf 'scenario\tsubnets\thosts\tlinks\ttool\tsetting\trun\twall_s\tverified\torigin_bytes\torigin_x\trx_mib_mean\ttx_mib_max\tpeak_cpu_pct_max\tcpu_s_mean\tcpu_s_max\thwm_mib_max\tnote\n' >"$RESULTS"
[ -f "$HOSTROWS" ] || printf 'scenario\ttool\tsetting\trun\thost\trole\tdone_s\tverified\trx_bytes\ttx_bytes\tpeak_cpu_pct\tcpu_s\tpeak_rss_kib\thwm_kib\thwm_comm\tdetail\n' >"$HOSTROWS"

counter() { # ns dev rx|tx
    ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3_bytes"
}
now_ns() { date +%s%N; }

stamp_lines() { local l; while IFS= read -r l; do printf '%s %s\n' "${EPOCHREALTIME/./}" "$l"; done; }

# host_run HOST TAG TIMEOUT_S CMD...: runs CMD in HOST's namespace, bounded, under /usr/bin/time.
# With STAMP_ERR=1 every stderr line is prefixed with the wall clock it arrived at (microseconds).
host_run() {
    local host=$1 tag=$2 t=$3
    shift 3
    if [ "${STAMP_ERR:-0}" = 1 ]; then
        ip netns exec "$host" timeout -k 5 "$t" /usr/bin/time -f '%e %U %S %M' -o "$RUN/$tag.time" "$@" \
            >"$RUN/$tag.out" 2> >(stamp_lines >"$RUN/$tag.err") </dev/null &
    else
        ip netns exec "$host" timeout -k 5 "$t" /usr/bin/time -f '%e %U %S %M' -o "$RUN/$tag.time" "$@" \
            >"$RUN/$tag.out" 2>"$RUN/$tag.err" </dev/null &
    fi
    PIDS+=("$!")
    LAST_PID=$!
}

# drop_counts: one line per namespace: its name, packets dropped by its qdiscs (the shaped links'
# bfifo queues: a congested link), by its UDP sockets' full receive buffers (RcvbufErrors: a busy
# host) and by its interfaces on receive and send (rx_dropped, tx_dropped: a veth counts there what its peer could not take).
drop_counts() {
    local ns
    for ns in "${NAMESPACES[@]}"; do
        printf '%s %s %s %s\n' "${ns#"$P"-}" \
            "$(ip netns exec "$ns" tc -s qdisc show 2>/dev/null | awk '/dropped/ { gsub(",", "", $7); n += $7 } END { print n + 0 }')" \
            "$(ip netns exec "$ns" awk '/^Udp:/ { if (h) { print $6; exit } h = 1 }' /proc/net/snmp 2>/dev/null || echo 0)" \
            "$(ip netns exec "$ns" sh -c 'cat /sys/class/net/*/statistics/rx_dropped /sys/class/net/*/statistics/tx_dropped' 2>/dev/null | awk '{ n += $1 } END { print n + 0 }')"
    done
}

# drop_summary BEFORE AFTER: the namespaces whose counts grew, "ns: qdisc Q, socket S, interface I"
drop_summary() {
    awk 'NR == FNR { q[$1] = $2; s[$1] = $3; i[$1] = $4; next }
         { dq = $2 - q[$1]; ds = $3 - s[$1]; di = $4 - i[$1]
           if (dq || ds || di) { printf "%s%s: qdisc %d, socket %d, interface %d", sep, $1, dq, ds, di; sep = "; " } }
         END { if (!sep) printf "none" }' "$1" "$2"
}

declare -A DONE_NS VERIFIED ROLE DETAIL
begin_measure() { # TOOL SETTING RUN
    TOOL=$1 SETTING=$2 RUNNO=$3
    RUN="$OUT_DIR/logs/$SCEN_NAME/$TOOL-$SETTING-$RUNNO"
    mkdir -p "$RUN"
    local host
    for host in "${HOSTS[@]}"; do
        rm -rf "${WORK:?}/$host"
        mkdir -p "$WORK/$host"
        # Delta runs: the old version as the host's own file (a hard link: no copy, no time; the
        # agents only read it).
        if [ "${LINK_BASIS:-0}" = 1 ]; then ln "$BASIS_FILE" "$WORK/$host/basis.bin"; fi
        RX0[$host]=$(counter "$host" lan0 rx)
        TX0[$host]=$(counter "$host" lan0 tx)
        DONE_NS[$host]=""
        VERIFIED[$host]=0
        ROLE[$host]="-"
        DETAIL[$host]=""
    done
    ORIGIN_TX0=$(counter "$P-origin" up0 tx)
    ORIGIN_LINES0=$(wc -l <"$ORIGIN_LOG")
    drop_counts >"$RUN/drops.before"
    rm -f "$RUN/sampler.stop"
    "$PYTHON" "$SCRIPT_DIR/sample.py" "$RUN/sampler.tsv" "$SAMPLE_INTERVAL" "$((TOOL_TIMEOUT + 60))" \
        "$RUN/sampler.stop" "${HOSTS[@]}" "$P-origin" &
    SAMPLER_PID=$!
    PIDS+=("$SAMPLER_PID")
    sleep 0.3
    LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
    log "$SCEN_NAME: $TOOL $SETTING (run $RUNNO), load average $LOAD0"
    T0=$(now_ns)
}

# chain_done TAG: the done time and verification a host's command chain wrote (see chains below)
chain_done() {
    local host=$1 tag=$2 line
    line=$(grep '^done_ns ' "$RUN/$tag.out" | tail -n1 || true)
    DONE_NS[$host]=${line#done_ns }
    if grep -q "^$SHA " "$RUN/$tag.out"; then VERIFIED[$host]=1; fi
}

end_measure() { # NOTE
    local note=$1 host wall origin_bytes origin_x rx tx s v=0 n=0 last=0 ok=1 done_s
    touch "$RUN/sampler.stop"
    wait "$SAMPLER_PID" 2>/dev/null || true
    drop_counts >"$RUN/drops.after"
    local drops
    drops=$(drop_summary "$RUN/drops.before" "$RUN/drops.after")
    origin_bytes=0
    while read -r b; do origin_bytes=$((origin_bytes + b)); done < <(tail -n +"$((ORIGIN_LINES0 + 1))" "$ORIGIN_LOG" \
        | origin_body_bytes)
    local origin_wire=$(( $(counter "$P-origin" up0 tx) - ORIGIN_TX0 ))
    origin_x=$(awk -v a="$origin_bytes" -v b="$PKG_BYTES" 'BEGIN { printf "%.2f", a / b }')
    local rx_sum=0 tx_max=0 peak_max=0 cpu_sum=0 cpu_max=0 hwm_max=0
    for host in "${HOSTS[@]}"; do
        [ "${ROLE[$host]}" = idle ] && continue
        n=$((n + 1))
        rx=$(( $(counter "$host" lan0 rx) - RX0[$host] ))
        tx=$(( $(counter "$host" lan0 tx) - TX0[$host] ))
        rx_sum=$((rx_sum + rx)); [ "$tx" -gt "$tx_max" ] && tx_max=$tx
        [ "${VERIFIED[$host]}" = 1 ] && v=$((v + 1))
        if [ -n "${DONE_NS[$host]}" ] && [ "${VERIFIED[$host]}" = 1 ]; then
            [ "${DONE_NS[$host]}" -gt "$last" ] && last=${DONE_NS[$host]}
            done_s=$(awk -v a="${DONE_NS[$host]}" -v b="$T0" 'BEGIN { printf "%.2f", (a - b) / 1e9 }')
        else
            ok=0; done_s=""
        fi
        # sampler: ns peak_cpu cpu_s peak_rss hwm comm
        read -r _ peak cpu rss hwm comm < <(grep "^$host	" "$RUN/sampler.tsv" || echo "- 0 0 0 0 -")
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$SCEN_NAME" "$TOOL" "$SETTING" \
            "$RUNNO" "${host#"$P"-}" "${ROLE[$host]}" "$done_s" "${VERIFIED[$host]}" "$rx" "$tx" "$peak" "$cpu" "$rss" \
            "$hwm" "$comm" "${DETAIL[$host]}" >>"$HOSTROWS"
        peak_max=$(awk -v a="$peak" -v b="$peak_max" 'BEGIN { print (a > b ? a : b) }')
        cpu_sum=$(awk -v a="$cpu" -v b="$cpu_sum" 'BEGIN { print a + b }')
        cpu_max=$(awk -v a="$cpu" -v b="$cpu_max" 'BEGIN { print (a > b ? a : b) }')
        [ "$hwm" -gt "$hwm_max" ] && hwm_max=$hwm
    done
    local mach_busy mach_other
    read -r _ mach_busy _ mach_other _ < <(grep '^__machine__' "$RUN/sampler.tsv" || echo "- ? 0 ? 0")
    if [ "$ok" = 1 ]; then
        wall=$(awk -v a="$last" -v b="$T0" 'BEGIN { printf "%.1f", (a - b) / 1e9 }')
    else
        wall="FAIL"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s/%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$SCEN_NAME" "$NSUB" \
        "$((NSUB * NHOST))" "$LINKS" "$TOOL" "$SETTING" "$RUNNO" "$wall" "$v" "$n" "$origin_bytes" "$origin_x" \
        "$(awk -v a="$rx_sum" -v n="$n" 'BEGIN { printf "%.1f", a / n / 1048576 }')" \
        "$(awk -v a="$tx_max" 'BEGIN { printf "%.1f", a / 1048576 }')" "$peak_max" \
        "$(awk -v a="$cpu_sum" -v n="$n" 'BEGIN { printf "%.1f", a / n }')" "$cpu_max" \
        "$(awk -v a="$hwm_max" 'BEGIN { printf "%.0f", a / 1024 }')" "$note; origin wire ${origin_wire} B; machine CPU busy ${mach_busy}% of one core on average, ${mach_other}% of it outside the testbed; load average before ${LOAD0}" >>"$RESULTS"
    # for the delta table: this run's figures and the origin log lines it wrote
    MEASURED_WALL=$wall MEASURED_VERIFIED="$v/$n" MEASURED_ORIGIN_BYTES=$origin_bytes
    MEASURED_ORIGIN_LINES="$((ORIGIN_LINES0 + 1)) $(wc -l <"$ORIGIN_LOG")"
    log "$SCEN_NAME: $TOOL $SETTING: all verified after ${wall} s ($v/$n verified), origin served ${origin_x}x, machine busy ${mach_busy}% (outside ${mach_other}%); $note"
    log "$SCEN_NAME: $TOOL $SETTING: packets dropped: $drops"
    for host in "${HOSTS[@]}"; do rm -rf "${WORK:?}/$host"; done
}

wait_pids() { local pid; for pid in "$@"; do wait "$pid" 2>/dev/null || true; done; }

# A chain run in a host: fetch or receive, then verify; it prints the SHA-256 line and done_ns.
VERIFY='sha256sum "$F"; echo "done_ns $(date +%s%N)"'
CURL='curl -sS --fail --max-time "$T" -o "$F" -w "curl %{time_total} %{size_download} %{speed_download}\n" "$URL"'

# ------------------------------------------------------------------ the tools

run_single() {
    local host=${HOSTS[0]}
    begin_measure single curl 1
    host_run "$host" "$host" "$TOOL_TIMEOUT" env F="$WORK/$host/pkg.bin" URL="$URL" T="$TOOL_TIMEOUT" \
        bash -c "$CURL && $VERIFY"
    wait_pids "$LAST_PID"
    chain_done "$host" "$host"
    ROLE[$host]=alone
    local c
    c=$(grep '^curl ' "$RUN/$host.out" | awk '{ printf "%.1f", $2 }' || true)
    DETAIL[$host]="download ${c} s"
    SINGLE_DOWNLOAD_S=$c
    # The other hosts take no part.
    local h
    for h in "${HOSTS[@]:1}"; do ROLE[$h]="idle"; done
    end_measure "one host alone; download ${c} s"
}

run_curl() {
    local host pids=()
    begin_measure curl "all-at-once" 1
    for host in "${HOSTS[@]}"; do
        host_run "$host" "$host" "$TOOL_TIMEOUT" env F="$WORK/$host/pkg.bin" URL="$URL" T="$TOOL_TIMEOUT" \
            bash -c "$CURL && $VERIFY"
        pids+=("$LAST_PID")
    done
    wait_pids "${pids[@]}"
    local min=999999 max=0 c
    for host in "${HOSTS[@]}"; do
        chain_done "$host" "$host"
        ROLE[$host]=client
        c=$(grep '^curl ' "$RUN/$host.out" | awk '{ print $2 }' || true)
        DETAIL[$host]="download ${c} s"
    done
    end_measure "${#HOSTS[@]} concurrent downloads"
}

hex_ip() { local IFS=.; set -- $1; printf '0x%02X%02X%02X%02X' "$1" "$2" "$3" "$4"; }

run_uftp() {
    local rate=$1 runno=$2 s host sender ids pids=() rpids=() senders=()
    begin_measure uftp "R$rate" "$runno"
    for s in $(seq 1 "$NSUB"); do
        sender="$P-h$s-1"
        ids=""
        for host in "${HOSTS[@]}"; do
            [ "${HOST_SUBNET[$host]}" = "$s" ] && [ "$host" != "$sender" ] || continue
            ids="$ids${ids:+,}$(hex_ip "${HOST_IP[$host]}")"
            host_run "$host" "$host-uftpd" "$TOOL_TIMEOUT" uftpd -d -I lan0 -U "$(hex_ip "${HOST_IP[$host]}")" \
                -M "$GROUP_PREFIX.1" -D "$WORK/$host" -F "$RUN/$host.status" -x 1
            rpids+=("$LAST_PID")
            ROLE[$host]=receiver
        done
        ROLE[$sender]=sender
        # shellcheck disable=SC2086 # UFTP_OPTS holds several options
        host_run "$sender" "$sender" "$TOOL_TIMEOUT" env F="$WORK/$sender/pkg.bin" URL="$URL" T="$TOOL_TIMEOUT" \
            bash -c "$CURL && $VERIFY && echo \"fetched_ns \$(date +%s%N)\" && cd \"$WORK/$sender\" && \
                uftp -I lan0 -M $GROUP_PREFIX.1 -P $GROUP_PREFIX.2 -t 1 -R $rate -H $ids -x 1 $UFTP_OPTS pkg.bin \
                && echo \"sent_ns \$(date +%s%N)\""
        pids+=("$LAST_PID")
        senders+=("$sender")
    done
    # When a subnet's sender is done, every receiver reported its copy complete: verify them there.
    local vpids=() i
    for i in "${!pids[@]}"; do
        wait_pids "${pids[$i]}"
        sender=${senders[$i]}
        s=${HOST_SUBNET[$sender]}
        chain_done "$sender" "$sender"
        grep -q '^sent_ns ' "$RUN/$sender.out" || VERIFIED[$sender]=0
        for host in "${HOSTS[@]}"; do
            [ "${HOST_SUBNET[$host]}" = "$s" ] && [ "$host" != "$sender" ] || continue
            host_run "$host" "$host" 120 env F="$WORK/$host/pkg.bin" bash -c "$VERIFY"
            vpids+=("$LAST_PID")
        done
    done
    wait_pids "${vpids[@]}"
    for host in "${HOSTS[@]}"; do [ "${ROLE[$host]}" = receiver ] && chain_done "$host" "$host"; done
    for pid in "${rpids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait_pids "${rpids[@]}"
    local f fetch=""
    for sender in "${senders[@]}"; do
        f=$(awk -v t0="$T0" '/^fetched_ns /{ f=$2 } /^sent_ns /{ e=$2 } END { printf "fetch+verify %.1f s, multicast %.1f s", (f-t0)/1e9, (e-f)/1e9 }' "$RUN/$sender.out")
        DETAIL[$sender]=$f
        fetch="$fetch${fetch:+; }${sender#"$P"-}: $f"
    done
    end_measure "uftp -R $rate${UFTP_OPTS:+ $UFTP_OPTS}; $fetch"
}

run_udpcast() {
    local setting=$1 runno=$2 s host sender pids=() senders=() bitrate=""
    [ "$setting" = none ] || bitrate=$setting
    begin_measure udpcast "max-bitrate-$setting" "$runno"
    for s in $(seq 1 "$NSUB"); do
        sender="$P-h$s-1"
        for host in "${HOSTS[@]}"; do
            [ "${HOST_SUBNET[$host]}" = "$s" ] && [ "$host" != "$sender" ] || continue
            host_run "$host" "$host" "$TOOL_TIMEOUT" env F="$WORK/$host/pkg.bin" bash -c \
                "udp-receiver --interface lan0 --mcast-rdv-address $GROUP_PREFIX.4 --nokbd --no-progress --file \"\$F\" \
                 && $VERIFY"
            pids+=("$LAST_PID")
            ROLE[$host]=receiver
        done
        ROLE[$sender]=sender
        # shellcheck disable=SC2086
        host_run "$sender" "$sender" "$TOOL_TIMEOUT" env F="$WORK/$sender/pkg.bin" URL="$URL" T="$TOOL_TIMEOUT" \
            bash -c "$CURL && $VERIFY && echo \"fetched_ns \$(date +%s%N)\" && \
                udp-sender --interface lan0 --min-receivers $((NHOST - 1)) --mcast-data-address $GROUP_PREFIX.3 \
                --mcast-rdv-address $GROUP_PREFIX.4 --ttl 1 --nopointopoint --nokbd --no-progress \
                ${bitrate:+--max-bitrate $bitrate} $UDPCAST_OPTS --file \"\$F\" \
                && echo \"sent_ns \$(date +%s%N)\""
        pids+=("$LAST_PID")
        senders+=("$sender")
    done
    wait_pids "${pids[@]}"
    for host in "${HOSTS[@]}"; do chain_done "$host" "$host"; done
    local f fetch=""
    for sender in "${senders[@]}"; do
        grep -q '^sent_ns ' "$RUN/$sender.out" || VERIFIED[$sender]=0
        f=$(awk -v t0="$T0" '/^fetched_ns /{ f=$2 } /^sent_ns /{ e=$2 } END { printf "fetch+verify %.1f s, multicast %.1f s", (f-t0)/1e9, (e-f)/1e9 }' "$RUN/$sender.out")
        DETAIL[$sender]=$f
        fetch="$fetch${fetch:+; }${sender#"$P"-}: $f"
    done
    end_measure "udp-sender --max-bitrate $setting${UDPCAST_OPTS:+ $UDPCAST_OPTS}; $fetch"
}

json_field() { # file name
    tail -n1 "$1" | sed -n "s/.*\"$2\":\"\{0,1\}\([^,\"}]*\)\"\{0,1\}[,}].*/\1/p"
}
# state_at ERRFILE STATE: wall clock (microseconds) of the first line naming STATE
state_at() {
    sed -n "s/^\([0-9]*\) \[ *[0-9.]*s\] [^:]*: $2 as .*/\1/p" "$1" | head -n1
}

# run_subnetcast RATE RUN [VARIANT]: every host runs an agent. VARIANT (delta mode): "full" (the
# plain run, with the manifest flags only if DELTA_FULL_MANIFEST=1), "all" (manifest flags and
# --basis on every host) or "half" (manifest flags on every host, --basis on every other host).
run_subnetcast() {
    local rate=$1 runno=$2 variant=${3:-} host pids=() task tool=subnetcast setting=$1 link=0 i=0
    local -a extra
    case "$variant" in
        all|half) tool=subnetcast-delta setting="$rate-$variant" link=1 ;;
    esac
    task="tb-$SUFFIX-$SCEN_NAME-$setting-$runno"
    task=${task//[^A-Za-z0-9._-]/-}
    declare -A start_ns has_basis
    LINK_BASIS=$link begin_measure "$tool" "$setting" "$runno"
    local port=$((30000 + 2 * (RANDOM % 5000)))
    for host in "${HOSTS[@]}"; do
        extra=()
        if [ "$variant" = all ] || [ "$variant" = half ] || { [ "$variant" = full ] && [ "$DELTA_FULL_MANIFEST" = 1 ]; }; then
            extra+=(--manifest-url "$MANIFEST_URL" --manifest-sha256 "$MANIFEST_SHA")
        fi
        has_basis[$host]=0
        if [ "$variant" = all ] || { [ "$variant" = half ] && [ $((i % 2)) = 0 ]; }; then
            extra+=(--basis "$WORK/$host/basis.bin")
            has_basis[$host]=1
        fi
        i=$((i + 1))
        start_ns[$host]=$(now_ns)
        # shellcheck disable=SC2086
        STAMP_ERR=1 host_run "$host" "$host" "$TOOL_TIMEOUT" "$JAVA" $SC_JAVA_OPTS -jar "$JAR" agent --task "$task" --url "$URL" \
            --out "$WORK/$host/pkg.bin" --interface lan0 --sha256 "$SHA" --group "$GROUP_PREFIX.5:$port" \
            --start-delay "$SC_START_DELAY" --rate "$rate" --linger "$SC_LINGER" --timeout "$((TOOL_TIMEOUT - 10))s" \
            --cache-dir "$WORK/$host/cache" --json "${extra[@]}" $SC_AGENT_OPTS
        pids+=("$LAST_PID")
    done
    wait_pids "${pids[@]}"
    local exited_ns
    exited_ns=$(now_ns)
    sleep 0.3 # the stderr time-stampers write their last lines
    local out err secs role reps=0 repair=0 rep_note="" st x t
    # for the delta table: multicast bytes and lan0 rx of the members, basis bytes, slowest agent
    DM_MCAST_MAX=0 DM_MCAST_MAX_V1=0 DM_RX_MAX=0 DM_RX_MAX_V1=0 DM_SECS_MAX=0 DM_BASIS="" DM_REP_MCAST="" DM_FETCHERS=""
    for host in "${HOSTS[@]}"; do
        out="$RUN/$host.out"; err="$RUN/$host.err"
        secs=$(json_field "$out" seconds)
        role=$(json_field "$out" role)
        ROLE[$host]=${role:-failed}
        x=$(json_field "$out" bytes_multicast)
        if [ "$role" = representative ]; then
            DM_REP_MCAST="$DM_REP_MCAST${DM_REP_MCAST:+ }${host#"$P"-}=${x:-?}"
        else
            if [[ "$x" =~ ^[0-9]+$ ]] && [ "$x" -gt "$DM_MCAST_MAX" ]; then DM_MCAST_MAX=$x; fi
            if [[ "$x" =~ ^[0-9]+$ ]] && [ "${has_basis[$host]}" = 1 ] && [ "$x" -gt "$DM_MCAST_MAX_V1" ]; then DM_MCAST_MAX_V1=$x; fi
            t=$(( $(counter "$host" lan0 rx) - RX0[$host] ))
            if [ "$t" -gt "$DM_RX_MAX" ]; then DM_RX_MAX=$t; fi
            if [ "${has_basis[$host]}" = 1 ] && [ "$t" -gt "$DM_RX_MAX_V1" ]; then DM_RX_MAX_V1=$t; fi
        fi
        x=$(json_field "$out" bytes_origin)
        if [[ "$x" =~ ^[0-9]+$ ]] && [ "$x" -gt 0 ]; then DM_FETCHERS="$DM_FETCHERS${DM_FETCHERS:+ }${host#"$P"-}=$x"; fi
        x=$(json_field "$out" bytes_basis)
        t=""; [ "${has_basis[$host]:-0}" = 1 ] && t="(v1)"
        DM_BASIS="$DM_BASIS${DM_BASIS:+ }${host#"$P"-}$t=${x:-?}"
        [ -n "$secs" ] && DM_SECS_MAX=$(awk -v a="$secs" -v b="$DM_SECS_MAX" 'BEGIN { print (a > b ? a : b) }')
        # The copy is in place when the agent renames it there: the file's ctime. (The JSON
        # "seconds" count from the agent's own start, after the JVM started and the options were
        # parsed; "prestart" below is that difference.)
        if [ -n "$secs" ] && [ "$(json_field "$out" sha256)" = "$SHA" ] \
            && [ "$(sha256sum "$WORK/$host/pkg.bin" | cut -d' ' -f1)" = "$SHA" ]; then
            VERIFIED[$host]=1
            DONE_NS[$host]=$("$PYTHON" -c 'import os, sys; print(os.stat(sys.argv[1]).st_ctime_ns)' "$WORK/$host/pkg.bin")
        fi
        x=$(json_field "$out" bytes_repair)
        repair=$((repair + ${x:-0}))
        st="origin=$(json_field "$out" bytes_origin) mcast=$(json_field "$out" bytes_multicast) repair=$(json_field "$out" bytes_repair) basis=$(json_field "$out" bytes_basis) seconds=$secs"
        [ -n "${DONE_NS[$host]}" ] && st="$st prestart=$(awk -v d="${DONE_NS[$host]}" -v s="${start_ns[$host]}" \
            -v secs="$secs" 'BEGIN { printf "%.1f", (d - s) / 1e9 - secs }')"
        # Every stderr line carries the wall clock (microseconds) it arrived at; states are given
        # in seconds since this tool run's start (T0), like the wall time. "started" is the
        # agent's first progress line (JVM up, engine open).
        st="$st started@$(head -n1 "$err" | awk -v t0="$T0" '{ printf "%.1f", ($1 * 1000 - t0) / 1e9 }')"
        for x in CLAIMING FETCHING WAITING SENDING RECEIVING REPAIRING COMPLETE; do
            t=$(state_at "$err" "$x")
            [ -n "$t" ] && st="$st $x@$(awk -v t0="$T0" -v t="$t" 'BEGIN { printf "%.1f", (t * 1000 - t0) / 1e9 }')"
        done
        DETAIL[$host]=$st
        if [ "$role" = representative ]; then
            reps=$((reps + 1))
            rep_note="$rep_note${rep_note:+; }${host#"$P"-} rep: $st"
        fi
    done
    local exited
    exited=$(awk -v a="$exited_ns" -v b="$T0" 'BEGIN { printf "%.1f", (a - b) / 1e9 }')
    local what="rate $rate"
    case "$variant" in
        full) what="$what, full v2"; if [ "$DELTA_FULL_MANIFEST" = 1 ]; then what="$what with the manifest flags"; fi ;;
        all) what="$what, delta: --basis v1 on every host" ;;
        half) what="$what, delta: --basis v1 on every other host" ;;
    esac
    end_measure "$what, start delay $SC_START_DELAY, linger $SC_LINGER; $reps representatives; repair bytes $repair; all agents exited after $exited s; $rep_note"
    [ -z "$variant" ] || delta_row "$variant"
}

# run_warm RATE RUN: every host runs one engine in one JVM for SC_WARM_ROUNDS tasks of the same
# package, one after the other (benchmarks' WarmAgent: the library embedded in a long-running agent).
# Round 1 pays the JVM's start and compilation as `subnetcast agent` does; the note gives each
# round's slowest agent and its members' CPU-seconds from the task's start to the copy in place.
run_warm() {
    local rate=$1 runno=$2 host pids=() task r last=$SC_WARM_ROUNDS
    [ -d "$BENCH_CLASSES/io/subnetcast/bench" ] || die "no $BENCH_CLASSES: mvn -B -q install -DskipTests first"
    task="tbw-$SUFFIX-$SCEN_NAME-$rate-$runno"
    task=${task//[^A-Za-z0-9._-]/-}
    begin_measure subnetcast-warm "$rate" "$runno"
    local port=$((30000 + 2 * (RANDOM % 5000)))
    for host in "${HOSTS[@]}"; do
        # shellcheck disable=SC2086
        host_run "$host" "$host" "$((TOOL_TIMEOUT * last))" "$JAVA" $SC_JAVA_OPTS -cp "$JAR:$BENCH_CLASSES" \
            io.subnetcast.bench.WarmAgent interface=lan0 url="$URL" sha256="$SHA" group="$GROUP_PREFIX.6:$port" \
            dir="$WORK/$host" task="$task" rounds="$last" rate="$rate" \
            startDelay="$(seconds "$SC_START_DELAY")" linger="$(seconds "$SC_LINGER")"
        pids+=("$LAST_PID")
    done
    wait_pids "${pids[@]}"
    local note="rate $rate, start delay $SC_START_DELAY, $last rounds in one JVM per host" line secs cpu
    for r in $(seq 1 "$last"); do
        local smax=0 mcpu="" rcpu=""
        for host in "${HOSTS[@]}"; do
            line=$(grep "\"round\":$r," "$RUN/$host.out" || true)
            [ -n "$line" ] || continue
            secs=$(echo "$line" | sed -n 's/.*"seconds":\([0-9.]*\).*/\1/p')
            cpu=$(echo "$line" | sed -n 's/.*"cpu_placed":\([0-9.]*\).*/\1/p')
            smax=$(awk -v a="$secs" -v b="$smax" 'BEGIN { print (a > b ? a : b) }')
            if [[ "$line" == *'"role":"representative"'* ]]; then rcpu="$rcpu${rcpu:+ }$cpu"; else mcpu="$mcpu${mcpu:+ }$cpu"; fi
            if [ "$r" = "$last" ]; then
                ROLE[$host]=$(echo "$line" | sed -n 's/.*"role":"\([a-z]*\)".*/\1/p')
                DETAIL[$host]=$line
            fi
        done
        note="$note; round $r: slowest ${smax} s, members' CPU-s ${mcpu:-none}, representative's ${rcpu:-none}"
    done
    # The last round's copy is the one left in place; its ctime is when it was placed.
    for host in "${HOSTS[@]}"; do
        local f="$WORK/$host/pkg-$last.bin"
        if [ -f "$f" ] && [ "$(sha256sum "$f" | cut -d' ' -f1)" = "$SHA" ]; then
            VERIFIED[$host]=1
            DONE_NS[$host]=$("$PYTHON" -c 'import os, sys; print(os.stat(sys.argv[1]).st_ctime_ns)' "$f")
        fi
    done
    end_measure "$note"
}

# ------------------------------------------------------------------ delta mode

DELTA_TSV="$OUT_DIR/delta.tsv"
[ "$DELTA" = 0 ] || [ -f "$DELTA_TSV" ] || printf 'scenario\tsetting\trun\tvariant\tnew_bytes\torigin_bytes\tmanifest_bytes\tmanifest_requests\torigin_per_new\tmcast_max_member\tmcast_per_new\tmcast_max_member_v1\trx_max_member\trx_max_member_v1\ttime_s\ttime_per_full\tslowest_agent_s\tverified\tsubnets\tmanifest_file_bytes\torigin_fetchers\tbasis_bytes\trep_mcast\n' >"$DELTA_TSV"

# delta_row VARIANT: one row of delta.tsv from the run just measured (run_subnetcast's DM_* and
# end_measure's MEASURED_* figures). The full run's time is the reference of the delta runs that
# follow it on the same LAN (same scenario, rate and run number).
delta_row() {
    local variant=$1 first last mb mn rel="-"
    read -r first last <<<"$MEASURED_ORIGIN_LINES"
    read -r mb mn < <(sed -n "${first},${last}p" "$ORIGIN_LOG" | origin_manifest_bytes)
    if [ "$variant" = full ]; then
        FULL_WALL=$MEASURED_WALL
    elif [[ "$MEASURED_WALL" =~ ^[0-9.]+$ && "${FULL_WALL:-}" =~ ^[0-9.]+$ ]]; then
        rel=$(awk -v a="$MEASURED_WALL" -v b="$FULL_WALL" 'BEGIN { printf "%.3f", a / b }')
    fi
    [ "$variant" = full ] && rel="1.000"
    [[ "$MEASURED_WALL" =~ ^[0-9.]+$ ]] || rel="-"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
        "$SCEN_NAME" "${SETTING%-"$variant"}" "$RUNNO" "$variant" "$NEW_BYTES" "$MEASURED_ORIGIN_BYTES" "$mb" "$mn" \
        "$(awk -v a="$MEASURED_ORIGIN_BYTES" -v b="$NEW_BYTES" 'BEGIN { printf "%.2f", a / b }')" "$DM_MCAST_MAX" \
        "$(awk -v a="$DM_MCAST_MAX" -v b="$NEW_BYTES" 'BEGIN { printf "%.2f", a / b }')" "$DM_MCAST_MAX_V1" "$DM_RX_MAX" "$DM_RX_MAX_V1" \
        "$MEASURED_WALL" "$rel" "$DM_SECS_MAX" "$MEASURED_VERIFIED" "$NSUB" "$MANIFEST_FILE_BYTES" "${DM_FETCHERS:--}" \
        "$DM_BASIS" "${DM_REP_MCAST:--}" >>"$DELTA_TSV"
    log "$SCEN_NAME: delta $variant: origin $MEASURED_ORIGIN_BYTES B (manifest $mb B in $mn requests; fetched by ${DM_FETCHERS:-none}), new $NEW_BYTES B, max member multicast $DM_MCAST_MAX B, time $MEASURED_WALL s (x$rel of full), verified $MEASURED_VERIFIED"
}

# ------------------------------------------------------------------ scenarios

SIZE=$((SIZE_MIB * 1024 * 1024))
mkdir -p "$WORK/www"
if [ "$DELTA" = 1 ]; then
    # v1 (the hosts' basis) and v2 (the package), deterministic; then v2's trusted manifest beside it
    # in the served directory (pkg.bin.manifest and whatever else `manifest` writes there).
    log "making a $SIZE_MIB MiB old version and the new one (delta.py, seed $DELTA_SEED)"
    mkdir -p "$WORK/basis"
    BASIS_FILE="$WORK/basis/pkg-v1.bin"
    "$PYTHON" "$SCRIPT_DIR/delta.py" "$SIZE" "$DELTA_SEED" "$BASIS_FILE" "$WORK/www/pkg.bin" >"$OUT_DIR/delta-edits.txt"
    NEW_BYTES=$(sed -n '1s/^new_bytes=\([0-9]*\) .*/\1/p' "$OUT_DIR/delta-edits.txt")
    [ -n "$NEW_BYTES" ] || die "delta.py wrote no new_bytes"
    chmod 444 "$BASIS_FILE"
    MANIFEST_SHA=$("$JAVA" -jar "$JAR" manifest --file "$WORK/www/pkg.bin" 2>"$OUT_DIR/manifest.err" | tail -n1 | cut -d' ' -f1) \
        || die "subnetcast manifest failed: $(cat "$OUT_DIR/manifest.err")"
    [[ "$MANIFEST_SHA" =~ ^[0-9a-f]{64}$ ]] || die "subnetcast manifest printed no SHA-256: $(cat "$OUT_DIR/manifest.err")"
    [ "$(sha256sum "$WORK/www/pkg.bin.manifest" | cut -d' ' -f1)" = "$MANIFEST_SHA" ] \
        || die "the SHA-256 'subnetcast manifest' printed is not that of pkg.bin.manifest"
    chmod a+r "$WORK"/www/*
    MANIFEST_URL="http://$ORIGIN_IP:$ORIGIN_PORT/pkg.bin.manifest"
    MANIFEST_FILES=$(cd "$WORK/www" && for f in pkg.bin.manifest*; do printf '%s=%s ' "$f" "$(stat -c %s "$f")"; done)
    MANIFEST_FILE_BYTES=$(cat "$WORK"/www/pkg.bin.manifest* | wc -c)
    log "new bytes $NEW_BYTES; manifest $MANIFEST_SHA; served manifest files (bytes): $MANIFEST_FILES"
else
    log "making a $SIZE_MIB MiB package"
    head -c "$SIZE" /dev/urandom >"$WORK/www/pkg.bin"
fi
# The agents' JVMs all start at once on the machine's cores; loading and verifying the jar's classes
# then delays the first fetch by seconds (see README, "Agent start-up"). A class-data-sharing archive
# of the jar, made here by a demo run on loopback (one process, nothing leaves the machine), cuts
# that. An archive belongs to one jar and one JDK, hence one per run. JDK 17 reads it only when
# asked on the command line (-XX:SharedArchiveFile), so a user's launcher would do the same.
if [ "$SC_CDS" = 1 ] && [[ " $TOOLS " == *" subnetcast "* ]] && [[ "$SC_JAVA_OPTS" != *SharedArchiveFile* ]]; then
    log "making the agents' class-data-sharing archive (subnetcast demo on loopback)"
    mkdir -p "$OUT_DIR/logs"
    # shellcheck disable=SC2086 # SC_JAVA_OPTS holds several options
    (cd "$WORK" && timeout -k 5 120 "$JAVA" $SC_JAVA_OPTS -XX:ArchiveClassesAtExit="$WORK/agent.jsa" \
        -Xlog:cds=off -Xlog:cds+dynamic=off -jar "$JAR" demo --agents=3 --size=8m --start-delay=1s) \
        >"$OUT_DIR/logs/cds-archive.log" 2>&1 && [ -s "$WORK/agent.jsa" ] \
        || die "could not make the class-data-sharing archive (see $OUT_DIR/logs/cds-archive.log; SC_CDS=0 runs without)"
    SC_JAVA_OPTS="$SC_JAVA_OPTS -XX:SharedArchiveFile=$WORK/agent.jsa -Xlog:cds=off -Xlog:cds+dynamic=off"
fi
SHA=$(sha256sum "$WORK/www/pkg.bin" | cut -d' ' -f1)
PKG_BYTES=$(stat -c %s "$WORK/www/pkg.bin")
URL="http://$ORIGIN_IP:$ORIGIN_PORT/pkg.bin"
declare -A RX0 TX0

{
    echo "date: $(date -Is)"
    echo "command: $0 $*"
    for v in SCENARIOS SIZE_MIB HOST_RATE WAN_RATE WAN_MODE QUEUE_MS TOOLS REPEAT UFTP_RATES UFTP_OPTS UDPCAST_BITRATES \
        UDPCAST_OPTS SC_RATES SC_UNSHAPED_RATES SC_START_DELAY SC_LINGER SC_CDS SC_JAVA_OPTS SC_AGENT_OPTS ORIGIN ORIGIN_JAVA_OPTS \
        DELTA DELTA_SEED DELTA_FULL_MANIFEST DELTA_VARIANTS; do
        echo "$v=${!v}"
    done
    echo "nproc: $(nproc)"; echo "kernel: $(uname -r)"; free -g; echo "loadavg: $(cat /proc/loadavg)"
    echo "java: $("$JAVA" -version 2>&1 | head -n1)"
    echo "uftp: $(dpkg-query -W -f='${Version}' uftp 2>/dev/null)  udpcast: $(dpkg-query -W -f='${Version}' udpcast 2>/dev/null)"
    echo "jar: $(sha256sum "$JAR" | cut -c1-16) $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null)"
    if [ "$DELTA" = 1 ]; then
        echo "delta: $(head -n1 "$OUT_DIR/delta-edits.txt"); package (v2) $PKG_BYTES bytes"
        echo "delta: manifest sha256 $MANIFEST_SHA; files $MANIFEST_FILES"
    fi
} >"$OUT_DIR/machine.txt"

for scen in $SCENARIOS; do
    spec=${scen%%:*}
    NSUB=${spec%x*}; NHOST=${spec#*x}
    [[ "$NSUB" =~ ^[0-9]+$ && "$NHOST" =~ ^[0-9]+$ && "$NSUB" -ge 1 && "$NSUB" -le 9 && "$NHOST" -ge 2 && "$NHOST" -le 50 ]] \
        || die "bad scenario '$scen' (SxH, 1<=S<=9, 2<=H<=50, optional :unshaped)"
    if [ "$scen" != "$spec" ]; then
        [ "${scen#*:}" = unshaped ] || die "bad scenario '$scen'"
        SHAPED=0; LINKS="unshaped"; rates=$SC_UNSHAPED_RATES; wan_bps=1000000000
    else
        SHAPED=1; LINKS="host $HOST_RATE, WAN $WAN_RATE $WAN_MODE"; rates=$SC_RATES; wan_bps=$(bits "$WAN_RATE")
    fi
    SCEN_NAME=$scen; SCEN_NAME=${SCEN_NAME/:/-}
    # Bound on one tool run: the unicast baseline's ideal time twice over, plus a minute, plus
    # subnetcast's start delay and linger (at the defaults, 1 min and 30 s).
    per_link_hosts=$NHOST; [ "$WAN_MODE" = shared ] && per_link_hosts=$((NSUB * NHOST))
    TOOL_TIMEOUT=$(awk -v b="$SIZE" -v h="$per_link_hosts" -v r="$wan_bps" -v d="$(seconds "$SC_START_DELAY")" \
        -v l="$(seconds "$SC_LINGER")" 'BEGIN { printf "%d", 60 + 2 * b * 8 * h / r + d + l }')
    GROUP_PREFIX="239.255.$((RANDOM % 200 + 20))"
    mkdir -p "$OUT_DIR/logs/$SCEN_NAME"
    log "scenario $SCEN_NAME: $NSUB subnet(s) x $NHOST hosts, links: $LINKS, package $SIZE_MIB MiB, tool timeout $TOOL_TIMEOUT s"
    build_lan "$NSUB" "$NHOST" "$SHAPED"
    start_origin "$OUT_DIR/logs/$SCEN_NAME"
    for t in $TOOLS; do
        case "$t" in
            single) run_single ;;
            curl) run_curl ;;
            uftp) for rate in $UFTP_RATES; do for r in $(seq 1 "$REPEAT"); do run_uftp "$rate" "$r"; done; done ;;
            udpcast) for b in $UDPCAST_BITRATES; do for r in $(seq 1 "$REPEAT"); do run_udpcast "$b" "$r"; done; done ;;
            subnetcast-warm) for rate in $rates; do for r in $(seq 1 "$REPEAT"); do run_warm "$rate" "$r"; done; done ;;
            subnetcast)
                for rate in $rates; do for r in $(seq 1 "$REPEAT"); do
                    if [ "$DELTA" = 1 ]; then
                        for variant in $DELTA_VARIANTS; do run_subnetcast "$rate" "$r" "$variant"; done
                    else
                        run_subnetcast "$rate" "$r"
                    fi
                done; done ;;
        esac
    done
    kill "$ORIGIN_PID" 2>/dev/null || true
    wait "$ORIGIN_PID" 2>/dev/null || true
    kill_pids
    del_namespaces
done

"$PYTHON" "$SCRIPT_DIR/report.py" "$OUT_DIR" || log "report.py failed"
log "done: $OUT_DIR/results.md, $OUT_DIR/results.tsv, $OUT_DIR/*.png"
