package io.subnetcast.core.serve;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.subnetcast.core.fuzz.Seed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the file server's path handling: {@link RequestTarget#parse} on raw request-targets, and
 * {@link DirectoryResolver#resolve} on what it lets through and on hostile decoded paths directly.
 * The served tree holds files, a symbolic link that stays inside and links that lead out (to a
 * sibling file and to the parent directory); nothing outside the tree may ever be resolved.
 */
class ServeFuzzTest {
    @TempDir
    static Path scratch;
    private static Path root;
    private static Path outside;
    private static DirectoryResolver resolver;

    @BeforeAll
    static void tree() throws IOException {
        root = Files.createDirectories(scratch.resolve("served")).toRealPath();
        outside = Files.writeString(scratch.resolve("secret.txt"), "outside").toRealPath();
        Files.writeString(root.resolve("a.txt"), "a");
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve("sub").resolve("b.txt"), "b");
        Files.createSymbolicLink(root.resolve("inside-link"), root.resolve("a.txt"));
        Files.createSymbolicLink(root.resolve("outside-link"), outside);
        Files.createSymbolicLink(root.resolve("parent-link"), scratch);
        resolver = new DirectoryResolver(root);
    }

    @FuzzTest
    void requestTarget(byte[] input) {
        String raw = new String(input, StandardCharsets.ISO_8859_1);
        RequestTarget target = RequestTarget.parse(raw);
        if (target.refusal() != null) {
            assertNull(target.path());
            assertTrue(target.refusal() == HttpResponseStatus.BAD_REQUEST || target.refusal() == HttpResponseStatus.FORBIDDEN);
            return;
        }
        String path = target.path();
        assertTrue(path.startsWith("/"), path);
        for (String segment : path.substring(1).split("/", -1)) {
            assertNotEquals(".", segment, raw);
            assertNotEquals("..", segment, raw);
            assertTrue(segment.chars().noneMatch(c -> c == '\\' || c == ':' || Character.isISOControl(c)), raw);
        }
        // Segment by segment, as a resolver maps them; empty segments (documented to pass, as in
        // "//x") are skipped, so no segment may climb or jump out of the tree.
        Path base = Path.of("/srv/files");
        Path mapped = base;
        for (String segment : path.substring(1).split("/", -1)) {
            if (!segment.isEmpty()) {
                mapped = mapped.resolve(segment);
            }
        }
        assertTrue(mapped.normalize().startsWith(base), raw + " leaves the tree");
        assertServedInside(resolver.resolve(path));
    }

    @FuzzTest
    void directoryResolver(byte[] input) {
        // Decoded paths as a resolver may get them from another caller: any characters at all.
        String decoded = "/" + new String(input, StandardCharsets.UTF_8);
        assertServedInside(resolver.resolve(decoded));
        String latin = "/" + new String(input, StandardCharsets.ISO_8859_1);
        assertServedInside(resolver.resolve(latin));
    }

    private static void assertServedInside(Optional<Resource> resource) {
        if (resource.isEmpty()) {
            return;
        }
        Path file = ((FileResource) resource.get()).file();
        try {
            Path real = file.toRealPath();
            assertTrue(real.startsWith(root) && !real.equals(root), "served " + real + " outside " + root);
            assertFalse(real.equals(outside), "served the file outside the tree");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Writes the seed inputs into {@code src/test/resources} (run from multicast-core, see FUZZING.md).
     *
     * @param args optional resources directory
     * @throws IOException if a seed cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path inputs = Path.of(args.length > 0 ? args[0] : "src/test/resources")
                .resolve("io/subnetcast/core/serve/ServeFuzzTestInputs");
        String[][] targets = {
            {"plain", "/a.txt"},
            {"dot-dot", "/sub/../../secret.txt"},
            {"encoded-dot-dot", "/%2e%2e/secret.txt"},
            {"encoded-slash", "/sub%2fb.txt"},
            {"overlong-utf8-dot", "/%c0%ae%c0%ae/secret.txt"},
            {"absolute-form", "http://host/sub/b.txt?x=1#y"},
            {"nul", "/a.txt%00.png"},
            {"outside-link", "/outside-link"},
            {"parent-link", "/parent-link/secret.txt"},
            {"backslash", "/sub\\..\\..\\secret.txt"},
        };
        for (String[] target : targets) {
            new Seed().bytes(target[1].getBytes(StandardCharsets.ISO_8859_1)).writeTo(inputs.resolve("requestTarget"), target[0]);
        }
        String[][] paths = {
            {"dot-dot", "../secret.txt"},
            {"parent-link", "parent-link/secret.txt"},
            {"outside-link", "outside-link"},
            {"inside-link", "inside-link"},
            {"fullwidth-dots", "\uff0e\uff0e/secret.txt"},
            {"one-dot-leader", "\u2024\u2024/secret.txt"},
            {"nul", "a.txt\u0000"},
            {"double-slash", "/etc/passwd"},
        };
        for (String[] path : paths) {
            new Seed().bytes(path[1].getBytes(StandardCharsets.UTF_8)).writeTo(inputs.resolve("directoryResolver"), path[0]);
        }
    }
}
