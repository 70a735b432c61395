package io.subnetcast.examples;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.management.JMException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps HotSpot's optimising compiler (C2) off the code of a process that moves one package and
 * exits: the one-shot {@code agent} and {@code precache}. The daemon, the servers and {@code demo}
 * (six agents in one JVM, whose receivers took 9.2 s instead of 7.9 s with it) keep the JVM's default.
 *
 * <p>Such a process lives for seconds to minutes, and C2 spent more CPU compiling its hot paths
 * than the compiled code then saved: on the testbed (four agent JVMs on two cores, 128 MiB) a
 * receiving agent used 4.0-4.9 CPU-seconds, of which the C2 thread took 1.6-2.4, and 2.1-2.5 with
 * C2 kept off; the CPU-bound pass (no link shaping) took 6.7-7.8 s instead of 10.5-11.6 s. The quick
 * compiler (C1) compiles the same methods in a fraction of that time. C2 stays on where C1 lacks
 * what the code relies on: the JDK's SHA-2, AES and GHASH intrinsics (SHA-256 ran 11 times slower
 * under C1 here) and the erasure code's loops.
 *
 * <p>The JVM takes compiler directives at run time through its diagnostic command MBean (what
 * {@code jcmd Compiler.directives_add} does), from a file. Where that is not available (another
 * JVM, no temporary directory) the JIT is left as it is. {@code -Dsubnetcast.jit=full} keeps the
 * JVM's default, for a transfer long enough to repay C2 (many gigabytes on a fast LAN).
 */
final class OneTransferJit {
    /** System property: {@code quick} (the default) keeps C2 off, {@code full} leaves the JIT alone. */
    static final String PROPERTY = "subnetcast.jit";
    private static final Logger LOG = LoggerFactory.getLogger(OneTransferJit.class);
    /**
     * The first matching directive applies, so the exceptions come first. {@code c2: {Exclude:
     * true}} marks a method not compilable by C2 the first time it is queued for it; the JVM's
     * tiered policy then compiles it with C1 at its optimising level, without profiling.
     */
    static final String DIRECTIVES = """
            [ { match: ["sun/security/provider/*.*", "com/sun/crypto/provider/*.*", "io/subnetcast/core/fec/*.*"],
                c2: { Exclude: false } },
              { match: "*.*", c2: { Exclude: true } } ]
            """;

    private OneTransferJit() {
    }

    /**
     * Adds the directives on a thread of their own, unless {@link #PROPERTY} says {@code full}:
     * starting the management server takes about 0.1 CPU-s, which then runs beside the engine's
     * start instead of before it.
     *
     * @throws CliException when the property has a value other than {@code quick} or {@code full}
     */
    static void applyInBackground() {
        if (requested()) {
            Thread thread = new Thread(OneTransferJit::add, "subnetcast-jit-directives");
            thread.setDaemon(true);
            thread.start();
        }
    }

    /**
     * Adds the directives now, unless {@link #PROPERTY} says {@code full}.
     *
     * @return whether the directives were added
     * @throws CliException when the property has a value other than {@code quick} or {@code full}
     */
    static boolean apply() {
        return requested() && add();
    }

    /** @return whether the property asks for the directives (quick, the default) */
    private static boolean requested() {
        String mode = System.getProperty(PROPERTY, "quick").trim().toLowerCase(Locale.ROOT);
        if (mode.equals("full")) {
            return false;
        }
        if (!mode.equals("quick")) {
            throw new CliException(ExitCodes.BAD_INPUT, "-D" + PROPERTY + " must be quick or full, got '"
                    + Texts.printable(System.getProperty(PROPERTY)) + "'");
        }
        return true;
    }

    private static boolean add() {
        Path file = null;
        try {
            file = Files.createTempFile("subnetcast-jit", ".json");
            file.toFile().deleteOnExit(); // a run that fails at once may exit while this thread still works
            Files.writeString(file, DIRECTIVES);
            Object result = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesAdd",
                    new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
            String said = Texts.oneLine(String.valueOf(result));
            LOG.debug("compiler directives for a one-transfer process: {}", said);
            return said.contains("added");
        } catch (JMException | IOException | RuntimeException | LinkageError e) {
            LOG.debug("JIT left at the JVM's default: {}", e.toString());
            return false;
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    LOG.debug("could not delete {}: {}", file, e.toString());
                }
            }
        }
    }
}
