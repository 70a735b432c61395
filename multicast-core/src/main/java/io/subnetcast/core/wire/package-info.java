/**
 * The bytes on the wire. Every datagram starts with the 4-byte {@link io.subnetcast.core.wire.Envelope}
 * (magic, version, type). Control datagrams carry one protobuf {@code Control} message
 * (see {@code src/main/proto/subnetcast.proto}); data datagrams carry the fixed
 * {@link io.subnetcast.core.wire.DataHeader} and a raw payload, read in place so that the hot path
 * neither copies nor allocates. A task with a key wraps each of these in a sealed datagram
 * ({@link io.subnetcast.core.wire.Envelope#TYPE_SEALED}, see {@code io.subnetcast.core.auth}), which
 * the receiver opens before these decoders see the inner datagram.
 *
 * <p>Decoders treat every datagram as hostile: lengths, indexes and ids are bounded and checked,
 * malformed input is counted and dropped, and nothing throws on the event loop.
 */
package io.subnetcast.core.wire;
