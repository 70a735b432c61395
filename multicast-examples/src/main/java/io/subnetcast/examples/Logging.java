package io.subnetcast.examples;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Configures slf4j-simple, the logger bound in the runnable jar. It reads system properties once,
 * when the first logger is made, so this runs before anything logs. The library's own log is
 * quiet (warnings only) unless {@code --verbose} is given, because the command prints its own
 * progress; {@code -Dorg.slf4j.simpleLogger.*} on the java command line still overrides. It also
 * gives Netty a machine id, so that no warning about a missing hardware address is printed.
 */
final class Logging {
    private static final String PREFIX = "org.slf4j.simpleLogger.";
    private static final String NETTY_MACHINE_ID = "io.netty.machineId";

    private Logging() {
    }

    /**
     * @param args the command line
     */
    static void configure(String[] args) {
        List<String> list = Arrays.asList(args);
        boolean verbose = list.contains("--verbose") || list.contains("-v");
        setIfAbsent("defaultLogLevel", verbose ? "info" : "warn");
        setIfAbsent("logFile", "System.err");
        setIfAbsent("showDateTime", "true");
        setIfAbsent("dateTimeFormat", "HH:mm:ss.SSS");
        setIfAbsent("showThreadName", "false");
        setIfAbsent("showShortLogName", "true");
        // Netty derives channel ids from a hardware address; in a network namespace or container
        // without one it warns ("Failed to find a usable hardware address") before anything else is
        // printed. The id needs only to be unique, and a random one is: the user sees our output only.
        if (System.getProperty(NETTY_MACHINE_ID) == null) {
            byte[] id = new byte[8];
            // Unique is enough, unguessable is not needed: SecureRandom's first use (providers, seeding)
            // cost every agent's start 20-50 ms of CPU, on a path that needs no other SecureRandom.
            ThreadLocalRandom.current().nextBytes(id);
            id[0] = (byte) ((id[0] | 0x02) & 0xFE); // locally administered, unicast, as MAC rules ask
            System.setProperty(NETTY_MACHINE_ID, HexFormat.ofDelimiter(":").formatHex(id));
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
