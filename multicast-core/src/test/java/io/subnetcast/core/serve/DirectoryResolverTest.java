package io.subnetcast.core.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DirectoryResolverTest {
    @TempDir
    Path root;
    @TempDir
    Path outside;
    private DirectoryResolver resolver;

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectories(root.resolve("dir"));
        Files.write(root.resolve("dir/a.bin"), new byte[123]);
        Files.setLastModifiedTime(root.resolve("dir/a.bin"), FileTime.from(Instant.ofEpochMilli(0x18cc820db2eL)));
        Files.writeString(outside.resolve("secret"), "secret");
        resolver = new DirectoryResolver(root);
    }

    @Test
    void resolvesRegularFilesWithTheirMetadata() {
        Resource resource = resolver.resolve("/dir/a.bin").orElseThrow();
        assertEquals(123, resource.length());
        assertEquals("\"7b-18cc820db2e\"", resource.etag());
        assertEquals(Instant.ofEpochMilli(0x18cc820db2eL), resource.lastModified());
        assertTrue(resource.holds(0, 123));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "dir/a.bin", "/", "/dir", "/dir/", "//dir/a.bin", "/dir//a.bin", "/dir/a.bin/", "/missing",
        "/../" , "/dir/../dir/a.bin", "/./dir/a.bin", "/dir/a.bin\u0000", "/dir\\a.bin", "/C:/x",
    })
    void refusesEverythingElse(String path) {
        assertTrue(resolver.resolve(path).isEmpty(), path);
    }

    @Test
    void refusesNull() {
        assertTrue(resolver.resolve(null).isEmpty());
    }

    @Test
    void followsLinksOnlyWithinTheRoot() throws Exception {
        Files.createSymbolicLink(root.resolve("out-file"), outside.resolve("secret"));
        Files.createSymbolicLink(root.resolve("out-dir"), outside);
        Files.createSymbolicLink(root.resolve("up"), outside.getParent());
        Files.createSymbolicLink(root.resolve("in-file"), root.resolve("dir/a.bin"));
        Files.createSymbolicLink(root.resolve("in-dir"), root.resolve("dir"));
        assertTrue(resolver.resolve("/out-file").isEmpty());
        assertTrue(resolver.resolve("/out-dir/secret").isEmpty());
        assertTrue(resolver.resolve("/up/" + outside.getFileName() + "/secret").isEmpty());
        assertEquals(123, resolver.resolve("/in-file").orElseThrow().length());
        assertEquals(123, resolver.resolve("/in-dir/a.bin").orElseThrow().length());
    }

    @Test
    void aSiblingWithTheRootAsPrefixIsOutside() throws Exception {
        Path sibling = Files.createDirectories(root.resolveSibling(root.getFileName() + "-evil"));
        try {
            Files.writeString(sibling.resolve("x"), "x");
            Files.createSymbolicLink(root.resolve("sib"), sibling.resolve("x"));
            assertTrue(resolver.resolve("/sib").isEmpty());
        } finally {
            Files.deleteIfExists(sibling.resolve("x"));
            Files.deleteIfExists(sibling);
        }
    }

    @Test
    void specialFilesAreNotServed() throws Exception {
        Process mkfifo = new ProcessBuilder("mkfifo", root.resolve("fifo").toString()).start();
        try {
            assertEquals(0, mkfifo.waitFor(), "mkfifo failed: the test could not make its special file");
        } finally {
            mkfifo.destroyForcibly();
        }
        assertTrue(Files.exists(root.resolve("fifo")) && !Files.isRegularFile(root.resolve("fifo")), "no FIFO was made");
        assertTrue(resolver.resolve("/fifo").isEmpty());
    }

    @Test
    void rootMustBeAnExistingDirectory() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> new DirectoryResolver(root.resolve("missing")));
        assertThrows(IllegalArgumentException.class, () -> new DirectoryResolver(root.resolve("dir/a.bin")));
    }

    @Test
    void aRootThatIsALinkIsServedThroughItsRealPath() throws Exception {
        Path link = Files.createSymbolicLink(outside.resolve("root-link"), root);
        DirectoryResolver viaLink = new DirectoryResolver(link);
        assertEquals(root.toRealPath(), viaLink.root());
        assertEquals(123, viaLink.resolve("/dir/a.bin").orElseThrow().length());
    }
}
