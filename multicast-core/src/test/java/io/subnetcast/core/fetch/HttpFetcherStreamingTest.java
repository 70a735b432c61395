package io.subnetcast.core.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A body far larger than any sane heap growth streams through with flat heap use. */
class HttpFetcherStreamingTest extends FetcherTestSupport {
    private static final long BODY = 256L << 20;
    private static final long MAX_GROWTH = 64L << 20;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void twoHundredFiftySixMebibytesStreamWithoutHeapGrowth() throws Exception {
        server.resource("/huge", BODY);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long baseline = memory.getHeapMemoryUsage().getUsed();
        CheckingSink sink = new CheckingSink(memory);

        FetchResult result = done(fetcher.fetch(FetchRequest.whole(server.uri("/huge")), sink));

        assertEquals(BODY, result.bytesDelivered());
        assertEquals(BODY, sink.next);
        assertTrue(sink.heapAtMiddle > 0);
        long growth = sink.heapAtMiddle - baseline;
        assertTrue(growth < MAX_GROWTH, "heap grew by " + (growth >> 20) + " MiB while streaming "
                + (BODY >> 20) + " MiB");
    }

    /** Checks every byte against the generator and samples the heap, after a GC, half way through. */
    private static final class CheckingSink implements BodySink {
        private final MemoryMXBean memory;
        private final byte[] scratch = new byte[64 * 1024];
        private long next;
        private long heapAtMiddle = -1;

        CheckingSink(MemoryMXBean memory) {
            this.memory = memory;
        }

        @Override
        public void onData(long absoluteOffset, ByteBuf data) throws IOException {
            if (absoluteOffset != next) {
                throw new IOException("expected offset " + next + ", got " + absoluteOffset);
            }
            int index = data.readerIndex();
            int remaining = data.readableBytes();
            while (remaining > 0) {
                // One bulk copy per piece: per-byte access to a leak-tracked buffer would be slow.
                int n = Math.min(remaining, scratch.length);
                data.getBytes(index, scratch, 0, n);
                for (int i = 0; i < n; i++) {
                    if (scratch[i] != TestHttpServer.byteAt(next + i, 0)) {
                        throw new IOException("wrong byte at " + (next + i));
                    }
                }
                next += n;
                index += n;
                remaining -= n;
            }
            if (heapAtMiddle < 0 && next >= BODY / 2) {
                System.gc();
                heapAtMiddle = memory.getHeapMemoryUsage().getUsed();
            }
        }
    }
}
