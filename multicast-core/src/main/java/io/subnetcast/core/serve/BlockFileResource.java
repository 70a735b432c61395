package io.subnetcast.core.serve;

import io.subnetcast.core.cache.BlockFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * A cache entry served to peers: only spans whose blocks are present and verified, or delta units
 * a basis scan vouched for ({@link BlockFile#vouch}), are served
 * (anything else is answered 404, so the peer asks elsewhere). The entity tag names the content
 * version, so an {@code If-Range} from a peer that cached another version fails safely.
 */
public final class BlockFileResource implements Resource {
    private final BlockFile store;
    private final Instant since;

    /**
     * @param store the cache entry
     * @param since reported as {@code Last-Modified}
     */
    public BlockFileResource(BlockFile store, Instant since) {
        this.store = store;
        this.since = since;
    }

    @Override
    public long length() {
        return store.layout().length();
    }

    @Override
    public Instant lastModified() {
        return since;
    }

    @Override
    public String etag() {
        CRC32C crc = new CRC32C();
        crc.update(store.identity().getBytes(StandardCharsets.UTF_8));
        return "\"sc-" + Long.toHexString(store.layout().length()) + "-"
                + HexFormat.of().toHexDigits((int) crc.getValue()) + "\"";
    }

    @Override
    public FileChannel open() throws IOException {
        return FileChannel.open(store.contentPath(), StandardOpenOption.READ);
    }

    @Override
    public boolean holds(long start, long endExclusive) {
        return store.holdsSpan(start, endExclusive);
    }
}
