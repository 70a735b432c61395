package io.subnetcast.core.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately naive HTTP/1.1 client on a plain socket: it writes exactly the bytes it is given
 * and reads responses framed only by {@code Content-Length}, so a test can prove what is on the
 * wire (connection reuse, no chunking, closes) without a library normalising anything.
 */
final class RawHttpConnection implements Closeable {
    private static final int TIMEOUT_MILLIS = 10_000;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawHttpConnection(InetSocketAddress server) throws IOException {
        this(connected(server));
    }

    /** Talks over an already connected socket, e.g. an {@code SSLSocket}. */
    RawHttpConnection(Socket connected) throws IOException {
        socket = connected;
        socket.setSoTimeout(TIMEOUT_MILLIS);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    private static Socket connected(InetSocketAddress server) throws IOException {
        Socket socket = new Socket();
        socket.connect(server, TIMEOUT_MILLIS);
        return socket;
    }

    Socket socket() {
        return socket;
    }

    void send(String request) throws IOException {
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Sends a GET or HEAD with a Host header and the given extra header lines. */
    RawResponse request(String method, String target, String... headerLines) throws IOException {
        StringBuilder request = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        send(request.append("\r\n").toString());
        return readResponse(method.equals("HEAD"));
    }

    /**
     * Reads one response. Fails if it is chunked or has no Content-Length.
     *
     * @param head whether the request was HEAD (no body follows)
     */
    RawResponse readResponse(boolean head) throws IOException {
        String statusLine = readLine();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            assertTrue(colon > 0, "bad header line " + line);
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        assertFalse(headers.containsKey("transfer-encoding"), "Transfer-Encoding in " + headers);
        List<String> lengths = headers.get("content-length");
        assertNotNull(lengths, "no Content-Length in " + statusLine + " " + headers);
        assertEquals(1, lengths.size(), "one Content-Length");
        long length = Long.parseLong(lengths.get(0));
        byte[] body = head ? new byte[0] : in.readNBytes(Math.toIntExact(length));
        if (body.length != (head ? 0 : length)) {
            throw new EOFException("body ended after " + body.length + " of " + length + " bytes");
        }
        return new RawResponse(statusLine, headers, body);
    }

    /** @return whether the server closed the connection (EOF or reset) before the socket timeout */
    boolean closedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            // A reset is a close too.
            return true;
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed in a header; read so far: " + line);
            }
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
            previous = b;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** One response as read from the wire. */
    record RawResponse(String statusLine, Map<String, List<String>> headers, byte[] body) {
        int status() {
            return Integer.parseInt(statusLine.split(" ")[1]);
        }

        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }
}
