package io.subnetcast.core.fetch;

import io.subnetcast.core.cache.BlockCache;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.BlockHashes;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A child process for {@link DownloadKillTest}: downloads a package into a cache, printing each
 * committed block, then publishes it. Killed and restarted by the test.
 */
public final class DownloadChild {
    private DownloadChild() {
    }

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        Path cacheRoot = Path.of(args[1]);
        byte[] sha = BlockHashes.parseSha256(args[2]);
        Path out = Path.of(args[3]);
        int blockSize = Integer.parseInt(args[4]);
        try (HttpFetcher fetcher = HttpFetcher.builder().build()) {
            PackageDownloader downloader = new PackageDownloader(fetcher);
            ResourceInfo info = downloader.probe(uri).get(30, TimeUnit.SECONDS);
            try (BlockFile store = BlockCache.open(cacheRoot).open("killed", info.length(), blockSize,
                    info.rangeValidator().orElse(""))) {
                System.out.println("opened " + store.presentBlocks() + " dropped " + store.droppedOnOpen());
                System.out.flush();
                PackageDownloader.Download download = downloader.download(uri, store,
                        info.rangeValidator().orElse(null), block -> {
                            System.out.println("committed " + block);
                            System.out.flush();
                        });
                download.completion().get(120, TimeUnit.SECONDS);
                System.out.println("received " + download.bytesReceived());
                store.publish(out, sha);
            }
        }
        System.out.println("done");
        System.out.flush();
    }
}
