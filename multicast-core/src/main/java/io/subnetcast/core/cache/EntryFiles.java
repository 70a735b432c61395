package io.subnetcast.core.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The files of one cache entry, all in the entry's own directory: the package's content, the
 * journal of its blocks, the lock, and the manifest of block hashes that peers fetch; and the
 * temporary names under which the journal and the manifest are written before an atomic rename
 * puts them in place. Named here together so that removing an entry misses none of them.
 */
final class EntryFiles {
    static final String CONTENT = "content";
    static final String JOURNAL = "journal";
    static final String LOCK = "lock";
    static final String MANIFEST = "manifest";
    private static final String JOURNAL_REWRITE = JOURNAL + ".compact";
    private static final String MANIFEST_WRITE = MANIFEST + ".tmp";
    static final String UNITS = "units";
    private static final String UNITS_WRITE = UNITS + ".tmp";
    static final String UNITS_HELD = "units-held";
    private static final String UNITS_HELD_WRITE = UNITS_HELD + ".tmp";
    private static final String[] ALL = {CONTENT, JOURNAL, JOURNAL_REWRITE, LOCK, MANIFEST, MANIFEST_WRITE, UNITS,
        UNITS_WRITE, UNITS_HELD, UNITS_HELD_WRITE};

    private final Path directory;

    /** @param directory the entry's directory, already checked to lie inside the cache */
    EntryFiles(Path directory) {
        this.directory = directory;
    }

    Path directory() {
        return directory;
    }

    Path content() {
        return directory.resolve(CONTENT);
    }

    Path journal() {
        return directory.resolve(JOURNAL);
    }

    /** @return where a compacted journal is written before it replaces {@link #journal()} */
    Path journalRewrite() {
        return directory.resolve(JOURNAL_REWRITE);
    }

    Path lock() {
        return directory.resolve(LOCK);
    }

    /**
     * Writes the manifest unless it exists: the hashes of a complete entry never change, and a
     * discarded entry deletes its manifest with {@link #deleteManifest()}.
     *
     * @param hashes every block's SHA-256, concatenated in block order
     * @return the manifest file
     */
    Path writeManifestOnce(byte[] hashes) throws IOException {
        Path file = directory.resolve(MANIFEST);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            Path temporary = directory.resolve(MANIFEST_WRITE);
            Files.write(temporary, hashes);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }

    /**
     * Keeps the package's delta units (a trusted manifest's verified companion file), for peers.
     *
     * @param bytes the units file
     * @return where it is
     */
    Path writeUnits(byte[] bytes) throws IOException {
        return replace(UNITS, UNITS_WRITE, bytes);
    }

    /**
     * Writes the delta units a basis scan vouched for ({@link VouchedUnits#encode()}), for peers.
     *
     * @param bytes their wire form
     * @return where it is
     */
    Path writeUnitsHeld(byte[] bytes) throws IOException {
        return replace(UNITS_HELD, UNITS_HELD_WRITE, bytes);
    }

    /** @return the file of vouched units, written by {@link #writeUnitsHeld}; it may be absent */
    Path unitsHeld() {
        return directory.resolve(UNITS_HELD);
    }

    private Path replace(String name, String temporaryName, byte[] bytes) throws IOException {
        Path file = directory.resolve(name);
        Path temporary = directory.resolve(temporaryName);
        Files.write(temporary, bytes);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    /** @return the kept units file, or null */
    Path units() {
        Path file = directory.resolve(UNITS);
        return Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? file : null;
    }

    /** Deletes what describes the content for peers: the manifest and the vouched units. */
    void deleteManifest() throws IOException {
        Files.deleteIfExists(directory.resolve(MANIFEST));
        Files.deleteIfExists(directory.resolve(UNITS_HELD));
    }

    /** Deletes every file an entry may have, then its directory, which must then be empty. */
    static void deleteAll(Path directory) throws IOException {
        for (String name : ALL) {
            Files.deleteIfExists(directory.resolve(name));
        }
        Files.deleteIfExists(directory);
    }
}
