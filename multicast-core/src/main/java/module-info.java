/**
 * subnetcast's protocol core and its Netty edges: the engine an embedder runs, the session
 * protocol, the block cache, the HTTP origin fetch and the block server.
 *
 * <p>Exported: the engine, the file server, and the types their API and the repair SPI use.
 * Internal: the election, the representative's term and data path ({@code send}), the
 * state-machine form and the HTTP parsing. The session package is still exported because the
 * engine's API names its values ({@code TaskSpec}, {@code SessionConfig}, {@code SessionProgress})
 * next to the protocol facade; moving those values out is the next step. The Netty modules are
 * automatic modules (Netty 4.1 has no module descriptors).
 */
module io.subnetcast.core {
    requires com.google.common;
    requires transitive com.google.protobuf;
    requires transitive io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires io.netty.common;
    requires transitive io.netty.handler;
    requires transitive io.netty.transport;
    requires io.netty.transport.classes.epoll;
    requires io.netty.transport.unix.common;
    requires org.slf4j;

    exports io.subnetcast.core.engine;
    exports io.subnetcast.core.session;
    exports io.subnetcast.core.repair;
    exports io.subnetcast.core.auth;
    exports io.subnetcast.core.cache;
    exports io.subnetcast.core.clock;
    exports io.subnetcast.core.congestion;
    exports io.subnetcast.core.delta;
    exports io.subnetcast.core.fec;
    exports io.subnetcast.core.fetch;
    exports io.subnetcast.core.loss;
    exports io.subnetcast.core.peers;
    exports io.subnetcast.core.receive;
    exports io.subnetcast.core.serve;
    exports io.subnetcast.core.transport;
    exports io.subnetcast.core.wire;
    exports io.subnetcast.core.wire.proto;
}
