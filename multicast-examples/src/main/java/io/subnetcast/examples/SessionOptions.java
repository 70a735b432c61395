package io.subnetcast.examples;

import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.engine.DistributionTask;
import io.subnetcast.core.engine.SubnetcastEngine;
import io.subnetcast.core.loss.LossGenerator;
import io.subnetcast.core.session.SessionConfig;
import io.subnetcast.core.transport.MulticastInterface;
import io.subnetcast.core.transport.ReceiveBind;
import io.subnetcast.repair.PeerRepair;
import io.subnetcast.repair.PeerRepairConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of the commands that take part in a task's session on the subnet ({@code agent} and
 * {@code precache}): which task, which interface and group, the protocol's timing, and the key.
 */
final class SessionOptions {
    @Option(names = "--task", paramLabel = "ID", converter = Converters.TaskIdConverter.class,
            description = "Task id, the same on every agent: letters, digits and . _ - (one id per package version)."
                    + " Required, except for the agent daemon (--server).")
    String taskId;

    @Option(names = "--url", paramLabel = "URL", converter = Converters.UrlConverter.class,
            description = "http or https URL of the package at the origin. Required, except for the agent daemon (--server).")
    URI url;

    @Option(names = "--interface", required = true, paramLabel = "NAME|INDEX",
            description = "Network interface to multicast on (never guessed): a name (eth0 on Linux, en0 on macOS) or an"
                    + " index as 'ip link' or, on Windows, 'netsh interface ipv4 show interfaces' lists it (Java names"
                    + " Windows interfaces its own way, e.g. eth3, so the index is the dependable choice there).")
    String networkInterface;

    @Option(names = "--bind-mode", paramLabel = "MODE", converter = Converters.BindModeConverter.class,
            description = "What receive sockets bind to: 'group' (the multicast address; filters other groups in the"
                    + " kernel) or 'wildcard' (the wildcard address on the group's port; other groups' datagrams are"
                    + " dropped by task and session). Default: wildcard on Windows, which refuses a bind to a group;"
                    + " group on Linux and macOS.")
    ReceiveBind bindMode;

    @Option(names = "--sha256", paramLabel = "HEX", converter = Converters.Sha256Converter.class,
            description = "SHA-256 of the package (64 hex digits); the package is checked against it.")
    String sha256;

    @Option(names = "--manifest-url", paramLabel = "URL", converter = Converters.UrlConverter.class,
            description = "URL of the task's trusted manifest (written by 'subnetcast manifest'); with it every block is"
                    + " checked against the manifest before it is cached or served. Needs --manifest-sha256.")
    URI manifestUrl;

    @Option(names = "--manifest-sha256", paramLabel = "HEX", converter = Converters.Sha256Converter.class,
            description = "SHA-256 of the trusted manifest (64 hex digits), as 'subnetcast manifest' printed it.")
    String manifestSha256;

    @Option(names = "--basis", paramLabel = "FILE",
            description = "An older version of the package on this machine (repeatable). Before the election the agent"
                    + " finds the new version's content in it, even where it moved, and fetches and receives only the"
                    + " rest. Needs --sha256 and a trusted manifest with delta units (--manifest-url, written by"
                    + " 'subnetcast manifest').")
    List<Path> basis = new ArrayList<>();

    @Option(names = "--group", paramLabel = "ADDR:PORT", converter = Converters.GroupConverter.class,
            defaultValue = "239.255.0.1:41234",
            description = "Control group of the deployment; session data goes to port PORT+1. Default: ${DEFAULT-VALUE}.")
    InetSocketAddress group;

