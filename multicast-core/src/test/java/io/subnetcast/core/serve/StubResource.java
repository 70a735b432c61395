package io.subnetcast.core.serve;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.time.Instant;

/**
 * A resource that only has validators, for tests of the decisions that read nothing else.
 *
 * @param length its length
 * @param lastModified its modification time
 * @param etag its entity tag
 */
record StubResource(long length, Instant lastModified, String etag) implements Resource {
    @Override
    public FileChannel open() throws IOException {
        throw new IOException("not needed");
    }
}
