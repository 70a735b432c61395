package io.subnetcast.core.cache;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A child process for {@link CacheKillTest}: fills a cache entry block by block, printing each
 * committed index, until done or killed. It resumes whatever an earlier (killed) run left.
 */
public final class CacheWriterChild {
    private CacheWriterChild() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        long length = Long.parseLong(args[1]);
        int blockSize = Integer.parseInt(args[2]);
        BlockCache cache = BlockCache.open(root);
        try (BlockFile file = cache.open("killed", length, blockSize, "v")) {
            System.out.println("opened " + file.presentBlocks() + " dropped " + file.droppedOnOpen());
            System.out.flush();
            for (int index = file.nextMissingBlock(0); index >= 0; index = file.nextMissingBlock(index + 1)) {
                long offset = file.layout().offsetOf(index);
                ByteBuffer bytes = ByteBuffer.wrap(BlockFileTest.pattern(offset, file.layout().lengthOf(index)));
                // Written in two halves so that a kill can land between them.
                ByteBuffer first = bytes.duplicate().limit(bytes.capacity() / 2);
                file.write(offset, first);
                bytes.position(bytes.capacity() / 2);
                file.write(offset + bytes.position(), bytes);
                if (!file.commitBlock(index)) {
                    throw new IllegalStateException("block " + index + " failed");
                }
                System.out.println("committed " + index);
                System.out.flush();
            }
        }
        System.out.println("complete");
        System.out.flush();
    }
}
