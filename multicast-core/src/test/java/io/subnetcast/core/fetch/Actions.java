package io.subnetcast.core.fetch;

import io.subnetcast.core.fetch.TestHttpServer.Action;
import io.subnetcast.core.fetch.TestHttpServer.Request;
import io.subnetcast.core.fetch.TestHttpServer.Resource;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** The behaviours {@link TestHttpServer} can be scripted with. */
final class Actions {
    private Actions() {
    }

    /** @return the correct behaviour: ranges, If-Range, 416, HEAD, keep-alive */
    static Serve serve() {
        return new Serve();
    }

    /** @return a response with the status, a short body, and for 416 {@code Content-Range: bytes *}{@code /LEN} */
    static Action status(int code) {
        return (server, request, resource, socket, out) -> {
            byte[] body = ("status " + code + "\n").getBytes(StandardCharsets.US_ASCII);
            StringBuilder head = new StringBuilder("HTTP/1.1 " + code + " " + reason(code) + "\r\n");
            if (code == 416 && resource != null) {
                head.append("Content-Range: bytes */").append(resource.length).append("\r\n");
            }
            head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            if (!request.method().equals("HEAD")) {
                out.write(body);
            }
            out.flush();
            return true;
        };
    }

    /** @return a redirect to {@code location}, taken literally (relative or absolute) */
    static Action redirect(int code, String location) {
        return (server, request, resource, socket, out) -> {
            out.write(("HTTP/1.1 " + code + " " + reason(code) + "\r\nLocation: " + location
                    + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return true;
        };
    }

    /** @return closes the connection on reading the request, answering nothing */
    static Action dropRequest() {
        return (server, request, resource, socket, out) -> false;
    }

    /** @return sends nothing at all until the client gives up */
    static Action stallBeforeHeaders() {
        return (server, request, resource, socket, out) -> {
            server.awaitClientCloseOrStop(socket);
            return false;
        };
    }

    /** How a body is cut short. */
    enum Cut {
        /** TCP reset (SO_LINGER 0). */
        RESET,
        /** Orderly close. */
        CLOSE,
        /** Keep the connection open, send nothing more. */
        STALL
    }

    /** The serving behaviour with optional faults. */
    static final class Serve implements Action {
        private boolean ignoreRanges;
        private String contentRange;
        private boolean omitContentRange;
        private long contentLength = -1;
        private long cutAfter = -1;
        private Cut cut;
        private boolean chunked;
        private int extraBytes;
        private boolean connectionClose;
        private boolean http10;

        /** Answers 200 with the whole body whatever the Range. */
        Serve ignoringRanges() {
            ignoreRanges = true;
            return this;
        }

        /** Sends this Content-Range on a 206 instead of the right one. */
        Serve withContentRange(String value) {
            contentRange = value;
            return this;
        }

        /** Sends no Content-Range on a 206. */
        Serve withoutContentRange() {
            omitContentRange = true;
            return this;
        }

        /** Sends this Content-Length instead of the right one (the body stays right). */
        Serve withContentLength(long value) {
            contentLength = value;
            return this;
        }

        /** Sends only {@code bytes} of the body, then cuts the connection. */
        Serve cutAfter(long bytes, Cut how) {
            cutAfter = bytes;
            cut = how;
            return this;
        }

        /** Uses chunked transfer coding, appending {@code extra} bytes beyond the range. */
        Serve chunked(int extra) {
            chunked = true;
            extraBytes = extra;
            return this;
        }

        /** Sends {@code Connection: close} and closes after the response. */
        Serve connectionClose() {
            connectionClose = true;
            return this;
        }

        /** Answers as HTTP/1.0 without keep-alive. */
        Serve http10() {
            http10 = true;
            return this;
        }

        @Override
        public boolean respond(TestHttpServer server, Request request, Resource resource, Socket socket,
                OutputStream out) throws IOException {
            long length = resource.length;
            String etag = resource.etag;
            String range = request.range();
            String ifRange = request.ifRange();
            boolean validatorMatches = ifRange == null || ifRange.equals(etag)
                    || ifRange.equals(resource.lastModified);
            long start = 0;
            long end = length;
            boolean partial = false;
            if (range != null && !ignoreRanges && validatorMatches) {
                if (!range.startsWith("bytes=")) {
                    throw new IOException("bad range " + range);
                }
                String[] ends = range.substring(6).split("-", -1);
                start = Long.parseLong(ends[0]);
                if (start >= length) {
                    return status(416).respond(server, request, resource, socket, out);
                }
                end = ends[1].isEmpty() ? length : Math.min(length, Long.parseLong(ends[1]) + 1);
                partial = true;
            }
            StringBuilder head = new StringBuilder();
            head.append(http10 ? "HTTP/1.0 " : "HTTP/1.1 ").append(partial ? "206 Partial Content" : "200 OK")
                    .append("\r\n");
            head.append("Content-Type: application/octet-stream\r\n");
            head.append("Accept-Ranges: bytes\r\n");
            head.append("ETag: ").append(etag).append("\r\n");
            head.append("Last-Modified: ").append(resource.lastModified).append("\r\n");
            if (partial && !omitContentRange) {
                head.append("Content-Range: ")
                        .append(contentRange != null ? contentRange : "bytes " + start + "-" + (end - 1) + "/" + length)
                        .append("\r\n");
            }
            if (chunked) {
                head.append("Transfer-Encoding: chunked\r\n");
            } else {
                head.append("Content-Length: ").append(contentLength >= 0 ? contentLength : end - start).append("\r\n");
            }
            if (connectionClose) {
                head.append("Connection: close\r\n");
            }
            head.append("\r\n");
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            if (request.method().equals("HEAD")) {
                out.flush();
                return !connectionClose && !http10;
            }
            long bodyEnd = end + extraBytes;
            long stopAt = cutAfter >= 0 ? Math.min(bodyEnd, start + cutAfter) : bodyEnd;
            writeBody(out, start, stopAt, resource.seed);
            if (stopAt < bodyEnd) {
                out.flush();
                switch (cut) {
                    case RESET -> socket.setSoLinger(true, 0);
                    case STALL -> server.awaitClientCloseOrStop(socket);
                    case CLOSE -> socket.shutdownOutput();
                }
                return false;
            }
            if (chunked) {
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            return !connectionClose && !http10;
        }

        private void writeBody(OutputStream out, long from, long to, int seed) throws IOException {
            byte[] buf = new byte[64 * 1024];
            for (long pos = from; pos < to; ) {
                int n = (int) Math.min(buf.length, to - pos);
                for (int i = 0; i < n; i++) {
                    buf[i] = TestHttpServer.byteAt(pos + i, seed);
                }
                if (chunked) {
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(buf, 0, n);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                } else {
                    out.write(buf, 0, n);
                }
                pos += n;
            }
        }
    }

    private static String reason(int code) {
        return switch (code) {
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 303 -> "See Other";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 404 -> "Not Found";
            case 410 -> "Gone";
            case 416 -> "Range Not Satisfiable";
            case 503 -> "Service Unavailable";
            default -> "Whatever";
        };
    }
}
