#!/usr/bin/env python3
"""Turns a testbed run's results.tsv into results.md (tables) and two PNG charts.

Usage: report.py OUT_DIR      (reads OUT_DIR/results.tsv, OUT_DIR/machine.txt and, after a DELTA=1
                               run, OUT_DIR/delta.tsv, which becomes the "Delta" tables)
  testbed-hosts.png      time until every host is verified, and origin bytes / package size,
                         against the number of hosts (shaped scenarios; best run of each tool)
  testbed-scenarios.png  time until every host is verified, per scenario and tool (best run)
"""
import csv
import os
import sys
from collections import OrderedDict, defaultdict

TOOLS = ["single", "curl", "uftp", "udpcast", "subnetcast"]
LABEL = {"single": "one host alone (curl)", "curl": "unicast: all hosts curl at once",
         "uftp": "uftp", "udpcast": "udpcast", "subnetcast": "subnetcast"}
COLOR = {"single": "#999999", "curl": "#d62728", "uftp": "#1f77b4", "udpcast": "#ff7f0e",
         "subnetcast": "#2ca02c"}


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def main():
    out = sys.argv[1]
    with open(os.path.join(out, "results.tsv")) as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    hosts = []
    if os.path.exists(os.path.join(out, "hosts.tsv")):
        with open(os.path.join(out, "hosts.tsv")) as f:
            hosts = list(csv.DictReader(f, delimiter="\t"))
    scenarios = OrderedDict()
    for r in rows:
        scenarios.setdefault(r["scenario"], []).append(r)

    # best (fastest verified) run of each tool per scenario
    best = defaultdict(dict)
    for name, rs in scenarios.items():
        for r in rs:
            w = num(r["wall_s"])
            ok = r["verified"].split("/")[0] == r["verified"].split("/")[1]
            if w is None or not ok:
                continue
            cur = best[name].get(r["tool"])
            if cur is None or w < num(cur["wall_s"]):
                best[name][r["tool"]] = r

    md = []
    machine = os.path.join(out, "machine.txt")
    if os.path.exists(machine):
        md += ["```", open(machine).read().rstrip(), "```", ""]
    for name, rs in scenarios.items():
        r0 = rs[0]
        single = best[name].get("single")
        base = num(single["wall_s"]) if single else None
        md.append(f"### {name}: {r0['subnets']} subnet(s), {r0['hosts']} hosts, {r0['links']}")
        md.append("")
        md.append("| tool | setting | run | all verified (s) | x one host | verified | origin bytes / size "
                  "| rx MiB/host | max tx MiB | peak CPU % | CPU s/host (max) | peak RSS MiB |")
        md.append("|---|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|")
        for r in rs:
            w = num(r["wall_s"])
            rel = f"{w / base:.2f}" if (w is not None and base) else "-"
            mark = " **(best)**" if best[name].get(r["tool"]) is r and r["tool"] == "subnetcast" and \
                sum(1 for x in rs if x["tool"] == "subnetcast") > 1 else ""
            md.append(f"| {r['tool']}{mark} | {r['setting']} | {r['run']} | {r['wall_s']} | {rel} | {r['verified']} "
                      f"| {r['origin_x']} | {r['rx_mib_mean']} | {r['tx_mib_max']} | {r['peak_cpu_pct_max']} "
                      f"| {r['cpu_s_mean']} ({r['cpu_s_max']}) | {r['hwm_mib_max']} |")
        md.append("")
        sc = best[name].get("subnetcast")
        if sc is not None and hosts:
            md.append(f"Per agent, subnetcast {sc['setting']} run {sc['run']}:")
            md.append("")
            md.append("| host | role | verified at (s) | from origin MiB | multicast MiB | repair MiB | rx MiB | tx MiB "
                      "| peak CPU % | CPU s | peak RSS MiB |")
            md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
            for h in hosts:
                if (h["scenario"], h["tool"], h["setting"], h["run"]) != (name, "subnetcast", sc["setting"], sc["run"]):
                    continue
                d = dict(kv.split("=", 1) for kv in h["detail"].split() if "=" in kv)
                mib = lambda v: f"{int(v) / 1048576:.1f}" if v and v.isdigit() else "-"
                md.append(f"| {h['host']} | {h['role']} | {h['done_s']} | {mib(d.get('origin'))} | {mib(d.get('mcast'))} "
                          f"| {mib(d.get('repair'))} | {mib(h['rx_bytes'])} | {mib(h['tx_bytes'])} | {h['peak_cpu_pct']} "
                          f"| {h['cpu_s']} | {int(h['hwm_kib']) / 1024:.0f} |")
            md.append("")
        md.append("Notes:")
        md.append("")
        for r in rs:
            md.append(f"- {r['tool']} {r['setting']} run {r['run']}: {r['note']}")
        md.append("")
    md += delta_tables(out)
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write("\n".join(md) + "\n")

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("report.py: no matplotlib (apt-get install -y python3-matplotlib); tables only", file=sys.stderr)
        return

    # 1. against the number of hosts, shaped scenarios only
    shaped = [n for n, rs in scenarios.items() if rs[0]["links"] != "unshaped"]
    if shaped:
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.8))
        for tool in TOOLS:
            for nsub, marker, style in (("1", "o", "-"), ("2", "s", "--"), ("3", "^", ":")):
                pts = sorted((int(scenarios[n][0]["hosts"]), best[n][tool]) for n in shaped
                             if scenarios[n][0]["subnets"] == nsub and tool in best[n])
                if not pts:
                    continue
                # tools that land on the same point (origin bytes) stay visible side by side
                xs = [p[0] + (TOOLS.index(tool) - 2) * 0.06 * max(1, p[0] / 4) for p in pts]
                label = f"{LABEL[tool]}, {nsub} subnet{'s' if nsub != '1' else ''}"
                if tool == "single":
                    continue
                ax1.plot(xs, [num(p[1]["wall_s"]) for p in pts], style, marker=marker, color=COLOR[tool], label=label)
                ax2.plot(xs, [num(p[1]["origin_x"]) for p in pts], style, marker=marker, color=COLOR[tool],
                         label=label)
        singles = [num(best[n]["single"]["wall_s"]) for n in shaped if "single" in best[n]]
        if singles:
            s = sum(singles) / len(singles)
            ax1.axhline(s, color="#999999", lw=1, label=f"one host alone: {s:.1f} s")
            ax1.axhline(1.15 * s, color="#2ca02c", lw=1, ls=":", label=f"target 1.15x one host: {1.15 * s:.1f} s")
        ax1.set_xlabel("hosts")
        ax1.set_ylabel("seconds until every host holds a verified copy")
        ax1.set_ylim(bottom=0)
        ax1.set_title("time to all hosts")
        ax1.grid(True, which="both", alpha=0.3)
        ax1.legend(fontsize=7)
        ax2.set_ylim(bottom=0)
        ax2.set_xlabel("hosts")
        ax2.set_ylabel("origin bytes served / package size")
        ax2.set_title("origin bytes")
        ax2.grid(True, alpha=0.3)
        ax2.legend(fontsize=7)
        r0 = scenarios[shaped[0]][0]
        size = open(machine).read().split("SIZE_MIB=")[1].split()[0] if os.path.exists(machine) else "?"
        fig.suptitle(f"subnetcast LAN testbed: {size} MiB package, {r0['links']}")
        fig.tight_layout()
        fig.savefig(os.path.join(out, "testbed-hosts.png"), dpi=110)
        plt.close(fig)

    # 2. every scenario, best run of each tool
    names = list(scenarios)
    fig, ax = plt.subplots(figsize=(max(6, 2.2 * len(names)), 4.5))
    width = 0.8 / len(TOOLS)
    for i, tool in enumerate(TOOLS):
        xs, ys = [], []
        for j, n in enumerate(names):
            if tool in best[n]:
                xs.append(j + (i - (len(TOOLS) - 1) / 2) * width)
                ys.append(num(best[n][tool]["wall_s"]))
        bars = ax.bar(xs, ys, width, color=COLOR[tool], label=LABEL[tool])
        for x, y in zip(xs, ys):
            ax.text(x, y, f"{y:.0f}", ha="center", va="bottom", fontsize=6)
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels([f"{n}\n{scenarios[n][0]['links']}" for n in names], fontsize=7)
    ax.set_ylabel("seconds until every host holds a verified copy")
    ax.set_title("time to all hosts, per scenario (best run of each tool)")
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "testbed-scenarios.png"), dpi=110)
    plt.close(fig)


