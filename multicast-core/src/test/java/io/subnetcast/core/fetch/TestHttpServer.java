package io.subnetcast.core.fetch;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A scriptable, fault-injecting HTTP/1.1 server for tests, on plain blocking sockets bound to
 * 127.0.0.1 only. Resources are generated on the fly ({@link #byteAt}), never held in memory.
 * Each path serves ranges correctly by default; {@link #script} queues one-shot behaviours for the
 * next requests to a path and {@link #always} replaces the default. Every request is recorded, and
 * accepted connections and connections closed by the client are counted.
 */
final class TestHttpServer implements Closeable {
    /** What the server does with one request. */
    @FunctionalInterface
    interface Action {
        /**
         * @return true to keep the connection open for the next request
         */
        boolean respond(TestHttpServer server, Request request, Resource resource, Socket socket, OutputStream out)
                throws IOException;
    }

    /** A recorded request. */
    record Request(String method, String path, Map<String, String> headers) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String range() {
            return header("Range");
        }

        String ifRange() {
            return header("If-Range");
        }
    }

    /** A generated resource: its bytes are {@link #byteAt}{@code (offset, seed)}. */
    static final class Resource {
        final long length;
        volatile int seed;
        volatile String etag;
        volatile String lastModified = "Sat, 01 Nov 2025 10:00:00 GMT";

        Resource(long length, String etag) {
            this.length = length;
            this.etag = etag;
        }

        /** Changes the content and the ETag, as a new upload would. */
        void change(String newEtag) {
            seed++;
            etag = newEtag;
            lastModified = "Sun, 02 Nov 2025 10:00:00 GMT";
        }
    }

    private final ServerSocket serverSocket;
    private final boolean tls;
    private final Map<String, Resource> resources = new ConcurrentHashMap<>();
    private final Map<String, Deque<Action>> scripts = new HashMap<>();
    private final Map<String, Action> defaults = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger closedByClient = new AtomicInteger();
    private final CountDownLatch stopping = new CountDownLatch(1);

    private TestHttpServer(ServerSocket serverSocket, boolean tls) {
        this.serverSocket = serverSocket;
        this.tls = tls;
        Thread acceptor = new Thread(this::acceptLoop, "test-http-accept");
        acceptor.setDaemon(true);
        threads.add(acceptor);
        acceptor.start();
    }

    /** @return a plain HTTP server on 127.0.0.1 and an ephemeral port */
    static TestHttpServer start() throws IOException {
        return new TestHttpServer(new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")), false);
    }

    /** @return an HTTPS server on 127.0.0.1 using the context's key */
    static TestHttpServer startTls(SSLContext context) throws IOException {
        return new TestHttpServer(context.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getByName("127.0.0.1")), true);
    }

    /** @return the byte at {@code offset} of a resource with {@code seed} */
    static byte byteAt(long offset, int seed) {
        return (byte) ((offset * 31 + seed) & 0xff);
    }

    /** Adds a resource with ETag {@code "v1"}. */
    Resource resource(String path, long length) {
        Resource r = new Resource(length, "\"v1\"");
        resources.put(path, r);
        return r;
    }

    /** Queues one-shot actions for the next requests to {@code path}. */
    synchronized void script(String path, Action... actions) {
        Deque<Action> queue = scripts.computeIfAbsent(path, p -> new ArrayDeque<>());
        Collections.addAll(queue, actions);
    }

    /** Replaces the default action for {@code path}. */
    void always(String path, Action action) {
        defaults.put(path, action);
    }

    URI uri(String path) {
        return URI.create((tls ? "https" : "http") + "://127.0.0.1:" + serverSocket.getLocalPort() + path);
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    int acceptedConnections() {
        return accepted.get();
    }

    int connectionsClosedByClient() {
        return closedByClient.get();
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    List<String> ranges() {
        return requests.stream().map(Request::range).toList();
    }

    @Override
    public void close() throws IOException {
        stopping.countDown();
        serverSocket.close();
        synchronized (sockets) {
            for (Socket s : sockets) {
                s.close();
            }
        }
        List<Thread> all;
        synchronized (threads) {
            all = new ArrayList<>(threads);
        }
        for (Thread t : all) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            sockets.add(socket);
            Thread t = new Thread(() -> serve(socket), "test-http-conn-" + accepted.get());
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                Request request = readRequest(in);
                if (request == null) {
                    closedByClient.incrementAndGet();
                    return;
                }
                requests.add(request);
                Action action = nextAction(request.path());
                Resource resource = resources.get(request.path());
                if (resource == null && action == null) {
                    action = Actions.status(404);
                }
                if (action == null) {
                    action = Actions.serve();
                }
                if (!action.respond(this, request, resource, socket, out)) {
                    return;
                }
            }
        } catch (IOException e) {
            // The client went away or the test closed the server: nothing to do.
        }
    }

    private synchronized Action nextAction(String path) {
        Deque<Action> queue = scripts.get(path);
        if (queue != null && !queue.isEmpty()) {
            return queue.poll();
        }
        return defaults.get(path);
    }

    /** Blocks until the client closes the connection or the server stops. */
    void awaitClientCloseOrStop(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[1024];
        while (stopping.getCount() > 0) {
            if (in.read(buf) < 0) {
                closedByClient.incrementAndGet();
                return;
            }
        }
    }

    private static Request readRequest(InputStream in) throws IOException {
        String line = readLine(in);
        if (line == null) {
            return null;
        }
        String[] parts = line.split(" ");
        if (parts.length != 3) {
            throw new IOException("bad request line: " + line);
        }
        Map<String, String> headers = new HashMap<>();
        for (String h = readLine(in); h != null && !h.isEmpty(); h = readLine(in)) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        return new Request(parts[0], parts[1], Map.copyOf(headers));
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String s = line.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            if (line.size() > 16384) {
                throw new IOException("line too long");
            }
            line.write(c);
        }
        return null;
    }
}
