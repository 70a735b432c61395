/**
 * Authenticated, optionally encrypted, datagrams with AES-GCM from the JDK, for tasks that carry a
 * secret key from the management system that issued them.
 *
 * <p>A {@link io.subnetcast.core.auth.DatagramSealer} wraps each outgoing datagram into a sealed
 * datagram (see {@link io.subnetcast.core.auth.SealedHeader} for the bytes); a
 * {@link io.subnetcast.core.auth.DatagramOpener} checks the tag, rejects replays with a sliding
 * window per sender ({@link io.subnetcast.core.auth.ReplayWindow}), and hands the inner datagram on.
 * {@link io.subnetcast.core.auth.DatagramGuard} is what a receiver runs: it holds the keys of its
 * tasks, lets plaintext through only to tasks without a key, and counts what it drops
 * ({@link io.subnetcast.core.auth.AuthCounters}).
 *
 * <p>Nonces: every sealer draws a random 64-bit sender id and derives its own AES key from the task
 * key and that id (HKDF, RFC 5869); the GCM nonce is then just the sender's 64-bit sequence number.
 * Nonce uniqueness under one AES key therefore rests on one sender counting up, never on random
 * nonces from many senders colliding (see {@link io.subnetcast.core.auth.SessionKey#senderKey}).
 */
package io.subnetcast.core.auth;
