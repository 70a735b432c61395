#!/usr/bin/env python3
"""Samples CPU and memory of every process inside a set of network namespaces.

Usage: sample.py OUT_TSV INTERVAL_S MAX_S STOP_FILE NS [NS...]

Every INTERVAL_S seconds it maps each process to its network namespace (the inode of
/proc/PID/ns/net against /run/netns/NS) and, per namespace, adds up the CPU time the processes
used in the interval. It stops when STOP_FILE exists or MAX_S passed (bounded), then writes one line
per namespace (after a line "__machine__ busy_pct busy_s outside_pct 0 -" for the whole machine,
where outside_pct is the mean CPU use of everything outside the namespaces, e.g. other users' builds):
  ns  peak_cpu_pct  cpu_seconds  peak_rss_kib  peak_hwm_kib  peak_hwm_comm
  peak_cpu_pct   highest CPU use over one interval (100 = one core)
  cpu_seconds    CPU time seen while sampling (a process's last < INTERVAL_S may be missed)
  peak_rss_kib   highest sum of VmRSS of the namespace's processes at one sample
  peak_hwm_kib   highest VmHWM (peak resident set) of a single process, and its command name
"""
import os
import sys
import time

HZ = os.sysconf("SC_CLK_TCK")


def ns_inode(path):
    try:
        return os.stat(path).st_ino
    except OSError:
        return None


def read_proc(pid):
    """(ns inode, start time, cpu ticks, rss kib, hwm kib, comm) or None."""
    try:
        link = os.readlink(f"/proc/{pid}/ns/net")  # net:[4026532...]
        ino = int(link[link.index("[") + 1:-1])
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        ticks = int(fields[11]) + int(fields[12])  # utime + stime
        start = int(fields[19])
        rss = hwm = 0
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
        return ino, start, ticks, rss, hwm, comm
    except (OSError, ValueError, IndexError):
        return None


def busy_ticks():
    """CPU ticks the whole machine spent busy (everything but idle and iowait)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return sum(v) - v[3] - v[4]


def main():
    out, interval, max_s, stop_file = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    names = sys.argv[5:]
    by_ino = {}
    for name in names:
        ino = ns_inode(f"/run/netns/{name}")
        if ino is not None:
            by_ino[ino] = name
    stats = {n: {"peak_cpu": 0.0, "cpu": 0, "peak_rss": 0, "hwm": 0, "hwm_comm": "-"} for n in names}
    prev = {}  # (pid, start) -> ticks
    prev_t = time.monotonic()
    t_start, busy_start = prev_t, busy_ticks()
    deadline = prev_t + max_s
    first = True
    while True:
        now = time.monotonic()
        cur = {}
        tick_cpu = {n: 0 for n in names}
        tick_rss = {n: 0 for n in names}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            info = read_proc(entry)
            if info is None or info[0] not in by_ino:
                continue
            ino, start, ticks, rss, hwm, comm = info
            name = by_ino[ino]
            key = (entry, start)
            cur[key] = ticks
            # A process seen for the first time used all its ticks since it started, which was
            # after the previous sample unless this is the first sample.
            delta = ticks - prev[key] if key in prev else (0 if first else ticks)
            tick_cpu[name] += delta
            tick_rss[name] += rss
            s = stats[name]
            if hwm > s["hwm"]:
                s["hwm"], s["hwm_comm"] = hwm, comm
        elapsed = now - prev_t
        for name in names:
            s = stats[name]
            s["cpu"] += tick_cpu[name]
            if not first and elapsed > 0:
                s["peak_cpu"] = max(s["peak_cpu"], 100.0 * tick_cpu[name] / HZ / elapsed)
            s["peak_rss"] = max(s["peak_rss"], tick_rss[name])
        prev, prev_t, first = cur, now, False
        if os.path.exists(stop_file) or now >= deadline:
            break
        time.sleep(max(0.0, interval - (time.monotonic() - now)))
    elapsed = time.monotonic() - t_start
    busy = (busy_ticks() - busy_start) / HZ
    mine = sum(s["cpu"] for s in stats.values()) / HZ
    with open(out, "w") as f:
        # whole machine: mean CPU busy (100 = one core), and the part outside these namespaces
        f.write(f"__machine__\t{100 * busy / elapsed:.0f}\t{busy:.2f}\t{100 * max(0.0, busy - mine) / elapsed:.0f}\t0\t-\n")
        for name in names:
            s = stats[name]
            f.write(f"{name}\t{s['peak_cpu']:.0f}\t{s['cpu'] / HZ:.2f}\t{s['peak_rss']}\t{s['hwm']}\t{s['hwm_comm']}\n")


if __name__ == "__main__":
    main()
