package io.subnetcast.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.serve.FileServer;
import io.subnetcast.core.session.AgentState;
import io.subnetcast.core.session.Role;
import io.subnetcast.core.session.SessionConfig;
import io.subnetcast.core.sim.TestNetwork;
import io.subnetcast.core.transport.ReceiveBind;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receive path Windows gets, forced on Linux: sockets bound to the wildcard address. Two
 * deployments on the loopback interface share the control port but not their control groups, and
 * share their one data group on purpose: each engine then receives the other session's data, as a
 * wildcard socket may where the kernel does not filter by group, and the session id in every data
 * datagram is all that keeps them apart. Each deployment completes with verified copies and one
 * representative of its own, its package is fetched once, and the other session's datagrams are
 * counted as foreign and dropped.
 */
class WildcardBindLoopbackTest {
    private static final long LENGTH = 4L << 20;

    @TempDir
    Path dir;

    @Test
    void twoDeploymentsOnOnePortKeepApart() throws Exception {
        Path www = Files.createDirectories(dir.resolve("www"));
        byte[] shaA = TestNetwork.writePackage(www.resolve("a.bin"), LENGTH, 21);
        byte[] shaB = TestNetwork.writePackage(www.resolve("b.bin"), LENGTH + 4096, 22);
        InetSocketAddress controlA = TestNetwork.controlGroup();
        byte[] a = controlA.getAddress().getAddress();
        // The same port, the next address: another deployment the wildcard sockets also hear.
        InetSocketAddress controlB = new InetSocketAddress(InetAddress.getByAddress(
                new byte[] {a[0], a[1], a[2], (byte) (a[3] == (byte) 250 ? 1 : a[3] + 1)}), controlA.getPort());
        SessionConfig.Builder common = SessionConfig.builder().startDelay(Duration.ofSeconds(1))
                .rateBitsPerSecond(100_000_000L).linger(Duration.ofSeconds(1)).dataPort(controlA.getPort() + 1);
        // One data group for both sessions, a random one of 239.255.201.0/24 so that concurrent runs differ.
        Inet4Address dataGroup = (Inet4Address) InetAddress.getByAddress(
                new byte[] {(byte) 239, (byte) 255, (byte) 201, (byte) (1 + (controlA.getPort() % 250))});
        SessionConfig session = common.dataGroups(dataGroup, 1).build();
        AtomicLong originBytes = new AtomicLong();
        List<SubnetcastEngine> engines = new ArrayList<>();
        try (FileServer origin = FileServer.builder().bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .rootDirectory(www).requestListener(r -> originBytes.addAndGet(r.bodyBytes())).build()) {
            int port = origin.start().getPort();
            List<DistributionHandle> handles = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                boolean inA = i < 2;
                SubnetcastEngine engine = SubnetcastEngine.builder().networkInterface("lo")
                        .controlGroup(inA ? controlA : controlB).receiveBind(ReceiveBind.WILDCARD)
                        .cacheDirectory(dir.resolve("cache" + i)).session(session).build();
                assertEquals(ReceiveBind.WILDCARD, engine.receiveBind());
                engines.add(engine);
            }
            for (int i = 0; i < 4; i++) {
                boolean inA = i < 2;
                URI uri = URI.create("http://127.0.0.1:" + port + (inA ? "/a.bin" : "/b.bin"));
                // Two task ids: control messages name their task only, so two deployments that share
                // a control port and a task id are kept apart by the group alone (see ReceiveBind).
                handles.add(engines.get(i).distribute(DistributionTask.of(inA ? "pkg-a" : "pkg-b", uri, dir.resolve("out" + i + ".bin"))
                        .withSha256(inA ? shaA : shaB)));
            }
            for (DistributionHandle handle : handles) {
                handle.completion().get(60, TimeUnit.SECONDS);
            }
            for (int i = 0; i < 4; i++) {
                byte[] expected = i < 2 ? shaA : shaB;
                assertArrayEquals(expected, BlockHashes.newSha256().digest(
                        Files.readAllBytes(dir.resolve("out" + i + ".bin"))), "copy " + i);
                assertEquals(AgentState.COMPLETE, handles.get(i).progress().state());
            }
            for (int first = 0; first < 4; first += 2) {
                long representatives = handles.subList(first, first + 2).stream()
                        .filter(h -> h.progress().role() == Role.REPRESENTATIVE).count();
                assertEquals(1, representatives, "one representative per deployment, not one for both");
            }
            // Each package once, with room for a retried range: a deployment that elected with the
            // other would have fetched one package for both and failed the hash of the other.
            assertTrue(originBytes.get() <= 2 * LENGTH + 4096 + (1 << 20), "origin served " + originBytes.get());
            long foreign = engines.stream().mapToLong(SubnetcastEngine::foreignDatagrams).sum();
            // Each engine heard the other session's data (about 3,000 datagrams) and dropped it.
            assertTrue(foreign > 1000, "foreign datagrams seen and dropped: " + foreign);
            for (DistributionHandle handle : handles) {
                handle.finished().get(30, TimeUnit.SECONDS);
            }
        } finally {
            for (SubnetcastEngine engine : engines) {
                engine.close();
            }
        }
    }
}
