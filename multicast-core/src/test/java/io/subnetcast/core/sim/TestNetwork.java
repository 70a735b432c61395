package io.subnetcast.core.sim;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.SplittableRandom;

/** Helpers for real-socket tests on the loopback interface: packages and private multicast groups. */
public final class TestNetwork {
    private TestNetwork() {
    }

    /**
     * Writes a package of random bytes.
     *
     * @param file where
     * @param length bytes
     * @param seed content seed
     * @return its SHA-256
     * @throws Exception on I/O failure
     */
    public static byte[] writePackage(Path file, long length, long seed) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[1 << 20];
        SplittableRandom random = new SplittableRandom(seed);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < length; written += chunk.length) {
                random.nextBytes(chunk);
                int n = (int) Math.min(chunk.length, length - written);
                out.write(chunk, 0, n);
                digest.update(chunk, 0, n);
            }
        }
        return digest.digest();
    }

    /**
     * @return a random control group in 239.255.100-199.x and a random port, so that tests running
     *     at the same time on one machine do not hear each other (data port = this port + 1)
     */
    public static InetSocketAddress controlGroup() {
        SplittableRandom random = new SplittableRandom();
        return new InetSocketAddress("239.255." + (100 + random.nextInt(100)) + "." + (1 + random.nextInt(250)),
                20_000 + random.nextInt(20_000));
    }
}
