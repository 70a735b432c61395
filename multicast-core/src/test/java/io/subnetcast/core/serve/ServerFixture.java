package io.subnetcast.core.serve;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Starts a {@link FileServer} on loopback for a test and records what its listener reports. */
final class ServerFixture implements AutoCloseable {
    /** A fixed past modification time, so ETag and Last-Modified are known and strong. */
    static final Instant MTIME = Instant.parse("2024-01-02T03:04:05.678Z");

    final Path root;
    final List<ServedRequest> served = new CopyOnWriteArrayList<>();
    final FileServer server;
    final InetSocketAddress address;
    private final String scheme;

    ServerFixture(Path root, Consumer<FileServer.Builder> customizer) throws IOException {
        this(root, "http", customizer);
    }

    ServerFixture(Path root, String scheme, Consumer<FileServer.Builder> customizer) throws IOException {
        this.root = root;
        this.scheme = scheme;
        FileServer.Builder builder = FileServer.builder()
                .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .rootDirectory(root)
                .requestListener(served::add);
        customizer.accept(builder);
        server = builder.build();
        address = server.start();
    }

    static ServerFixture plain(Path root) throws IOException {
        return new ServerFixture(root, b -> { });
    }

    URI uri(String rawPath) {
        return URI.create(scheme + "://127.0.0.1:" + address.getPort() + rawPath);
    }

    /** Writes {@code size} seeded random bytes to {@code root/name} with mtime {@link #MTIME}. */
    byte[] createFile(String name, int size) throws IOException {
        byte[] content = new byte[size];
        new Random(size * 31L + name.hashCode()).nextBytes(content);
        Path file = root.resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        Files.setLastModifiedTime(file, FileTime.from(MTIME));
        return content;
    }

    @Override
    public void close() {
        server.close();
    }
}
