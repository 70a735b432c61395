package io.subnetcast.core.session;

import java.util.BitSet;

/**
 * What scanning an agent's basis files (older versions of the package) found: the port's answer to
 * {@link SessionPort#scanBasis}. Every unit counted here was matched by its weak and strong checksum
 * from the trusted manifest and written into the cache entry at its place; the blocks it completes
 * were verified and committed by their SHA-256 before the answer.
 *
 * @param unitSize the manifest's delta unit size in bytes
 * @param units the delta units of the package found in a basis (the agent owns it after the call)
 * @param bytesFound package bytes those units hold
 * @param bytesScanned basis bytes read
 * @param nanos time the scan took
 * @param failure why the scan stopped early, or null; what was found before it still counts
 */
public record BasisScan(int unitSize, BitSet units, long bytesFound, long bytesScanned, long nanos, String failure) {
    /**
     * A scan that found nothing.
     *
     * @param failure why, or null
     * @return the result
     */
    public static BasisScan nothing(String failure) {
        return new BasisScan(1, new BitSet(), 0, 0, 0, failure);
    }

    /** @return the scan's throughput in MB/s (10^6 bytes), 0 when it read nothing */
    public double megabytesPerSecond() {
        return nanos <= 0 ? 0 : bytesScanned * 1e3 / nanos;
    }
}
