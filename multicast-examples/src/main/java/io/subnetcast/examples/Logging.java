package io.subnetcast.examples;

import java.util.Arrays;
import java.util.List;

/**
 * Configures slf4j-simple, the logger bound in the runnable jar. It reads system properties once,
 * when the first logger is made, so this runs before anything logs. The library's own log is
 * quiet (warnings only) unless {@code --verbose} is given, because the command prints its own
 * progress; {@code -Dorg.slf4j.simpleLogger.*} on the java command line still overrides.
 */
final class Logging {
    private static final String PREFIX = "org.slf4j.simpleLogger.";

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
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
