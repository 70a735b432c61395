package io.subnetcast.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** The receive path's view of a data datagram reads each field in place, from the reader index. */
class DataFrameTest {
    @Test
    void readsEveryFieldInPlaceAndFollowsTheReaderIndex() {
        ByteBuf buffer = Unpooled.buffer();
        try {
            buffer.writeZero(5); // bytes before the datagram: the frame starts at the reader index
            DataHeader.write(buffer, DataHeader.FLAG_RETRANSMISSION, 3, 0x0102030405060708L, -2, 7, 1440, 0xFFFFFFFF);
            buffer.writeBytes(new byte[] {9, 8, 7});
            buffer.readerIndex(5);
            DataFrame frame = new DataFrame().wrap(buffer);
            assertTrue(frame.isWellFormed());
            assertEquals(DataHeader.FLAG_RETRANSMISSION, frame.flags());
            assertEquals(0x0102030405060708L, frame.sessionId());
            assertEquals(-2, frame.epoch());
            assertEquals(7, frame.block());
            assertEquals(1440, frame.offsetInBlock());
            assertEquals(0xFFFFFFFF, frame.sequence());
            assertEquals(3, frame.payloadLength());
            assertEquals(DataHeader.LENGTH + 3, frame.length());
            assertEquals(5 + DataHeader.LENGTH, frame.payloadIndex());
            assertEquals(9, buffer.getByte(frame.payloadIndex()));
            assertSame(buffer, frame.buffer());
            assertEquals(5, buffer.readerIndex(), "reading the frame moves no index");
        } finally {
            buffer.release();
        }
    }

    @Test
    void aPayloadOfAnotherLengthThanAnnouncedIsNotWellFormed() {
        ByteBuf shortOne = Unpooled.buffer();
        ByteBuf longOne = Unpooled.buffer();
        ByteBuf headerOnly = Unpooled.buffer().writeZero(DataHeader.LENGTH - 1);
        try {
            DataHeader.write(shortOne, 0, 4, 1, 1, 0, 0, 0);
            shortOne.writeZero(3);
            DataHeader.write(longOne, 0, 4, 1, 1, 0, 0, 0);
            longOne.writeZero(5);
            DataFrame frame = new DataFrame();
            assertFalse(frame.wrap(shortOne).isWellFormed());
            assertFalse(frame.wrap(longOne).isWellFormed());
            assertFalse(frame.wrap(headerOnly).isWellFormed());
            longOne.writerIndex(longOne.writerIndex() - 1);
            assertTrue(frame.wrap(longOne).isWellFormed(), "the same frame is reused for the next datagram");
        } finally {
            shortOne.release();
            longOne.release();
            headerOnly.release();
        }
    }
}
