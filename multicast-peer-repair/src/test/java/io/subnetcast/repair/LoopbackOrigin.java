package io.subnetcast.repair;

import io.subnetcast.core.serve.FileServer;
import io.subnetcast.core.sim.TestNetwork;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/** A generated package on the project's file server at 127.0.0.1, counting the body bytes it serves. */
final class LoopbackOrigin implements AutoCloseable {
    private final FileServer server;
    private final AtomicLong served;
    private final byte[] sha256;
    private final URI uri;

    private LoopbackOrigin(FileServer server, AtomicLong served, byte[] sha256, URI uri) {
        this.server = server;
        this.served = served;
        this.sha256 = sha256;
        this.uri = uri;
    }

    /**
     * @param dir where the package is written (in {@code www/pkg.bin})
     * @param length its length
     * @param seed seed of its content
     * @return the running origin
     * @throws Exception if the package cannot be written or the server not started
     */
    static LoopbackOrigin start(Path dir, long length, long seed) throws Exception {
        Path www = Files.createDirectories(dir.resolve("www"));
        byte[] sha = TestNetwork.writePackage(www.resolve("pkg.bin"), length, seed);
        AtomicLong served = new AtomicLong();
        FileServer server = FileServer.builder().bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .rootDirectory(www).requestListener(r -> served.addAndGet(r.bodyBytes())).build();
        try {
            URI uri = URI.create("http://127.0.0.1:" + server.start().getPort() + "/pkg.bin");
            return new LoopbackOrigin(server, served, sha, uri);
        } catch (Exception e) {
            server.close();
            throw e;
        }
    }

    /** @return the package's SHA-256 */
    byte[] sha256() {
        return sha256.clone();
    }

    /** @return the package's URL */
    URI uri() {
        return uri;
    }

    /** @return body bytes served so far */
    long bytesServed() {
        return served.get();
    }

    @Override
    public void close() {
        server.close();
    }
}
