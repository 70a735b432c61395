package io.subnetcast.examples;

import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.session.SessionProgress;
import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo's summary: per agent, its role, where its bytes came from and its time, each copy's
 * SHA-256 compared with the package; then the origin's traffic against the package size.
 */
final class DemoReport {
    private final TextTable table = new TextTable("agent", "role", ">joined", ">loss", ">from origin",
            ">from multicast", ">from repair*", ">from basis", ">time", "verified");
    private final List<String> failures = new ArrayList<>();
    private final DemoPackage pkg;
    private final long originBytes;
    private final long originRequests;
    private final int agents;
    private final long newBytes;
    private int verified;

    private DemoReport(DemoPackage pkg, long originBytes, long originRequests, int agents, long newBytes) {
        this.pkg = pkg;
        this.newBytes = newBytes;
        this.originBytes = originBytes;
        this.originRequests = originRequests;
        this.agents = agents;
    }

    /**
     * Hashes every agent's copy and builds the summary.
     *
     * @param demoAgents the agents, after the run
     * @param pkg the package
     * @param originBytes body bytes the origin sent
     * @param originRequests requests the origin answered
     * @param newBytes in the delta demo, the package's bytes the previous version lacks; 0 otherwise
     * @return the report
     */
    static DemoReport of(List<DemoAgent> demoAgents, DemoPackage pkg, long originBytes, long originRequests,
                         long newBytes) {
        DemoReport report = new DemoReport(pkg, originBytes, originRequests, demoAgents.size(), newBytes);
        long firstStartNs = demoAgents.stream().filter(DemoAgent::started).mapToLong(DemoAgent::startNs).min().orElse(0);
        for (DemoAgent agent : demoAgents) {
            report.add(agent, firstStartNs);
        }
        return report;
    }

    private void add(DemoAgent agent, long firstStartNs) {
        SessionProgress p = agent.progress();
        String check = check(agent);
        table.row(Integer.toString(agent.number()), p == null ? "-" : Progress.role(p.role()),
                agent.started() ? String.format(Locale.ROOT, "+%.1fs", (agent.startNs() - firstStartNs) / 1e9) : "-",
                String.format(Locale.ROOT, "%.0f%%", agent.loss() * 100),
                p == null ? "-" : Sizes.format(p.bytesFromOrigin()),
                p == null ? "-" : Sizes.format(p.bytesFromMulticast()),
                p == null ? "-" : Sizes.format(p.bytesFromRepair()),
                p == null ? "-" : Sizes.format(p.bytesFromBasis()),
                Double.isNaN(agent.seconds()) ? "-" : String.format(Locale.ROOT, "%.2f s", agent.seconds()),
                check);
    }

    /** Compares the agent's file with the package by SHA-256, computed here rather than trusted. */
    private String check(DemoAgent agent) {
        if (agent.failure() != null) {
            failures.add("agent " + agent.number() + " failed: " + agent.failure());
            return "no (failed)";
        }
        if (!Files.isRegularFile(agent.out())) {
            failures.add("agent " + agent.number() + " has no copy at " + agent.out());
            return "no (missing)";
        }
        try {
            byte[] actual = Digests.sha256(agent.out());
            if (MessageDigest.isEqual(actual, pkg.sha256())) {
                verified++;
                return "yes";
            }
            failures.add("agent " + agent.number() + ": copy has SHA-256 " + BlockHashes.toHex(actual));
            return "NO (differs)";
        } catch (IOException e) {
            failures.add("agent " + agent.number() + ": cannot read its copy: " + Errors.describe(e));
            return "no (unreadable)";
        }
    }

    /** @return how many copies matched the package */
    int verified() {
        return verified;
    }

    /** @return the table and the totals, ending in a newline */
    String render() {
        StringBuilder out = new StringBuilder("\n").append(table.render()).append('\n');
        out.append(String.format(Locale.ROOT, "origin served %s in %d requests for a %s package: %.2fx the package size%n",
                Sizes.format(originBytes), originRequests, Sizes.format(pkg.length()),
                (double) originBytes / pkg.length()));
        if (newBytes > 0) {
            out.append(String.format(Locale.ROOT, "  the new version has %s of new bytes: the origin served %.2fx that"
                    + " (manifests included)%n", Sizes.format(newBytes), (double) originBytes / newBytes));
        }
        out.append(String.format(Locale.ROOT, "%d of %d copies verified (SHA-256 %s)%n", verified, agents,
                BlockHashes.toHex(pkg.sha256())));
        for (String failure : failures) {
            out.append("  ").append(failure).append('\n');
        }
        out.append("* repair: what an agent completed after the pass, from peers' block servers over HTTP, and"
                + " blocks several agents missed multicast again by the representative.\n");
        return out.toString();
    }
}
