package io.subnetcast.deploy.server;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debian's Chromium, headless, driven over the Chrome DevTools Protocol with the JDK's own HTTP and
 * WebSocket client (no WebDriver). It listens on loopback only, keeps its profile in a temporary
 * directory, and is told not to reach out on its own (no background networking, component updates
 * or sync; every host name but 127.0.0.1 fails to resolve). {@link #close()} ends the browser and
 * its helper processes by their process ids.
 */
final class HeadlessChromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());

    private HeadlessChromium(Process process, WebSocket socket) {
        this.process = process;
        this.socket = socket;
    }

    /** @return the Chromium binary on the PATH, or null when there is none */
    static Path find() {
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "/usr/bin" : path).split(File.pathSeparator)) {
            for (String name : new String[] {"chromium", "chromium-browser"}) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    /**
     * Starts the browser on {@code about:blank} and attaches to its page.
     *
     * @param binary the Chromium binary
     * @param work a fresh directory for the profile and the browser's log
     * @return the browser
     */
    static HeadlessChromium launch(Path binary, Path work) throws IOException, InterruptedException {
        Path profile = Files.createDirectories(work.resolve("profile"));
        List<String> command = List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1", "--user-data-dir=" + profile,
                "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
                "--disable-domain-reliability", "--disable-breakpad", "--no-pings", "--metrics-recording-only",
                "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
                // nothing but the test's server: no name resolves, so no request can leave loopback
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio", "--window-size=1280,900", "about:blank");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve("chromium.log").toFile()).start();
        try {
            Path portFile = profile.resolve("DevToolsActivePort");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> !process.isAlive() || (Files.exists(portFile) && Files.readAllLines(portFile).size() >= 2));
            if (!process.isAlive()) {
                throw new IOException("chromium exited with " + process.exitValue() + ": "
                        + Files.readString(work.resolve("chromium.log")));
            }
            int port = Integer.parseInt(Files.readAllLines(portFile).get(0).strip());
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            String pageSocket = null;
            for (JsonNode target : JSON.readTree(http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/json/list")).build(), HttpResponse.BodyHandlers.ofString()).body())) {
                if (target.path("type").asText().equals("page")) {
                    pageSocket = target.path("webSocketDebuggerUrl").asText();
                }
            }
            if (pageSocket == null) {
                throw new IOException("chromium has no page to attach to");
            }
            Listener listener = new Listener();
            WebSocket socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(URI.create(pageSocket), listener).get(10, TimeUnit.SECONDS);
            HeadlessChromium browser = new HeadlessChromium(process, socket);
            listener.browser = browser;
            browser.call("Page.enable", null);
            browser.call("Runtime.enable", null);
            browser.call("Log.enable", null);
            return browser;
        } catch (IOException | InterruptedException | RuntimeException e) {
            stop(process);
            throw e;
        } catch (Exception e) {
            stop(process);
            throw new IOException("cannot attach to chromium", e);
        }
    }

    /** @return what went wrong in the page so far: script errors, console errors, blocked loads (CSP) */
    List<String> problems() {
        synchronized (problems) {
            return List.copyOf(problems);
        }
    }

    /** Sends one command and waits for its answer's {@code result}. */
    JsonNode call(String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", params == null ? JSON.createObjectNode() : params);
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            socket.sendText(message.toString(), true).get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            JsonNode reply = answer.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (reply.has("error")) {
                throw new IllegalStateException(method + " failed: " + reply.get("error"));
            }
            return reply.path("result");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " interrupted", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(method + " got no answer", e);
        } finally {
            pending.remove(id);
        }
    }

    /** @return the value of a JavaScript expression in the page (promises awaited), as JSON */
    JsonNode eval(String expression) {
        ObjectNode params = JSON.createObjectNode().put("expression", expression).put("returnByValue", true)
                .put("awaitPromise", true);
        JsonNode result = call("Runtime.evaluate", params);
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("'" + expression + "' threw " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /** Loads {@code url} and waits until its document and scripts are loaded. */
    void open(String url) {
        call("Page.navigate", JSON.createObjectNode().put("url", url));
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> eval("document.readyState === 'complete' && location.href.startsWith('http')").asBoolean());
    }

    /** Leaves the page for {@code about:blank}, so that the next {@link #open} loads a fresh document. */
    void blank() {
        call("Page.navigate", JSON.createObjectNode().put("url", "about:blank"));
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> eval("location.href === 'about:blank' && document.readyState === 'complete'").asBoolean());
    }

    /** Waits until a JavaScript condition holds in the page. */
    void waitUntil(String condition) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> eval(condition).asBoolean());
    }

    /** Clicks the middle of the first element that {@code selector} matches, with the mouse, as a user would. */
    void click(String selector) {
        JsonNode box = eval("(() => { const e = document.querySelector(" + quote(selector) + ");"
                + " if (!e) { return null; } e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
                + " return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()");
        if (box.isNull() || box.isMissingNode()) {
            throw new IllegalStateException("nothing matches " + selector);
        }
        for (String type : new String[] {"mouseMoved", "mousePressed", "mouseReleased"}) {
            ObjectNode params = JSON.createObjectNode().put("type", type).put("x", box.get("x").asDouble())
                    .put("y", box.get("y").asDouble());
            if (!type.equals("mouseMoved")) {
                params.put("button", "left").put("clickCount", 1);
            }
            call("Input.dispatchMouseEvent", params);
        }
    }

    /** Focuses the element that {@code selector} matches and types {@code text} into it. */
    void type(String selector, String text) {
        eval("document.querySelector(" + quote(selector) + ").focus()");
        call("Input.insertText", JSON.createObjectNode().put("text", text));
    }

    /** @return a PNG of the whole page, {@code width} CSS pixels wide */
    byte[] screenshot(int width) {
        int height = eval("Math.ceil(document.documentElement.scrollHeight)").asInt();
        call("Emulation.setDeviceMetricsOverride", JSON.createObjectNode().put("width", width).put("height", height)
                .put("deviceScaleFactor", 1).put("mobile", false));
        JsonNode shot = call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
        return Base64.getDecoder().decode(shot.get("data").asText());
    }

    static String quote(String text) {
        return JSON.getNodeFactory().textNode(text).toString();
    }

    @Override
    public void close() {
        socket.abort();
        stop(process);
    }

    /** Ends the browser by its pid, then any of its helper processes still running, by theirs. */
    private static void stop(Process process) {
        List<ProcessHandle> helpers = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        for (ProcessHandle helper : helpers) {
            if (helper.isAlive()) {
                helper.destroyForcibly();
            }
            try {
                // gone before the caller goes on: its sockets are closed, its profile files released
                helper.onExit().get(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // reported by the leftover process itself, if any; nothing more to do here
            }
        }
    }

    /** Collects each message's fragments, then hands answers to their callers and notes problems. */
    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        volatile HeadlessChromium browser;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                try {
                    handle(JSON.readTree(message));
                } catch (IOException e) {
                    throw new IllegalStateException("chromium sent something that is not JSON", e);
                }
            }
            webSocket.request(1);
            return null;
        }

        private void handle(JsonNode message) {
            HeadlessChromium b = browser;
            if (b == null) {
                return;
            }
            if (message.has("id")) {
                CompletableFuture<JsonNode> waiting = b.pending.get(message.get("id").asInt());
                if (waiting != null) {
                    waiting.complete(message);
                }
                return;
            }
            String method = message.path("method").asText();
            JsonNode params = message.path("params");
            switch (method) {
                case "Runtime.exceptionThrown" -> b.problems.add("exception: " + params.path("exceptionDetails"));
                case "Runtime.consoleAPICalled" -> {
                    if (params.path("type").asText().equals("error")) {
                        b.problems.add("console.error: " + params.path("args"));
                    }
                }
                case "Log.entryAdded" -> {
                    if (params.path("entry").path("level").asText().equals("error")) {
                        b.problems.add("log: " + params.path("entry").path("text").asText() + " "
                                + params.path("entry").path("url").asText());
                    }
                }
                default -> {
                    // page lifecycle events: not needed
                }
            }
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            HeadlessChromium b = browser;
            if (b != null) {
                b.pending.values().forEach(f -> f.completeExceptionally(error));
            }
        }
    }

    /** @return the UTF-8 text of a file, for failure messages */
    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(" + e.getMessage() + ")";
        }
    }
}
