package io.subnetcast.core.delta;

/**
 * What one {@link BasisScanner#scan} did.
 *
 * @param bytesRead bytes read from the basis (less than its size when every unit was found before
 *     its end)
 * @param unitsFound units found in this scan (not counting those found by earlier scans)
 * @param bytesFound their total length in bytes
 * @param nanos time the scan took, in nanoseconds
 */
public record ScanStats(long bytesRead, int unitsFound, long bytesFound, long nanos) {
}
