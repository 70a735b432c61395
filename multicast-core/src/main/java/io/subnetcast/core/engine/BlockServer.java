package io.subnetcast.core.engine;

import io.subnetcast.core.auth.SessionKey;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.serve.BlockFileResource;
import io.subnetcast.core.serve.FileResource;
import io.subnetcast.core.serve.FileServer;
import io.subnetcast.core.serve.Resource;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's HTTP server for its peers: {@code /t/<task>} serves the verified blocks of a task's
 * cache entry (range requests; a span with a missing block is answered 404), and
 * {@code /t/<task>/manifest} the SHA-256 of every block once the entry is complete, and
 * {@code /t/<task>/units} the package's delta units once the agent has them (checked by the
 * receiver against its trusted manifest, so served untagged), and {@code /t/<task>/units-held}
 * which of them its basis files held ({@link io.subnetcast.core.cache.VouchedUnits}; those spans
 * are served before their blocks are complete). Bound to the
 * engine's interface address only. A task with a key is served only to requests whose
 * {@code Authorization} is the task's {@link io.subnetcast.core.auth.SessionKey#peerAuthorization
 * peer token}; others get 403, so that a host without the key cannot read the package from peers.
 */
final class BlockServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BlockServer.class);
    private static final String PREFIX = "/t/";
    private static final String MANIFEST = "/manifest";
    private static final String UNITS = "/units";
    private static final String UNITS_HELD = "/units-held";
    private static final String[] SUFFIXES = {MANIFEST, UNITS, UNITS_HELD};

    private final Map<String, BlockFile> entries = new ConcurrentHashMap<>();
    /** Expected Authorization per task with a key; tasks without one are absent. */
    private final Map<String, byte[]> tokens = new ConcurrentHashMap<>();
    private final Map<String, SessionKey> keys = new ConcurrentHashMap<>();
    private final Instant started = Instant.now();
    private final FileServer server;
    private final URI base;

    BlockServer(InetSocketAddress bind) throws IOException {
        this.server = FileServer.builder().bindAddress(bind).resolver(this::resolve).authorizer(this::permits).build();
        InetSocketAddress bound = server.start();
        this.base = URI.create("http://" + bound.getAddress().getHostAddress() + ":" + bound.getPort());
    }

    URI urlOf(String taskId) {
        return base.resolve(PREFIX + taskId);
    }

    /**
     * @param store a task's cache entry, to serve
     * @param key the task's key: peers must show its token, and the manifest carries its tag; null to
     *     serve anyone, untagged
     */
    void register(BlockFile store, SessionKey key) {
        if (key != null) {
            tokens.put(store.taskId(), key.peerAuthorization(store.taskId()).getBytes(StandardCharsets.US_ASCII));
            keys.put(store.taskId(), key);
        } else {
            tokens.remove(store.taskId());
            keys.remove(store.taskId());
        }
        entries.put(store.taskId(), store);
    }

    void unregister(BlockFile store) {
        if (entries.remove(store.taskId(), store)) {
            tokens.remove(store.taskId());
            keys.remove(store.taskId());
        }
    }

    private boolean permits(String path, String authorization) {
        byte[] expected = path.startsWith(PREFIX) ? tokens.get(taskIdOf(path.substring(PREFIX.length()))) : null;
        if (expected == null) {
            return true; // no key: served as before; an unknown task is answered 404 by resolve
        }
        // Constant time, so that response timing does not reveal how much of a guess was right.
        return authorization != null
                && MessageDigest.isEqual(expected, authorization.getBytes(StandardCharsets.US_ASCII));
    }

    private static String taskIdOf(String rest) {
        for (String suffix : SUFFIXES) {
            if (rest.endsWith(suffix)) {
                return rest.substring(0, rest.length() - suffix.length());
            }
        }
        return rest;
    }

    private Optional<Resource> resolve(String path) {
        if (!path.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String rest = path.substring(PREFIX.length());
        boolean manifest = rest.endsWith(MANIFEST);
        String taskId = taskIdOf(rest);
        BlockFile store = entries.get(taskId); // an exact key: a hostile path simply finds nothing
        if (store == null) {
            return Optional.empty();
        }
        if (rest.endsWith(UNITS) || rest.endsWith(UNITS_HELD)) {
            try {
                Path units = rest.endsWith(UNITS) ? store.unitsFile() : store.vouchedFile();
                return units == null ? Optional.empty() : Optional.of(FileResource.of(units));
            } catch (IOException | RuntimeException e) {
                LOG.debug("delta units of task {} unavailable: {}", taskId, e.toString());
                return Optional.empty();
            }
        }
        if (!manifest) {
            return Optional.of(new BlockFileResource(store, started));
        }
        try {
            Path file = store.manifest();
            SessionKey key = keys.get(taskId);
            if (file != null && key != null) {
                file = tagged(file, taskId, key);
            }
            return file == null ? Optional.empty() : Optional.of(FileResource.of(file));
        } catch (IOException | RuntimeException e) {
            LOG.debug("manifest of task {} unavailable: {}", taskId, e.toString());
            return Optional.empty();
        }
    }

    /**
     * The manifest followed by its tag under the task's key, written beside it; written again when
     * the manifest is newer (the entry was discarded and downloaded anew).
     */
    private static Path tagged(Path manifest, String taskId, SessionKey key) throws IOException {
        Path file = manifest.resolveSibling(manifest.getFileName() + "." + Integer.toHexString(key.keyId()) + ".tagged");
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS) || Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS)
                .compareTo(Files.getLastModifiedTime(manifest, LinkOption.NOFOLLOW_LINKS)) < 0) {
            byte[] hashes = Files.readAllBytes(manifest);
            byte[] tag = key.manifestTag(taskId, hashes);
            byte[] both = Arrays.copyOf(hashes, hashes.length + tag.length);
            System.arraycopy(tag, 0, both, hashes.length, tag.length);
            Path temporary = Files.createTempFile(file.getParent(), "manifest", ".tmp"); // requests may race
            Files.write(temporary, both);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }

    @Override
    public void close() {
        server.close();
    }
}
