/**
 * Peer repair for subnetcast: members complete the blocks the multicast pass left missing from
 * the block servers of the representative and of peers that hold them, before any origin fetch.
 * Installed through {@link io.subnetcast.repair.PeerRepair}, an implementation of the core's
 * repair SPI.
 */
module io.subnetcast.repair {
    requires transitive io.subnetcast.core;
    requires org.slf4j;

    exports io.subnetcast.repair;
}
