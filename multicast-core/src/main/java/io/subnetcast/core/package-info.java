/**
 * subnetcast core: the protocol state machines, the on-disk block cache, the HTTP/1.1 range
 * fetcher and the static file server every agent uses.
 *
 * <p>Sub-packages are named after the part of the system they hold, so that a newcomer finds the
 * election, the data path, the cache, the HTTP fetch and the repair by folder name.
 */
package io.subnetcast.core;
