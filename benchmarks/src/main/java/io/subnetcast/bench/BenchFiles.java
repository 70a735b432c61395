package io.subnetcast.bench;

import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.BlockLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/** Temporary directories and filled cache entries for the benchmarks; nothing outside the temp dir. */
final class BenchFiles {
    private BenchFiles() {
    }

    /**
     * @param prefix name prefix
     * @return a new directory under the system temp directory
     */
    static Path tempDirectory(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Deletes a directory tree, quietly: a benchmark's teardown must not fail on a leftover.
     *
     * @param root the tree, may be null
     */
    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + root + ": " + e.getMessage());
        }
    }

    /**
     * Writes seeded random bytes into every block of an entry and commits each one.
     *
     * @param file the entry
     * @param seed content seed
     * @throws IOException on failure
     */
    static void fillAndCommit(BlockFile file, long seed) throws IOException {
        BlockLayout layout = file.layout();
        byte[] bytes = new byte[layout.blockSize()];
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer buffer = ByteBuffer.allocateDirect(layout.blockSize());
        for (int block = 0; block < layout.blockCount(); block++) {
            random.nextBytes(bytes);
            buffer.clear();
            buffer.put(bytes, 0, layout.lengthOf(block)).flip();
            file.write(layout.offsetOf(block), buffer);
            if (!file.commitBlock(block)) {
                throw new IllegalStateException("block " + block + " did not commit");
            }
        }
    }
}
