package io.subnetcast.examples;

import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.cache.BlockLayout;
import io.subnetcast.core.cache.TrustedManifest;
import io.subnetcast.core.engine.DistributionTask;
import io.subnetcast.core.serve.FileServer;
import io.subnetcast.core.session.SessionConfig;
import io.subnetcast.core.session.SessionProgress;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code subnetcast demo}: the whole workflow in one process on the loopback interface. The
 * project's origin server serves a generated package on 127.0.0.1; several agents, each with its
 * own engine, cache and output file, distribute it: most start at once, one joins while the
 * multicast runs, two drop a share of what they receive so that repair is seen. Nothing leaves
 * the machine: every socket is on 127.0.0.1 or {@code lo}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        header = "Run origin and agents in this process on loopback, then show where every byte came from.",
        description = "Runs the whole workflow in this process on the loopback interface (nothing leaves the machine): an"
                + " origin on 127.0.0.1 serves a generated package; agents with their own engines, caches and files elect a"
                + " representative, which fetches the package once, waits the start delay and multicasts it. The last agent"
                + " joins once a quarter of the package has been multicast; the two before it drop --loss of what they"
                + " receive, so repair is seen."
                + " Ends with a table of where each agent's bytes came from; 'repair' is what an agent completed after"
                + " the pass: blocks many agents missed, multicast again by the representative, and the rest fetched from"
                + " peers' block servers over HTTP.",
        footer = {"", "Exit status: 0 every copy matches the package's SHA-256; 1 a copy is missing or differs;"
                + " 2 bad input; 3 --timeout passed."})
final class DemoCommand implements Callable<Integer> {
    private static final int MAX_AGENTS = 16;
    private static final long MAX_SIZE = 4L << 30;
    // The representative stays while any member it knows still misses data, at most this long.
    private static final Duration LINGER = Duration.ofSeconds(30);
    private static final long LOG_INTERVAL_MS = 1_000;
    private static final String TASK_ID = "demo";

    @Spec
    private CommandSpec spec;

    @Option(names = "--agents", paramLabel = "N", defaultValue = "6",
            description = "Number of agents, 1 to " + MAX_AGENTS + ". Default: ${DEFAULT-VALUE}.")
    private int agents;

    @Option(names = "--size", paramLabel = "SIZE", converter = Converters.SizeConverter.class, defaultValue = "64m",
            description = "Package size (512k, 64m, 1g; binary units). Default: ${DEFAULT-VALUE}.")
    private long size;

    @Option(names = "--start-delay", paramLabel = "DURATION", converter = Converters.DurationConverter.class,
            defaultValue = "3s",
            description = "Wait between the election and the multicast (500ms, 3s, 1m). Default: ${DEFAULT-VALUE}.")
    private Duration startDelay;

    @Option(names = "--rate", paramLabel = "RATE", converter = Converters.RateConverter.class, defaultValue = "200m",
            description = "Multicast send rate in bit/s (500k, 100m, 1g). Default: ${DEFAULT-VALUE}.")
    private long rate;

