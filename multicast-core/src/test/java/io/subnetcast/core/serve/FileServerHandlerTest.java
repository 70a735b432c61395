package io.subnetcast.core.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The handler behind a real HTTP codec, without sockets: what objects go out for each answer. */
class FileServerHandlerTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-04T05:06:07Z"), ZoneOffset.UTC);

    @TempDir
    Path root;
    private EmbeddedChannel channel;
    private final List<ServedRequest> served = new ArrayList<>();
    private final List<Object> outbound = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        java.nio.file.Files.write(root.resolve("f.bin"), new byte[5000]);
        channel = new EmbeddedChannel(new HttpServerCodec(),
                new FileServerHandler(new ResponsePlanner(new DirectoryResolver(root)), served::add, CLOCK, 7));
    }

    @AfterEach
    void tearDown() {
        outbound.forEach(ReferenceCountUtil::release);
        channel.finishAndReleaseAll();
    }

    private String request(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
        StringBuilder head = new StringBuilder();
        for (Object message = channel.readOutbound(); message != null; message = channel.readOutbound()) {
            outbound.add(message);
            if (message instanceof ByteBuf) {
                head.append(((ByteBuf) message).toString(StandardCharsets.ISO_8859_1));
            }
        }
        return head.toString();
    }

    private FileRegion onlyFileRegion() {
        List<FileRegion> regions = new ArrayList<>();
        for (Object message : outbound) {
            if (message instanceof FileRegion) {
                regions.add((FileRegion) message);
            }
        }
        assertEquals(1, regions.size(), "file regions in " + outbound);
        return regions.get(0);
    }

    @Test
    void plainConnectionsSendTheFileAsAFileRegion() {
        String head = request("GET /f.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=1000-\r\n\r\n");
        assertTrue(head.startsWith("HTTP/1.1 206 Partial Content\r\n"), head);
        assertTrue(head.contains("Content-Length: 4000\r\n"), head);
        assertTrue(head.contains("Date: Tue, 04 Mar 2025 05:06:07 GMT\r\n"), head);
        assertFalse(head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding"), head);
        FileRegion region = onlyFileRegion();
        assertEquals(1000, region.position());
        assertEquals(4000, region.count());
        assertEquals(1, served.size());
        assertEquals(7, served.get(0).connectionId());
        assertEquals(4000, served.get(0).bodyBytes());
        assertTrue(channel.isOpen());
    }

    @Test
    void headWritesNoBody() {
        String head = request("HEAD /f.bin HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(head.contains("Content-Length: 5000\r\n"), head);
        assertTrue(head.endsWith("\r\n\r\n"), head);
        assertTrue(outbound.stream().noneMatch(m -> m instanceof FileRegion));
        assertEquals(0, served.get(0).bodyBytes());
    }

    @Test
    void errorsHaveATextBodyAndKeepTheConnection() {
        String head = request("GET /missing HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(head.startsWith("HTTP/1.1 404 Not Found\r\n"), head);
        assertTrue(head.contains("Content-Type: text/plain; charset=utf-8\r\n"), head);
        String body = head.substring(head.indexOf("\r\n\r\n") + 4);
        assertTrue(head.contains("Content-Length: " + body.length() + "\r\n"), head);
        assertNull(served.get(0).range());
        assertTrue(channel.isOpen());
    }

    @Test
    void aBadMessageIsAnsweredAndTheConnectionClosed() {
        String head = request("GET /f.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n");
        assertTrue(head.startsWith("HTTP/1.1 400 Bad Request\r\n"), head);
        assertTrue(head.contains("Connection: close\r\n"), head);
        assertFalse(channel.isOpen());
    }
}
