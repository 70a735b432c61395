package io.subnetcast.core.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.subnetcast.core.auth.SessionKey;
import io.subnetcast.core.clock.NanoClock;
import io.subnetcast.core.serve.FileServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In a keyed session a manifest fetched over HTTP counts only with its tag under the task's key:
 * peer-repair HTTP is not sealed, so a host in the path could otherwise swap the hashes that
 * repaired blocks are checked against.
 */
class HttpPeerTransferManifestTest {
    private static final int BLOCKS = 4;
    private static final SessionKey KEY = SessionKey.of(new byte[16]);

    @TempDir
    Path dir;

    @Test
    void aKeyedManifestCountsOnlyWithItsTag() throws Exception {
        byte[] hashes = new byte[BLOCKS * 32];
        new SplittableRandom(5).nextBytes(hashes);
        byte[] tag = KEY.manifestTag("pkg", hashes);
        Path www = Files.createDirectories(dir.resolve("www"));
        Files.createDirectories(www.resolve("good"));
        Files.write(www.resolve("good/manifest"), concat(hashes, tag));
        byte[] swapped = hashes.clone();
        swapped[0] ^= 1;
        Files.createDirectories(www.resolve("swapped"));
        Files.write(www.resolve("swapped/manifest"), concat(swapped, tag));
        Files.createDirectories(www.resolve("untagged"));
        Files.write(www.resolve("untagged/manifest"), hashes);
        Files.createDirectories(www.resolve("otherkey"));
        Files.write(www.resolve("otherkey/manifest"), concat(hashes, SessionKey.of(new byte[32]).manifestTag("pkg", hashes)));
        try (FileServer server = FileServer.builder().bindAddress(new InetSocketAddress("127.0.0.1", 0)).rootDirectory(www).build();
             HttpFetcher fetcher = HttpFetcher.builder().maxAttempts(1).build()) {
            String base = "http://127.0.0.1:" + server.start().getPort() + "/";
            HttpPeerTransfer keyed = transfer(fetcher, KEY, "pkg");
            assertArrayEquals(hashes, manifest(keyed, base + "good"));
            assertNull(manifest(keyed, base + "swapped"), "hashes changed in transit");
            assertNull(manifest(keyed, base + "untagged"), "no tag");
            assertNull(manifest(keyed, base + "otherkey"), "another key's tag");
            assertNull(manifest(transfer(fetcher, KEY, "other-task"), base + "good"), "another task");
            // Without a key the manifest is the hashes alone, as before.
            assertArrayEquals(hashes, manifest(transfer(fetcher, null, null), base + "untagged"));
        }
    }

    /** Completions run on the fetcher's thread: this test has no agent thread to hand them to. */
    private static HttpPeerTransfer transfer(HttpFetcher fetcher, SessionKey key, String taskId) {
        return new HttpPeerTransfer(fetcher, key, taskId, null, Runnable::run, NanoClock.system());
    }

    private static byte[] manifest(HttpPeerTransfer transfer, String source) throws Exception {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        transfer.fetchManifest(URI.create(source), BLOCKS, (hashes, nowNs) -> result.complete(hashes));
        return result.get(10, TimeUnit.SECONDS);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
