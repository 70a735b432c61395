package io.subnetcast.examples;

import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.cache.BlockLayout;
import io.subnetcast.core.cache.TrustedManifest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code subnetcast manifest}: writes the trusted manifest of a package (block size and the SHA-256
 * of every block) and prints the manifest's own SHA-256, which the management system puts into the
 * task next to the manifest's URL.
 */
@Command(name = "manifest", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        header = "Write the trusted block manifest of a package.",
        description = "Computes the SHA-256 of every block of FILE and writes them, with the block size, to OUT, and"
                + " the checksums of its delta units (for agents given an older version with --basis) to OUT.units,"
                + " which OUT names by its SHA-256: serve both side by side. Prints"
                + " the manifest's own SHA-256: give agents --manifest-url (where OUT is served) and --manifest-sha256 so"
                + " that each checks every block against it before caching or serving it.",
        footer = {"", "Exit status: 0 written; 1 failed; 2 bad input."})
final class ManifestCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--file", required = true, paramLabel = "FILE", description = "The package.")
    private Path file;

    @Option(names = "--out", paramLabel = "OUT", description = "Where to write the manifest. Default: FILE.manifest.")
    private Path out;

    @Option(names = "--block-size", paramLabel = "BYTES", defaultValue = "1048576",
            description = "Block size; must equal the agents' block size. Default: ${DEFAULT-VALUE}.")
    private int blockSize;

    @Option(names = "--unit-size", paramLabel = "BYTES",
            description = "Delta unit size: agents given an older version (--basis) find the package's content in it"
                    + " in units of this size and fetch only the units they lack. A power of two of at least 512 that"
                    + " divides the block size; 0 for none (a version-1 manifest, as before delta). Default: 4096, or"
                    + " larger for packages beyond 16 GiB.")
    private Integer unitSize;

    @Mixin
    private VerboseOption verbose;

    ManifestCommand(CliEnvironment environment) {
        // The command needs nothing from the environment; the constructor matches the factory's.
    }

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new CliException(ExitCodes.BAD_INPUT, "--file " + file + " is not a readable file");
        }
        if (blockSize < BlockLayout.MIN_BLOCK_SIZE || blockSize > BlockLayout.MAX_BLOCK_SIZE) {
            throw new CliException(ExitCodes.BAD_INPUT, "--block-size must be between " + BlockLayout.MIN_BLOCK_SIZE
                    + " and " + BlockLayout.MAX_BLOCK_SIZE + " bytes: " + blockSize);
        }
        Path target = out != null ? out : file.resolveSibling(file.getFileName() + ".manifest");
        int units = unitSize != null ? unitSize : TrustedManifest.defaultUnitSize(Files.size(file), blockSize);
        TrustedManifest manifest;
        try {
            manifest = TrustedManifest.of(file, blockSize, units);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.BAD_INPUT, "--unit-size: " + e.getMessage());
        }
        byte[] bytes = manifest.toBytes();
        Path unitsFile = target.resolveSibling(target.getFileName() + ".units");
        if (manifest.namesUnits()) {
            writeAtomically(unitsFile, manifest.unitsBytes()); // first: the manifest names it
        } else {
            Files.deleteIfExists(unitsFile);
        }
        writeAtomically(target, bytes);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println(BlockHashes.toHex(BlockHashes.newSha256().digest(bytes)) + "  " + target);
        stdout.flush();
        return ExitCodes.OK;
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path temporary = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.write(temporary, bytes);
        Files.move(temporary, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
