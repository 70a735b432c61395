package io.subnetcast.core.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Known-answer vectors for what keyed agents exchange: the key id, the peer token, the manifest
 * tag and whole sealed datagrams. The expected values were computed once with an independent
 * implementation (Python's hmac and hashlib and the cryptography package's AESGCM, from the
 * formats in {@link SessionKey} and {@link SealedHeader}), not with the code under test, so a
 * change of any format (salt, info strings, header layout, nonce, what is authenticated) fails
 * here, as it would break agents of another version.
 */
class AuthKnownAnswerTest {
    private static final HexFormat HEX = HexFormat.of();
    /** Key material 00 01 02 .. 0f. */
    private static final SessionKey KEY = SessionKey.of(HEX.parseHex("000102030405060708090a0b0c0d0e0f"));
    private static final long SENDER = 0x0123456789abcdefL;
    /** A plain datagram: envelope (magic 0x5343, version 1, type 1) and "hello, subnet". */
    private static final byte[] INNER = HEX.parseHex("53430101" + HEX.formatHex("hello, subnet".getBytes(StandardCharsets.US_ASCII)));

    @Test
    void keyIdPeerTokenAndManifestTag() {
        assertEquals(0x5f6946f9, KEY.keyId());
        assertEquals("Subnetcast e5ca5e8c160d8fbbd94563b2bdc21484d7aa487d4932ab094032362dd3c0f038",
                KEY.peerAuthorization("pkg-1"));
        byte[] hashes = new byte[64];
        for (int i = 0; i < hashes.length; i++) {
            hashes[i] = (byte) i;
        }
        assertEquals("b034cdc3c9edfbd1f35ebbe169aabeb768d6e7586ef5e50abdb9f268d9c0057b",
                HEX.formatHex(KEY.manifestTag("pkg-1", hashes)));
        assertEquals("6bfb190d2e6fc99c63b3b43dfaaf1ab3", HEX.formatHex(KEY.senderKey(SENDER).getEncoded()));
    }

    @Test
    void authenticatedOnlyDatagramWithSequenceFive() {
        assertEquals("534301035f6946f9000000000123456789abcdef0000000000000005"
                        + "5343010168656c6c6f2c207375626e6574" + "79a11b9c7bca8b9f672625ca0fe7f9ca",
                sealSixth(false));
    }

    @Test
    void encryptedDatagramWithSequenceFive() {
        assertEquals("534301035f6946f9010000000123456789abcdef0000000000000005"
                        + "41944df4ff91be14a0dce0361ba5dc5a78f3b924d4e7eaad73" + "d69295e768e76050",
                sealSixth(true));
    }

    /** The sixth datagram a sealer seals: sequence numbers count from 0. */
    private static String sealSixth(boolean encrypt) {
        DatagramSealer sealer = new DatagramSealer(KEY, encrypt, SENDER);
        String sealed = null;
        for (int i = 0; i < 6; i++) {
            ByteBuf plain = UnpooledByteBufAllocator.DEFAULT.heapBuffer().writeBytes(INNER);
            ByteBuf out = sealer.seal(UnpooledByteBufAllocator.DEFAULT, plain);
            try {
                sealed = ByteBufUtil.hexDump(out);
            } finally {
                out.release();
            }
        }
        return sealed;
    }
}