    @Option(names = "--start-delay", paramLabel = "DURATION", converter = Converters.DurationConverter.class,
            defaultValue = "1m",
            description = "How long the representative waits before multicasting, so that others can join"
                    + " (500ms, 3s, 1m, 1h). Default: ${DEFAULT-VALUE}.")
    Duration startDelay;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Block cache; a restart resumes from it. Give each agent on one machine its own. Default: Linux"
                    + " $XDG_CACHE_HOME/subnetcast or ~/.cache/subnetcast; macOS ~/Library/Caches/subnetcast; Windows"
                    + " %%LOCALAPPDATA%%\\subnetcast\\cache. A Windows service should pass a directory under"
                    + " %%ProgramData%%, a macOS launchd daemon one under /Library/Caches.")
    Path cacheDir;

    @Option(names = "--rate", paramLabel = "RATE", converter = Converters.RateConverter.class, defaultValue = "500m",
            description = "Most the multicast sends, in bit/s (500k, 100m, 1g); the rate adapts down to what members"
                    + " behind slower or congested links receive (see --fixed-rate). Where switches flood multicast to"
                    + " every port (no IGMP snooping), set it to what the slowest port should carry. Default: ${DEFAULT-VALUE}.")
    long rate;

    @Option(names = "--fixed-rate",
            description = "As representative, send at --rate whatever the members lose (by default the rate adapts"
                    + " down to their loss reports, --rate being the most).")
    boolean fixedRate;

    @Option(names = "--loss", paramLabel = "FRACTION", converter = Converters.LossConverter.class, defaultValue = "0",
            description = "Drop this fraction of received datagrams, e.g. 0.05 or 5%% (a testing aid). Default: ${DEFAULT-VALUE}.")
    double loss;

    @Option(names = "--linger", paramLabel = "DURATION", converter = Converters.DurationConverter.class,
            defaultValue = "30s",
            description = "How long to keep serving members that still lack data: on the representative, from the end of"
                    + " the multicast pass and again from each status in which a member reports more blocks than before;"
                    + " on a member, from holding the verified package. An agent whose members are all done leaves"
                    + " sooner. Default: ${DEFAULT-VALUE}.")
    Duration linger;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Converters.DurationConverter.class,
            description = "Give up after this long in all (exit status 3). Default: no limit.")
    Duration timeout;

    @Option(names = "--priority", paramLabel = "N", defaultValue = "0",
            description = "Election priority, 0 or more; higher makes this agent a likelier representative."
                    + " Default: ${DEFAULT-VALUE}.")
    int priority;

    @Option(names = "--mtu", paramLabel = "BYTES", defaultValue = "1500",
            description = "MTU of the link; datagrams are sized to it. Default: ${DEFAULT-VALUE}.")
    int mtu;

    @Mixin
    KeyOptions keyOptions;

    @Option(names = "--json", description = "Print the result as one JSON object, the last line on stdout.")
    boolean json;

    /**
     * @param destination where to place the package, or null to keep it in the cache only
     * @return the task these options describe
     */
    DistributionTask task(Path destination) {
        if (taskId == null || url == null) {
            throw new CliException(ExitCodes.BAD_INPUT, "Missing required option: '" + (taskId == null ? "--task=ID" : "--url=URL") + "'");
        }
        // Checked here as well as by the engine, so that a misspelt name fails before anything is created.
        try {
            MulticastInterface.resolve(networkInterface);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.BAD_INPUT, e.getMessage());
        }
        DistributionTask task = destination == null ? DistributionTask.cacheOnly(taskId, url)
                : DistributionTask.of(taskId, url, destination);
        task = task.withPriority(priority);
        if (sha256 != null) {
            task = task.withSha256(BlockHashes.parseSha256(sha256));
        }
        if ((manifestUrl == null) != (manifestSha256 == null)) {
            throw new CliException(ExitCodes.BAD_INPUT, "--manifest-url and --manifest-sha256 go together");
        }
        if (manifestUrl != null) {
            task = task.withManifest(manifestUrl, BlockHashes.parseSha256(manifestSha256));
        }
        if (!basis.isEmpty()) {
            if (manifestUrl == null || sha256 == null) {
                throw new CliException(ExitCodes.BAD_INPUT, "--basis needs --sha256 and --manifest-url with --manifest-sha256:"
                        + " the trusted manifest says what to look for in the basis, and the SHA-256 names the content");
            }
            for (Path file : basis) {
                if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                    throw new CliException(ExitCodes.BAD_INPUT, "--basis " + file + " is not a readable file");
                }
            }
            task = task.withBasis(basis.toArray(Path[]::new));
        }
        return keyOptions.apply(task);
    }

    /** @return the block cache directory, checked to be writable */
    Path cache() {
        return Locations.requireWritableDirectory(cacheDir != null ? cacheDir : Locations.defaultCacheDirectory(),
                "--cache-dir");
    }

    /**
     * @param cache the block cache directory
     * @return an engine on the interface, with peer repair
     * @throws CliException (exit status 2) when the interface cannot carry multicast
     */
    SubnetcastEngine openEngine(Path cache) {
        SessionConfig config = SessionConfig.builder().startDelay(startDelay).rateBitsPerSecond(rate).mtu(mtu)
                .adaptiveRate(!fixedRate).linger(linger).dataPort(group.getPort() + 1).build();
        try {
            SubnetcastEngine.Builder builder = SubnetcastEngine.builder();
            if (bindMode != null) {
                builder.receiveBind(bindMode); // otherwise the engine's default for this platform
            }
            return builder.networkInterface(networkInterface).controlGroup(group).cacheDirectory(cache)
                    .session(config).receiveLoss(loss > 0 ? LossGenerator.random(loss, ThreadLocalRandom.current().nextLong())
                            : LossGenerator.NONE)
                    .gapRepair(PeerRepair.overHttp(PeerRepairConfig.defaults()))
                    .build();
        } catch (IOException e) {
            // The sockets could not be bound or the group joined: the interface cannot carry multicast.
            throw new CliException(ExitCodes.BAD_INPUT, Errors.describe(e));
        }
    }
}
