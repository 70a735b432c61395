package io.subnetcast.core.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.ByteString;
import io.subnetcast.core.cache.BlockLayout;
import io.subnetcast.core.wire.proto.Beacon;
import io.subnetcast.core.wire.proto.SessionPhase;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Every field of a beacon is judged before an agent follows it; one bad field refuses the whole beacon. */
class BeaconCheckTest {
    private static final String IDENTITY = "sha256:ab";

    private static Beacon.Builder honest() {
        return Beacon.newBuilder().setSessionId(7).setPhase(SessionPhase.PHASE_SENDING)
                .setDataGroup(ByteString.copyFrom(new byte[] {(byte) 239, (byte) 255, 77, 3})).setDataPort(41_235)
                .setPackageLength(10L << 20).setBlockSize(1 << 20).setChunkSize(1440)
                .setContentIdentity(IDENTITY).setRepairUrl("http://198.18.0.2:8080/t/pkg");
    }

    private static InetSocketAddress check(UnaryOperator<Beacon.Builder> change) {
        return BeaconCheck.followableDataGroup(change.apply(honest()).build(), null, IDENTITY);
    }

    @Test
    void anHonestBeaconGivesItsDataGroup() {
        assertEquals(new InetSocketAddress("239.255.77.3", 41_235), check(b -> b));
        assertEquals(new InetSocketAddress("239.255.77.3", 41_235),
                check(b -> b.clearBlockSize().clearPackageLength().clearChunkSize()), "no layout yet: followed");
        for (SessionPhase phase : new SessionPhase[] {SessionPhase.PHASE_WAITING, SessionPhase.PHASE_PAUSED,
                SessionPhase.PHASE_ENDED}) {
            assertEquals(41_235, check(b -> b.setPhase(phase)).getPort(), phase.name());
        }
    }

    @Test
    void aGroupThatIsNotMulticastOrNotFourBytesIsRefused() {
        assertNull(check(b -> b.setDataGroup(ByteString.copyFrom(new byte[] {10, 0, 0, 1}))), "unicast");
        assertNull(check(b -> b.setDataGroup(ByteString.copyFrom(new byte[] {(byte) 239, 0, 0}))), "3 bytes");
        assertNull(check(b -> b.setDataGroup(ByteString.copyFrom(new byte[16]))), "16 bytes");
        assertNull(check(b -> b.setDataPort(0)));
        assertNull(check(b -> b.setDataPort(65_536)));
    }

    @Test
    void aPhaseThisAgentCannotActOnIsRefused() {
        assertNull(check(b -> b.setPhase(SessionPhase.PHASE_UNKNOWN)));
        assertNull(check(b -> b.setPhaseValue(99)));
    }

    @Test
    void anImpossibleLayoutIsRefused() {
        assertNull(check(b -> b.setBlockSize(BlockLayout.MIN_BLOCK_SIZE - 1)));
        assertNull(check(b -> b.setBlockSize(BlockLayout.MAX_BLOCK_SIZE + 1)));
        assertNull(check(b -> b.setPackageLength(-1)));
        assertNull(check(b -> b.setChunkSize(0)));
        assertNull(check(b -> b.setChunkSize(65_507 - 32 + 1)), "larger than a UDP datagram holds");
        assertNull(check(b -> b.setBlockSize(16 * 1024).setChunkSize(16 * 1024 + 1)), "larger than a block");
        assertNull(check(b -> b.setPackageLength(Long.MAX_VALUE).setBlockSize(BlockLayout.MIN_BLOCK_SIZE)),
                "more blocks than a layout allows");
    }

    @Test
    void oversizedStringsAreRefused() {
        assertNull(check(b -> b.setContentIdentity(IDENTITY + "x".repeat(1024))));
        assertNull(check(b -> b.setRepairUrl("http://h/" + "x".repeat(2048))));
    }

    @Test
    void anotherContentThanTheTaskPinsIsRefused() {
        assertNull(check(b -> b.setContentIdentity("sha256:cd")));
        assertEquals(41_235, check(b -> b.clearContentIdentity()).getPort(), "no identity: not a contradiction");
        assertEquals(41_235, BeaconCheck.followableDataGroup(honest().setContentIdentity("sha256:cd").build(), null, null)
                .getPort(), "a task that pins nothing follows any content");
        BlockLayout trusted = new BlockLayout(10L << 20, 1 << 20);
        assertEquals(41_235, BeaconCheck.followableDataGroup(honest().build(), trusted, IDENTITY).getPort());
        assertNull(BeaconCheck.followableDataGroup(honest().setPackageLength(3_000_000).build(), trusted, IDENTITY),
                "a length other than the trusted manifest's");
        assertNull(BeaconCheck.followableDataGroup(honest().setBlockSize(1 << 16).build(), trusted, IDENTITY),
                "a block size other than the trusted manifest's");
    }

    @Test
    void onlyAbsoluteHttpUrlsWithAHostAreBlockServers() {
        assertEquals(URI.create("http://198.18.0.2:8080/t/pkg"), BeaconCheck.blockServerUrl("http://198.18.0.2:8080/t/pkg"));
        assertEquals(URI.create("https://h/t/pkg"), BeaconCheck.blockServerUrl("https://h/t/pkg"));
        assertNull(BeaconCheck.blockServerUrl(null));
        assertNull(BeaconCheck.blockServerUrl(""));
        assertNull(BeaconCheck.blockServerUrl("file:///etc/passwd"));
        assertNull(BeaconCheck.blockServerUrl("/t/pkg"), "relative");
        assertNull(BeaconCheck.blockServerUrl("http:///t/pkg"), "no host");
        assertNull(BeaconCheck.blockServerUrl("http://h/ bad"), "not a URI");
        assertNull(BeaconCheck.blockServerUrl("http://h/" + "x".repeat(2048)), "too long");
    }
}
