package io.subnetcast.core.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** Self-signed EC keys for TLS tests, made with the JDK's keytool. */
final class TestKeystores {
    static final String PASSWORD = "changeit";
    static final String ALIAS = "test";

    private TestKeystores() {
    }

    /**
     * Generates a PKCS12 keystore with a self-signed P-256 certificate.
     *
     * @param file where to write it
     * @param san the subjectAltName extension value, e.g. {@code ip:127.0.0.1,dns:localhost}
     * @return the loaded keystore
     */
    static KeyStore generate(Path file, String san) throws IOException, InterruptedException, GeneralSecurityException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", ALIAS,
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=subnetcast test", "-ext", "SAN=" + san,
                "-validity", "2", "-storetype", "PKCS12", "-keystore", file.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD))
                .redirectErrorStream(true)
                .redirectOutput(file.resolveSibling(file.getFileName() + ".log").toFile())
                .start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("keytool did not finish in 60 s");
        }
        if (process.exitValue() != 0) {
            throw new IOException("keytool failed: "
                    + Files.readString(file.resolveSibling(file.getFileName() + ".log")));
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    static X509Certificate certificate(KeyStore store) throws GeneralSecurityException {
        return (X509Certificate) store.getCertificate(ALIAS);
    }

    static SSLContext serverContext(KeyStore store) throws GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }
}
