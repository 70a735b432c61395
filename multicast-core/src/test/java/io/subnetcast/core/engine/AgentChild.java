package io.subnetcast.core.engine;

import io.subnetcast.core.session.SessionConfig;
import io.subnetcast.core.session.SessionProgress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A member engine in its own JVM for {@link AgentKillTest}: prints what its cache held when it
 * started and its progress, until its copy is placed or it is killed.
 */
public final class AgentChild {
    private AgentChild() {
    }

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        Path cache = Path.of(args[1]);
        Path out = Path.of(args[2]);
        InetSocketAddress control = new InetSocketAddress(args[3], Integer.parseInt(args[4]));
        SessionConfig session = SessionConfig.builder().startDelay(Duration.ofSeconds(1)).blockSize(64 * 1024)
                .rateBitsPerSecond(Long.parseLong(args[5])).linger(Duration.ofSeconds(5))
                .dataPort(control.getPort() + 1).build();
        try (SubnetcastEngine engine = SubnetcastEngine.builder().networkInterface("lo").controlGroup(control)
                .session(session).cacheDirectory(cache).build()) {
            DistributionHandle handle = engine.distribute(DistributionTask.of("killed", uri, out));
            boolean[] opened = {false};
            handle.onProgress(event -> {
                SessionProgress p = event.progress();
                if (!opened[0] && p.packageLength() > 0) {
                    opened[0] = true;
                    System.out.println("opened " + p.bytesHeld());
                }
                System.out.println("held " + p.bytesHeld());
                System.out.flush();
            });
            handle.completion().get(120, TimeUnit.SECONDS);
            SessionProgress done = handle.progress();
            System.out.println("done " + done.bytesFromMulticast() + " " + done.bytesFromRepair() + " " + done.bytesFromOrigin());
            System.out.flush();
        }
    }
}
