package io.subnetcast.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufUtil;
import io.subnetcast.core.auth.SessionKey;
import io.subnetcast.core.cache.BlockCache;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.fetch.FetchException;
import io.subnetcast.core.fetch.FetchRequest;
import io.subnetcast.core.fetch.HttpFetcher;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The block server serves a keyed task only to peers that show the task's token. */
class AuthBlockServerTest {
    private static final int BLOCK = 16 * 1024;
    private static final SessionKey KEY = SessionKey.of(new byte[32]);

    @TempDir
    Path dir;

    @Test
    void aBlockRequestWithoutTheTaskTokenIsRefused() throws Exception {
        byte[] content = new byte[BLOCK];
        new SplittableRandom(3).nextBytes(content);
        BlockCache cache = BlockCache.open(dir.resolve("cache"));
        try (BlockFile keyed = cache.open("keyed", BLOCK, BLOCK, "test:1");
             BlockFile open = cache.open("open", BLOCK, BLOCK, "test:1");
             HttpFetcher fetcher = HttpFetcher.builder().maxAttempts(1).build()) {
            for (BlockFile store : new BlockFile[] {keyed, open}) {
                store.write(0, ByteBuffer.wrap(content));
                assertTrue(store.commitBlock(0));
            }
            BlockServer server = new BlockServer(new InetSocketAddress("127.0.0.1", 0));
            try {
                server.register(keyed, KEY);
                server.register(open, null);
                URI keyedUrl = server.urlOf("keyed");
                String token = KEY.peerAuthorization("keyed");

                assertArrayEquals(content, get(fetcher, FetchRequest.span(keyedUrl, 0, BLOCK).withAuthorization(token)));
                assertEquals(403, status(fetcher, FetchRequest.span(keyedUrl, 0, BLOCK)), "no token");
                assertEquals(403, status(fetcher, FetchRequest.span(keyedUrl, 0, BLOCK)
                        .withAuthorization(KEY.peerAuthorization("open"))), "another task's token");
                assertEquals(403, status(fetcher, FetchRequest.span(keyedUrl, 0, BLOCK)
                        .withAuthorization(SessionKey.of(new byte[16]).peerAuthorization("keyed"))), "another key's token");
                assertEquals(403, status(fetcher, FetchRequest.whole(URI.create(keyedUrl + "/manifest"))), "manifest too");
                // A task without a key is served to anyone, as before.
                assertArrayEquals(content, get(fetcher, FetchRequest.span(server.urlOf("open"), 0, BLOCK)));
                // The keyed manifest ends with its tag under the key; the open one has none.
                byte[] hashes = BlockHashes.newSha256().digest(content);
                byte[] tagged = get(fetcher, FetchRequest.whole(URI.create(keyedUrl + "/manifest")).withAuthorization(token));
                assertArrayEquals(hashes, Arrays.copyOf(tagged, 32));
                assertArrayEquals(KEY.manifestTag("keyed", hashes), Arrays.copyOfRange(tagged, 32, tagged.length));
                assertArrayEquals(hashes, get(fetcher, FetchRequest.whole(URI.create(server.urlOf("open") + "/manifest"))));
            } finally {
                server.close();
            }
        }
    }

    private static byte[] get(HttpFetcher fetcher, FetchRequest request) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fetcher.fetch(request, (at, data) -> out.write(ByteBufUtil.getBytes(data))).get(10, TimeUnit.SECONDS);
        return out.toByteArray();
    }

    private static int status(HttpFetcher fetcher, FetchRequest request) throws Exception {
        try {
            fetcher.fetch(request, (at, data) -> { }).get(10, TimeUnit.SECONDS);
            return 200;
        } catch (ExecutionException e) {
            return e.getCause() instanceof FetchException fetch ? fetch.status().orElse(-1) : -2;
        }
    }
}
