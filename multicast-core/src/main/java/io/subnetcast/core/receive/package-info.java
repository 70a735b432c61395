/**
 * The receiving side of the data path: which chunks of which blocks have arrived
 * ({@link io.subnetcast.core.receive.ChunkTracker}), so that a block is verified and committed the
 * moment it is whole, and so that repair can ask for exactly the byte ranges still missing.
 */
package io.subnetcast.core.receive;