    @Option(names = "--loss", paramLabel = "FRACTION", converter = Converters.LossConverter.class, defaultValue = "0.05",
            description = "Share of received datagrams the two lossy agents drop (0.05 or 5%%). Default: ${DEFAULT-VALUE}.")
    private double loss;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Converters.DurationConverter.class,
            defaultValue = "2m", description = "Give up after this long. Default: ${DEFAULT-VALUE}.")
    private Duration timeout;

    @Option(names = "--delta",
            description = "Distribute a new version to agents that hold the previous one: the package gets scattered"
                    + " 16 KiB edits and 3,000 inserted bytes, its trusted manifest carries delta units, and every agent"
                    + " but the last is given the previous version as its basis. They fetch and receive only what changed;"
                    + " the last agent, without a basis, still receives everything. No agent joins late.")
    private boolean delta;

    @Mixin
    private KeyOptions keyOptions;

    @Mixin
    private VerboseOption verbose;

    private final CliEnvironment environment;

    DemoCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (agents < 1 || agents > MAX_AGENTS) {
            throw new CliException(ExitCodes.BAD_INPUT, "--agents must be 1 to " + MAX_AGENTS + ", got " + agents);
        }
        if (size < 1 || size > MAX_SIZE) {
            throw new CliException(ExitCodes.BAD_INPUT, "--size must be 1 byte to " + Sizes.format(MAX_SIZE) + ", got "
                    + Sizes.format(size));
        }
        // The key file is checked before anything starts; the task it goes into is made later.
        keyOptions.apply(DistributionTask.of(TASK_ID, URI.create("http://127.0.0.1/"), Path.of("unused")));
        Path dir = Files.createTempDirectory("subnetcast-demo-");
        try {
            return run(dir);
        } finally {
            TempFiles.deleteRecursively(dir);
        }
    }

    private int run(Path dir) throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Deadline deadline = Deadline.after(System.nanoTime(), timeout);
        Path www = Files.createDirectories(dir.resolve("www"));
        String name = "demo-" + size + ".bin";
        DemoPackage pkg;
        DemoPackage previous = null;
        long newBytes = 0;
        if (delta) {
            previous = DemoPackage.write(dir.resolve("previous-version.bin"), size, System.nanoTime());
            DemoPackage.Edited edited = previous.edit(www.resolve(name), System.nanoTime());
            pkg = edited.version();
            newBytes = edited.newBytes();
        } else {
            pkg = DemoPackage.write(www.resolve(name), size, System.nanoTime());
        }
        AtomicLong originBytes = new AtomicLong();
        AtomicLong originRequests = new AtomicLong();
        InetSocketAddress control = randomControlGroup();
        SessionConfig config = SessionConfig.builder().startDelay(startDelay).rateBitsPerSecond(rate)
                .linger(LINGER).dataPort(control.getPort() + 1).build();
        List<DemoAgent> demoAgents = new ArrayList<>();
        try (FileServer origin = FileServer.builder().bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .rootDirectory(www).requestListener(r -> {
                    originRequests.incrementAndGet();
                    originBytes.addAndGet(r.bodyBytes());
                }).build()) {
            URI url = URI.create("http://127.0.0.1:" + origin.start().getPort() + "/" + name);
            for (int i = 1; i <= agents; i++) {
                demoAgents.add(DemoAgent.open(i, isLate(i), isLossy(i) ? loss : 0, dir.resolve("agent" + i), control,
                        config));
            }
            describePlan(out, url, control, pkg, newBytes);
            DistributionTask task = keyOptions.apply(DistributionTask.of(TASK_ID, url, dir.resolve("unused"))
                    .withSha256(pkg.sha256()));
            if (delta) {
                task = task.withManifest(URI.create(url + ".manifest"), writeManifest(pkg, www.resolve(name + ".manifest")));
            }
            boolean timedOut;
            try (DemoProgress progress = new DemoProgress(spec.commandLine().getErr(), environment.terminal(), demoAgents,
                    LOG_INTERVAL_MS)) {
                for (DemoAgent agent : demoAgents) {
                    if (!agent.late()) {
                        agent.start(hasBasis(agent.number()) ? task.withBasis(previous.file()) : task);
                    }
                }
                progress.start();
                startLateAgents(demoAgents, task, deadline, progress);
                timedOut = !awaitAll(demoAgents, deadline);
            }
            DemoReport report = DemoReport.of(demoAgents, pkg, originBytes.get(), originRequests.get(), newBytes);
            out.print(report.render());
            out.flush();
            if (timedOut) {
                throw new CliException(ExitCodes.TIMED_OUT, "timed out after " + Durations.format(timeout) + "; "
                        + report.verified() + " of " + agents + " copies verified");
            }
            if (report.verified() != agents) {
                throw new CliException(ExitCodes.FAILED, report.verified() + " of " + agents + " copies verified");
            }
            return ExitCodes.OK;
        } finally {
            closeAll(demoAgents);
        }
    }

    /** The last agent joins late (when there are at least two), but not in the delta demo. */
    private boolean isLate(int number) {
        return !delta && agents >= 2 && number == agents;
    }

    /** In the delta demo every agent but the last (when there are at least two) holds the previous version. */
    private boolean hasBasis(int number) {
        return delta && (agents == 1 || number < agents);
    }

    /** Writes the package's trusted manifest with delta units, as {@code subnetcast manifest} does. */
    private static byte[] writeManifest(DemoPackage pkg, Path file) throws IOException {
        int blockSize = BlockLayout.DEFAULT_BLOCK_SIZE;
        TrustedManifest manifest = TrustedManifest.of(pkg.file(), blockSize,
                TrustedManifest.defaultUnitSize(pkg.length(), blockSize));
        Files.write(file.resolveSibling(file.getFileName() + ".units"), manifest.unitsBytes());
        byte[] bytes = manifest.toBytes();
        Files.write(file, bytes);
        return BlockHashes.newSha256().digest(bytes);
    }

    /** The (up to) two agents before the late one drop datagrams. */
    private boolean isLossy(int number) {
        int firstLossy = Math.max(2, agents - 2);
        return loss > 0 && agents >= 3 && number >= firstLossy && number < agents;
    }

    private void describePlan(PrintWriter out, URI url, InetSocketAddress control, DemoPackage pkg, long newBytes) {
        out.println("subnetcast demo: everything runs in this process on 127.0.0.1 / interface lo");
        out.println("  origin:      " + url + " serves " + Sizes.format(pkg.length()) + " (SHA-256 "
                + BlockHashes.toHex(pkg.sha256()) + ")" + (delta ? " and its trusted manifest with delta units" : ""));
        if (delta) {
            out.println("  delta:       the package is a new version: " + Sizes.format(newBytes) + " of it are new (scattered"
                    + " edits, 3,000 bytes inserted mid-file); agents 1-" + Math.max(1, agents - 1)
                    + " hold the previous version" + (agents > 1 ? ", agent " + agents + " holds nothing" : ""));
        }
        out.println("  agents:      " + agents + " engines on lo, control group " + control.getAddress().getHostAddress()
                + ":" + control.getPort() + ", data port " + (control.getPort() + 1));
        out.println("  start delay: " + Durations.format(startDelay) + " (the representative fetches meanwhile; then it"
                + " multicasts at " + Rates.format(rate) + ")");
        for (int i = 1; i <= agents; i++) {
            if (isLate(i)) {
                out.println("  agent " + i + " joins once a quarter of the package has been multicast");
            } else if (isLossy(i)) {
                out.println(String.format(Locale.ROOT, "  agent %d drops %.1f%% of the datagrams it receives", i, loss * 100));
            }
        }
        out.flush();
    }

    /** Starts the late agents once the multicast is under way (or nothing else will happen). */
    private static void startLateAgents(List<DemoAgent> demoAgents, DistributionTask task, Deadline deadline,
                                        DemoProgress progress) throws InterruptedException {
        List<DemoAgent> late = demoAgents.stream().filter(DemoAgent::late).toList();
        if (late.isEmpty()) {
            return;
        }
        while (!deadline.isExpired() && !multicastUnderWay(demoAgents) && !allStartedEnded(demoAgents)) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        for (DemoAgent agent : late) {
            progress.note("agent " + agent.number() + " joins the running multicast now");
            agent.start(task);
            progress.watch(agent);
        }
    }

    /**
     * @return whether a member took a quarter of the package from the multicast: late enough that
     *     a late joiner visibly misses the start, early enough that it still hears most of the pass
     */
    private static boolean multicastUnderWay(List<DemoAgent> demoAgents) {
        for (DemoAgent agent : demoAgents) {
            SessionProgress p = agent.progress();
            if (p != null && p.packageLength() > 0 && p.bytesFromMulticast() * 4 >= p.packageLength()) {
                return true;
            }
        }
        return false;
    }

    private static boolean allStartedEnded(List<DemoAgent> demoAgents) {
        return demoAgents.stream().filter(DemoAgent::started).allMatch(a -> a.handle().completion().isDone());
    }

    /**
     * Waits until every agent has its package in place (or failed). Once all have, no agent needs
     * another, so the engines can be closed without waiting out their linger.
     *
     * @return false if the deadline passed first
     */
    private static boolean awaitAll(List<DemoAgent> demoAgents, Deadline deadline) throws InterruptedException {
        for (DemoAgent agent : demoAgents) {
            try {
                agent.handle().completion().get(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException | CancellationException e) {
                // The agent's failure is in its completion and shown in the report.
            }
        }
        return true;
    }

    private static void closeAll(List<DemoAgent> demoAgents) {
        // Engines stop their threads one by one; closing them in parallel keeps the demo's exit quick.
        demoAgents.parallelStream().forEach(DemoAgent::close);
    }

    private static InetSocketAddress randomControlGroup() {
        // A random group and port per run, so that two demos on one machine never hear each other.
        SplittableRandom random = new SplittableRandom();
        return new InetSocketAddress("239.255." + (100 + random.nextInt(100)) + "." + (1 + random.nextInt(250)),
                20_000 + 2 * random.nextInt(10_000));
    }
}
