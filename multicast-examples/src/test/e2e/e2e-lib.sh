# Shared by the network-namespace scripts (sourced, not run): logging, failing, namespaces made
# and removed here, the origin, and reading the agents' JSON lines.
#
# The sourcing script sets E2E_TAG (its name in messages), JAR and JAVA, then calls e2e_begin.
# Every namespace it makes goes through add_ns and every process it starts into PIDS, so that the
# cleanup on exit stops exactly those (by PID) and deletes exactly those namespaces.

START_EPOCH=$(date +%s)
log() { printf '[%s %3ss] %s\n' "$E2E_TAG" "$(( $(date +%s) - START_EPOCH ))" "$*"; }
fail() {
    echo "$E2E_TAG: FAIL: $*" >&2
    exit 1
}

# Checks the jar and the commands, makes the work directory and installs the cleanup.
e2e_begin() {
    [ -f "$JAR" ] || fail "no jar at $JAR (build it with 'mvn -B package' first)"
    local c
    for c in ip bridge "$@" "$JAVA"; do
        command -v "$c" >/dev/null || fail "the '$c' command is missing"
    done
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/subnetcast-$E2E_TAG.XXXXXX")
    NAMESPACES=()
    PIDS=()
    ETC_NETNS_MADE=0
    [ -d /etc/netns ] || ETC_NETNS_MADE=1
    trap e2e_cleanup EXIT
    trap 'exit 130' INT TERM
}

e2e_cleanup() {
    local status=$?
    set +e
    # Processes this script started, by PID: a gentle stop first.
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null
    done
    for _ in $(seq 1 50); do
        local alive=0
        for pid in "${PIDS[@]}"; do
            kill -0 "$pid" 2>/dev/null && alive=1
        done
        [ "$alive" = 0 ] && break
        sleep 0.1
    done
    # Anything still inside the namespaces made here was started here too.
    for ns in "${NAMESPACES[@]}"; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
            kill -9 "$pid" 2>/dev/null
        done
    done
    for ns in "${NAMESPACES[@]}"; do
        ip netns del "$ns" 2>/dev/null
        rm -rf "/etc/netns/$ns"
    done
    [ "$ETC_NETNS_MADE" = 1 ] && rmdir /etc/netns 2>/dev/null
    if [ "$status" != 0 ]; then
        echo "$E2E_TAG: logs of the failed run:" >&2
        for f in "$WORK"/*.log "$WORK"/*.out "$WORK"/*.err; do
            [ -f "$f" ] || continue
            echo "----- $(basename "$f") (last 15 lines)" >&2
            tail -n 15 "$f" >&2
        done
    fi
    if [ "${E2E_KEEP:-0}" = 1 ]; then
        echo "$E2E_TAG: work directory kept: $WORK" >&2
    else
        rm -rf "$WORK"
    fi
    exit "$status"
}

add_ns() {
    local ns=$1 out
    if ! out=$(ip netns add "$ns" 2>&1); then
        fail "cannot create network namespace $ns: $out (this test needs root or CAP_SYS_ADMIN and a kernel with network namespaces)"
    fi
    NAMESPACES+=("$ns")
    # `ip netns exec` mounts these over /etc: no tool in the namespace tries real DNS.
    mkdir -p "/etc/netns/$ns"
    printf '127.0.0.1 localhost %s\n' "$(hostname)" >"/etc/netns/$ns/hosts"
    echo "nameserver 127.0.0.1" >"/etc/netns/$ns/resolv.conf"
    ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 >/dev/null
    ip -n "$ns" link set lo up
}

# An origin namespace ($1-origin, 198.18.0.10) behind a router namespace ($1-router, 198.18.0.1)
# that forwards between it and the subnets added by add_subnet.
add_origin_and_router() { # prefix
    add_ns "$1-origin"
    add_ns "$1-router"
    ip -n "$1-origin" link add up0 type veth peer name wan0 netns "$1-router"
    ip -n "$1-origin" addr add 198.18.0.10/24 brd + dev up0
    ip -n "$1-origin" link set up0 up
    ip -n "$1-origin" route add default via 198.18.0.1
    ip -n "$1-router" addr add 198.18.0.1/24 brd + dev wan0
    ip -n "$1-router" link set wan0 up
    ip netns exec "$1-router" sysctl -q -w net.ipv4.ip_forward=1 >/dev/null
}

# Subnet S (198.18.S.0/24): a bridge namespace $1-swS with a port to the router (198.18.S.1) and
# host namespaces $1-h<S><H> (198.18.S.(10+H), interface lan0) for each host number H given.
add_subnet() { # prefix, subnet, host numbers...
    local p=$1 s=$2 sw="$1-sw$2" h host
    shift 2
    add_ns "$sw"
    ip -n "$sw" link add br0 type bridge
    ip -n "$sw" link set br0 up
    ip -n "$p-router" link add "lan$s" type veth peer name rp netns "$sw"
    ip -n "$sw" link set rp master br0
    ip -n "$sw" link set rp up
    # Multicast stays inside the subnet: the router port gets no flooded multicast.
    bridge -n "$sw" link set dev rp mcast_flood off
    ip -n "$p-router" addr add "198.18.$s.1/24" brd + dev "lan$s"
    ip -n "$p-router" link set "lan$s" up
    for h in "$@"; do
        host="$p-h$s$h"
        add_ns "$host"
        ip -n "$host" link add lan0 type veth peer name "p$h" netns "$sw"
        ip -n "$sw" link set "p$h" master br0
        ip -n "$sw" link set "p$h" up
        ip -n "$host" addr add "198.18.$s.$((10 + h))/24" brd + dev lan0
        ip -n "$host" link set lan0 up
        ip -n "$host" route add default via "198.18.$s.1"
    done
}

# Stops the origin (its log has a line per response once written) and prints the body bytes it served.
origin_bytes_served() {
    kill "$ORIGIN_PID"
    wait "$ORIGIN_PID" 2>/dev/null || true
    local served=0 n
    while read -r n; do
        served=$((served + n))
    done < <(sed -n 's/.* body_bytes=\([0-9]*\) .*/\1/p' "$WORK/origin.log")
    echo "$served"
}

# Starts `subnetcast origin` serving $WORK/www in a namespace; sets ORIGIN_PID; log in $WORK/origin.log.
start_origin() { # namespace, address, port
    # shellcheck disable=SC2086 # JAVA_OPTS holds several options
    ip netns exec "$1" "$JAVA" $JAVA_OPTS -jar "$JAR" origin --dir "$WORK/www" --bind "$2" \
        --port "$3" >"$WORK/origin.log" 2>"$WORK/origin.err" &
    ORIGIN_PID=$!
    PIDS+=("$ORIGIN_PID")
    for _ in $(seq 1 300); do
        grep -q '^serving ' "$WORK/origin.log" 2>/dev/null && break
        kill -0 "$ORIGIN_PID" 2>/dev/null || fail "the origin exited: $(cat "$WORK/origin.err")"
        sleep 0.1
    done
    grep -q '^serving ' "$WORK/origin.log" || fail "the origin did not start within 30 s"
}

field() { # file name -> value of a "name":value field of the file's last line
    tail -n1 "$1" | sed -n "s/.*\"$2\":\"\{0,1\}\([^,\"}]*\)\"\{0,1\}[,}].*/\1/p"
}
