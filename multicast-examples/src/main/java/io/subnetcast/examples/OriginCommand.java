package io.subnetcast.examples;

import io.subnetcast.core.serve.FileServer;
import io.subnetcast.core.serve.ServedRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code subnetcast origin}: the project's HTTP/1.1 file server (HEAD, GET, byte ranges,
 * keep-alive, never chunked) serving a directory until SIGINT or SIGTERM, with one access-log
 * line per request on stdout.
 */
@Command(name = "origin", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        header = "Serve a directory over HTTP/1.1, logging every request.",
        description = "Serves the files of a directory over HTTP/1.1 (HEAD, GET, byte ranges, keep-alive, never chunked) until"
                + " SIGINT or SIGTERM. Prints one line per request on stdout (TIME served CLIENT METHOD \"TARGET\" STATUS"
                + " range=\"RANGE\" body_bytes=N complete=BOOL conn=C req=R) and the totals when it stops.",
        footer = {"", "Exit status: 0 stopped by a signal; 1 failed; 2 bad input (directory, address, port in use)."})
final class OriginCommand implements Callable<Integer> {
    private static final long STOP_WAIT_SECONDS = 10;

    @Spec
    private CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Directory whose files are served.")
    private Path dir;

    @Option(names = "--bind", paramLabel = "ADDR", converter = Converters.AddressConverter.class, defaultValue = "0.0.0.0",
            description = "IP address to listen on. Default: ${DEFAULT-VALUE} (every interface).")
    private InetAddress bind;

    @Option(names = "--port", required = true, paramLabel = "PORT", converter = Converters.ListenPortConverter.class,
            description = "TCP port to listen on; 0 picks a free one (printed at start).")
    private int port;

    @Mixin
    private VerboseOption verbose;

    private final CliEnvironment environment;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bodyBytes = new AtomicLong();

    OriginCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws InterruptedException {
        Path root = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new CliException(ExitCodes.BAD_INPUT, "--dir " + root + " is not a directory");
        }
        PrintWriter out = spec.commandLine().getOut();
        FileServer server = FileServer.builder().bindAddress(new InetSocketAddress(bind, port)).rootDirectory(root)
                .requestListener(request -> log(out, request)).build();
        InetSocketAddress bound;
        try {
            bound = server.start();
        } catch (IOException e) {
            throw new CliException(ExitCodes.BAD_INPUT, "cannot listen on " + hostPort(bind, port) + ": "
                    + Errors.describe(e.getCause() != null ? e.getCause() : e));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = environment.handleSignals() ? Signals.onShutdown(() -> {
            environment.stop().complete(null);
            awaitQuietly(stopped);
        }) : null;
        try {
            out.println("serving " + root + " on http://" + hostPort(bound.getAddress(), bound.getPort())
                    + "/ (stop with Ctrl-C)");
            out.flush();
            environment.stop().get();
        } catch (ExecutionException e) {
            throw new CliException(ExitCodes.FAILED, Errors.describe(e));
        } finally {
            server.close();
            out.println("stopped: served " + requests.get() + " requests, " + bodyBytes.get() + " body bytes");
            out.flush();
            stopped.countDown();
            Signals.remove(hook);
        }
        return ExitCodes.OK;
    }

    /** Runs on a server event loop: one line per response, untrusted fields made printable. */
    private void log(PrintWriter out, ServedRequest request) {
        requests.incrementAndGet();
        bodyBytes.addAndGet(request.bodyBytes());
        InetSocketAddress client = request.remoteAddress();
        out.println(Instant.now() + " served " + (client == null ? "-" : hostPort(client.getAddress(), client.getPort()))
                + " " + Texts.printable(request.method()) + " \"" + Texts.printable(request.target()).replace("\"", "%22")
                + "\" " + request.status() + " range=\"" + (request.range() == null ? "" : Texts.printable(request.range())
                        .replace("\"", "%22")) + "\" body_bytes=" + request.bodyBytes() + " complete=" + request.complete()
                + " conn=" + request.connectionId() + " req=" + request.requestNumber());
        out.flush();
    }

    private static String hostPort(InetAddress address, int port) {
        String host = address.getHostAddress();
        return (address instanceof Inet6Address ? "[" + host + "]" : host) + ":" + port;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
