/**
 * The sending side of the data path: the {@link io.subnetcast.core.send.Pacer} that spreads packets
 * evenly at the configured rate, and the {@link io.subnetcast.core.send.BlockSender} that decides
 * which chunk of which block goes next. Neither does I/O: they tell their caller what to send.
 */
package io.subnetcast.core.send;
