package io.subnetcast.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OneTransferJitTest {
    @AfterEach
    void restore() throws Exception {
        System.clearProperty(OneTransferJit.PROPERTY);
        diagnosticCommand("compilerDirectivesClear");
    }

    @Test
    void keepsC2OffEverythingButTheJdksCryptoAndTheErasureCode() throws Exception {
        diagnosticCommand("compilerDirectivesClear");

        assertTrue(OneTransferJit.apply());

        String directives = diagnosticCommand("compilerDirectivesPrint");
        // The JVM lists the directives it took, the first match first, each with its c1 and c2
        // parts, then its default one ("Directive: (default)", which also matches *.*).
        int exceptions = directives.indexOf("sun/security/provider/*.*");
        int everything = directives.indexOf("matching: *.*", exceptions);
        int fallback = directives.indexOf("Directive: (default)");
        assertTrue(exceptions >= 0 && everything > exceptions && fallback > everything, directives);
        assertTrue(directives.contains("io/subnetcast/core/fec/*.*"), directives);
        assertTrue(directives.contains("com/sun/crypto/provider/*.*"), directives);
        String c2OfExceptions = directives.substring(directives.indexOf("c2 directives:", exceptions), everything);
        assertTrue(c2OfExceptions.contains("Exclude:false"), c2OfExceptions);
        String c2OfEverything = directives.substring(directives.indexOf("c2 directives:", everything), fallback);
        assertTrue(c2OfEverything.contains("Exclude:true"), c2OfEverything);
    }

    @Test
    void fullLeavesTheJitAlone() throws Exception {
        diagnosticCommand("compilerDirectivesClear");
        System.setProperty(OneTransferJit.PROPERTY, "full");

        assertFalse(OneTransferJit.apply());

        assertFalse(diagnosticCommand("compilerDirectivesPrint").contains("sun/security/provider"));
    }

    @Test
    void anyOtherValueIsBadInput() {
        System.setProperty(OneTransferJit.PROPERTY, "c1");

        CliException e = assertThrows(CliException.class, OneTransferJit::apply);

        assertEquals(ExitCodes.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains("quick or full"), e.getMessage());
    }

    private static String diagnosticCommand(String operation) throws Exception {
        return String.valueOf(ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), operation,
                new Object[] {new String[0]}, new String[] {String[].class.getName()}));
    }
}
