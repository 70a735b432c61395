/**
 * Delta transfer: an agent that holds an older version of a package (a basis file) finds in it
 * the content of the new version, even where that content moved, so that only the rest has to
 * come over the network.
 *
 * <p>The new version's trusted manifest carries a {@link io.subnetcast.core.delta.UnitIndex}: the
 * package cut into fixed-size delta units (4096 bytes by default, the last may be shorter), each
 * with a weak {@link io.subnetcast.core.delta.RollingChecksum} and a strong hash (the first 16
 * bytes of its SHA-256). A {@link io.subnetcast.core.delta.BasisScanner} rolls the weak checksum
 * over the basis byte by byte and confirms each weak hit with the strong hash, the scheme of
 * rsync and zsync (Tridgell and Mackerras, "The rsync algorithm", 1996; Phipps, zsync, 2004).
 *
 * <p>Why fixed-size units rather than content-defined chunks (CDC, as in casync or restic): units
 * align with the package's fixed 1 MiB verification blocks and with the multicast chunk offsets,
 * so a unit found maps to one byte range of one block and the receive bookkeeping (which bytes of
 * which block are held, which to ask for) stays what it is. CDC chunks have data-dependent
 * boundaries that straddle blocks, and the manifest would have to carry their offsets too. The
 * price is the rolling search on the agent, which this package makes cheap (see the scanner).
 *
 * <p>Why the strong hash may be truncated: a unit found in a basis is written into its block, and
 * each 1 MiB block is verified by its full SHA-256 before it counts, so a forged or unlucky unit
 * match can cost a refetch but never a wrong package. 16 bytes still make an accidental strong
 * match negligible.
 *
 * <p>Manifest cost: (4 + 16) bytes per 4096-byte unit, 0.49 % of the package (5 MiB for 1 GiB).
 */
package io.subnetcast.core.delta;
