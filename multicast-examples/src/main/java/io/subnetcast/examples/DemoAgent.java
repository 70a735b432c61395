package io.subnetcast.examples;

import io.subnetcast.core.engine.DistributionHandle;
import io.subnetcast.core.engine.DistributionTask;
import io.subnetcast.core.engine.SubnetcastEngine;
import io.subnetcast.core.loss.LossGenerator;
import io.subnetcast.repair.PeerRepair;
import io.subnetcast.repair.PeerRepairConfig;
import io.subnetcast.core.session.SessionConfig;
import io.subnetcast.core.session.SessionProgress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One agent of the demo: its own engine on {@code lo}, cache and output file, as a separate
 * machine would have them, and the times that go into the summary.
 */
final class DemoAgent implements AutoCloseable {
    private final int number;
    private final boolean late;
    private final double loss;
    private final Path out;
    private final SubnetcastEngine engine;
    private volatile DistributionHandle handle;
    private volatile long startNs;
    private volatile long completedNs;
    private volatile String failure;

    private DemoAgent(int number, boolean late, double loss, Path out, SubnetcastEngine engine) {
        this.number = number;
        this.late = late;
        this.loss = loss;
        this.out = out;
        this.engine = engine;
    }

    /**
     * Opens the agent's engine (sockets, cache) so that starting it later costs nothing.
     *
     * @param number 1-based
     * @param late whether it starts after the multicast began
     * @param loss fraction of received datagrams it drops
     * @param directory its private directory
     * @param control the demo's control group
     * @param config session settings
     * @return the agent, not started
     * @throws IOException if the engine cannot open its sockets on lo
     */
    static DemoAgent open(int number, boolean late, double loss, Path directory, InetSocketAddress control,
                          SessionConfig config) throws IOException {
        Files.createDirectories(directory);
        SubnetcastEngine engine = SubnetcastEngine.builder().networkInterface("lo").controlGroup(control)
                .cacheDirectory(directory.resolve("cache")).session(config)
                .receiveLoss(loss > 0 ? LossGenerator.random(loss, 1_000L + number) : LossGenerator.NONE)
                .gapRepair(PeerRepair.overHttp(PeerRepairConfig.defaults()))
                .build();
        return new DemoAgent(number, late, loss, directory.resolve("package.bin"), engine);
    }

    /**
     * Gives the agent the task.
     *
     * @param task the task, whose destination is replaced by this agent's file
     */
    void start(DistributionTask task) {
        startNs = System.nanoTime();
        handle = engine.distribute(task.withDestination(out));
        handle.completion().whenComplete((path, error) -> {
            completedNs = System.nanoTime();
            if (error != null) {
                failure = Errors.describe(error);
            }
        });
    }

    int number() {
        return number;
    }

    boolean late() {
        return late;
    }

    double loss() {
        return loss;
    }

    Path out() {
        return out;
    }

    boolean started() {
        return handle != null;
    }

    /** @return the handle, or null before {@link #start} */
    DistributionHandle handle() {
        return handle;
    }

    /** @return the latest snapshot, or null before {@link #start} */
    SessionProgress progress() {
        return handle == null ? null : handle.progress();
    }

    long startNs() {
        return startNs;
    }

    /** @return seconds from its start until its package was in place, or NaN if it never was */
    double seconds() {
        return completedNs == 0 || failure != null ? Double.NaN : (completedNs - startNs) / 1e9;
    }

    /** @return why it failed, or null */
    String failure() {
        return failure;
    }

    @Override
    public void close() {
        engine.close();
    }
}
