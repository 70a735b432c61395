/**
 * Forward error correction for blocks: parity chunks that a sender multicasts so that receivers
 * who lost different chunks of a block are all repaired by the same datagrams.
 *
 * <p>The code is a systematic Reed-Solomon code over GF(2^8) built from a Cauchy matrix (Blömer,
 * Kalfane, Karp, Karpinski, Luby, Zuckerman, "An XOR-based erasure-resilient coding scheme", ICSI
 * TR-95-048, 1995): the chunks are sent as they are, and parity {@code j} of a group is
 * {@code sum over t of source[t] / (x_j + y_t)} with distinct field elements {@code x_j},
 * {@code y_t} ({@code Cauchy}). Every square submatrix of a Cauchy matrix is invertible, so the
 * code is MDS: a group of k sources that lost e of them is repaired by any e of its parity chunks,
 * whichever they are. A member therefore asks only for a count per group ({@link
 * io.subnetcast.core.fec.ParityGroups#parityNeeded(java.util.BitSet)}), and one parity chunk
 * repairs a different loss at every member. A Cauchy matrix is used rather than a Vandermonde one
 * because its square submatrices are invertible as they are, with no reduction to systematic form.
 *
 * <p>A group's sources and parity chunks must be distinct elements of the field, so a group has at
 * most 256 of them. A 1 MiB block of 1440-byte chunks has 729 chunks, so chunks are dealt into
 * groups of at most {@value io.subnetcast.core.fec.ParityGroups#MAX_SOURCES_PER_GROUP}
 * ({@link io.subnetcast.core.fec.ParityGroups}): every group can then have at least as many parity
 * chunks as sources, enough to rebuild a group lost entirely. The deal is interleaved (chunk
 * {@code c} goes to group {@code c % G}) so that a burst of consecutive losses, the usual pattern
 * when a socket buffer overflows, is spread evenly over the groups. Parity {@code j} of group
 * {@code g} travels with the id {@code j * G + g}: ids are contiguous from 0, and sending ids
 * 0, 1, 2... gives every group its next parity chunk in turn.
 *
 * <p>{@link io.subnetcast.core.fec.ParityEncoder} computes parity chunks without allocating,
 * several per pass over a group's sources; {@link io.subnetcast.core.fec.ParityDecoder} rebuilds
 * missing chunks from any parity chunks held. Both work on {@link java.nio.ByteBuffer}s holding a
 * whole block, and the field arithmetic ({@code Gf256}) is table lookups.
 */
package io.subnetcast.core.fec;
