package io.subnetcast.core.engine;

import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.serve.BlockFileResource;
import io.subnetcast.core.serve.FileResource;
import io.subnetcast.core.serve.FileServer;
import io.subnetcast.core.serve.Resource;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's HTTP server for its peers: {@code /t/<task>} serves the verified blocks of a task's
 * cache entry (range requests; a span with a missing block is answered 404), and
 * {@code /t/<task>/manifest} the SHA-256 of every block once the entry is complete. Bound to the
 * engine's interface address only.
 */
final class BlockServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BlockServer.class);
    private static final String PREFIX = "/t/";
    private static final String MANIFEST = "/manifest";

    private final Map<String, BlockFile> entries = new ConcurrentHashMap<>();
    private final Instant started = Instant.now();
    private final FileServer server;
    private final URI base;

    BlockServer(InetSocketAddress bind) throws IOException {
        this.server = FileServer.builder().bindAddress(bind).resolver(this::resolve).build();
        InetSocketAddress bound = server.start();
        this.base = URI.create("http://" + bound.getAddress().getHostAddress() + ":" + bound.getPort());
    }

    URI urlOf(String taskId) {
        return base.resolve(PREFIX + taskId);
    }

    void register(BlockFile store) {
        entries.put(store.taskId(), store);
    }

    void unregister(BlockFile store) {
        entries.remove(store.taskId(), store);
    }

    private Optional<Resource> resolve(String path) {
        if (!path.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String rest = path.substring(PREFIX.length());
        boolean manifest = rest.endsWith(MANIFEST);
        String taskId = manifest ? rest.substring(0, rest.length() - MANIFEST.length()) : rest;
        BlockFile store = entries.get(taskId); // an exact key: a hostile path simply finds nothing
        if (store == null) {
            return Optional.empty();
        }
        if (!manifest) {
            return Optional.of(new BlockFileResource(store, started));
        }
        try {
            Path file = store.manifest();
            return file == null ? Optional.empty() : Optional.of(FileResource.of(file));
        } catch (IOException | RuntimeException e) {
            LOG.debug("manifest of task {} unavailable: {}", taskId, e.toString());
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