def delta_tables(out):
    """The delta table (DELTA=1) with the issue's targets checked row by row."""
    path = os.path.join(out, "delta.tsv")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    if not rows:
        return []
    label = {"full": "full", "all": "delta all", "half": "delta half"}
    i = lambda v: f"{int(v):,}" if v and v.isdigit() else (v or "-")
    md = ["## Delta", "",
          "v2 = v1 with 32 scattered 16 KiB overwrites and a 3,000-byte insertion in the middle "
          "(`delta-edits.txt`); \"delta all\": every host has v1 (`--basis`), \"delta half\": every other "
          "host has it; \"full\": the same agents distributing v2 without a basis (see `machine.txt`, "
          "DELTA_FULL_MANIFEST, for whether it had the manifest flags). Origin bytes: body bytes in the "
          "origin's log during the run, the trusted manifest files included (in brackets: of them manifest "
          "bytes / requests). Multicast: the largest `bytes_multicast` of a member, the representative left "
          "out (in brackets: of the members holding v1). Max member rx: the most one member's lan0 received "
          "in all (multicast, unicast, control). Time: until every host holds a verified copy, as in the "
          "tables above; time / full against the full run just before it on the same LAN.", "",
          "| scenario | rate | run | variant | new bytes | origin bytes (manifest / req) | origin / new "
          "| max multicast B / member (holding v1) | multicast / new | max member rx B | time (s) | time / full "
          "| copies verified |",
          "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        v1 = i(r["mcast_max_member_v1"]) if r["variant"] != "full" else "-"
        md.append(f"| {r['scenario']} | {r['setting']} | {r['run']} | {label.get(r['variant'], r['variant'])} "
                  f"| {i(r['new_bytes'])} | {i(r['origin_bytes'])} ({i(r['manifest_bytes'])} / "
                  f"{r['manifest_requests']}) | {r['origin_per_new']} | {i(r['mcast_max_member'])} ({v1}) "
                  f"| {r['mcast_per_new']} | {i(r['rx_max_member'])} | {r['time_s']} | {r['time_per_full']} "
                  f"| {r['verified']} |")
    md += ["", "Targets (issue 13): every copy verified; origin bytes at most 2 x the new bytes plus the manifest "
           "(checked two ways: plus the manifest bytes as served, one copy per agent that asked; and plus one copy "
           "of the manifest files per subnet; with S subnets, 2 x the new bytes x S, as the ideal of a full "
           "distribution is the package size x S), also with half the hosts holding v1; no member receives more than "
           "4 x the new bytes by multicast (checked on each member's bytes_multicast, what it kept, and on its lan0 "
           "receive counter, everything that reached it); time to all hosts at most 0.25 x the full distribution of "
           "v2 on the same links. With half the hosts holding v1 the issue sets only the origin target (\"still\"); "
           "the multicast and time figures of \"delta half\" are given for reference.", ""]
    for r in rows:
        if r["variant"] == "full":
            continue
        new, manifest, origin = int(r["new_bytes"]), int(r["manifest_bytes"]), int(r["origin_bytes"])
        subnets = int(r["subnets"])
        one_manifest = int(r["manifest_file_bytes"]) * subnets
        sx = f" x {subnets} subnets" if subnets > 1 else ""
        new_all = new * subnets  # each subnet's representative fetches what its subnet lacks: new bytes x subnets
        half = r["variant"] == "half"
        mcast = int(r["mcast_max_member_v1"] if half else r["mcast_max_member"])
        rx = r.get("rx_max_member_v1" if half else "rx_max_member")
        v = r["verified"].split("/")
        t = num(r["time_per_full"])
        # ok None: no target of the issue for this variant, the figure is shown for reference
        checks = [
            ("verified", v[0] == v[1], r["verified"]),
            (f"origin <= 2 x new{sx} + manifest as served", origin <= 2 * new_all + manifest,
             f"{origin:,} vs {2 * new_all + manifest:,}"),
            (f"origin <= 2 x new{sx} + one manifest per subnet", origin <= 2 * new_all + one_manifest,
             f"{origin:,} vs {2 * new_all + one_manifest:,}"),
            ("multicast <= 4 x new" + (" (members holding v1)" if half else ""), None if half else mcast <= 4 * new,
             f"largest member bytes_multicast {mcast:,} vs {4 * new:,}"),
            ("on the wire: member lan0 rx, all traffic, <= 4 x new + one manifest" + (" (members holding v1)" if half else ""),
             None if half or not rx else int(rx) <= 4 * new + int(r["manifest_file_bytes"]),
             f"{int(rx):,} vs {4 * new + int(r['manifest_file_bytes']):,}; an upper bound of the multicast a member "
             f"received, its bytes_multicast counts only what it kept" if rx else "not recorded"),
            ("time <= 0.25 x full", None if half else (t is not None and t <= 0.25), f"x{r['time_per_full']}"),
        ]
        md.append(f"- {r['scenario']} {r['setting']} run {r['run']} {label.get(r['variant'], r['variant'])}: "
                  + "; ".join(f"{name} **{'no target' if ok is None else 'met' if ok else 'MISSED'}** ({why})"
                              for name, ok, why in checks)
                  + f". Agents that fetched from the origin (bytes): {r['origin_fetchers']}; slowest agent's own "
                  f"`seconds` {r['slowest_agent_s']}; bytes_basis per host: {r['basis_bytes']}; representative's "
                  f"bytes_multicast: {r['rep_mcast']}")
    md.append("")
    return md


if __name__ == "__main__":
    main()
