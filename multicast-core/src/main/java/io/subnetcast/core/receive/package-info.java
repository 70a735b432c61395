/**
 * The receiving side of the data path: which chunks of which blocks have arrived
 * ({@link io.subnetcast.core.receive.ChunkTracker}). The tracker says when a block is whole, so
 * that the session has the store verify and commit it at once, and it gives the byte runs still
 * missing, so that a NAK or peer repair asks for exactly those.
 */
package io.subnetcast.core.receive;
