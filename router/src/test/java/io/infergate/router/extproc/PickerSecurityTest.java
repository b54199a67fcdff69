package io.infergate.router.extproc;

import io.grpc.TlsServerCredentials;
import io.infergate.router.testing.TestPicker;
import io.infergate.router.testing.TestPicker.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Channel security against a picker serving TLS with a self-signed certificate (made here with the
 * JDK's keytool, for 127.0.0.1): the default encrypts without verifying (the pickers' self-signed
 * default), {@code verified} with the certificate as CA file succeeds, {@code verified} against the
 * JVM's trust store and plaintext both fail as unavailable (so the failure mode applies).
 */
class PickerSecurityTest {

    @TempDir
    static Path dir;

    private static TestPicker picker;
    private static Path caFile;

    private static final PickerSettings BASE = PickerSettings.defaults();
    private static final byte[] BODY = "{\"model\":\"m\",\"prompt\":\"hi\"}".getBytes(StandardCharsets.UTF_8);

    @BeforeAll
    static void start() throws Exception {
        Path keystore = dir.resolve("picker.p12");
        caFile = dir.resolve("picker.pem");
        String keytool =
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(
                keytool,
                "-genkeypair",
                "-alias",
                "picker",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=picker",
                "-ext",
                "san=ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "changeit");
        run(
                keytool,
                "-exportcert",
                "-rfc",
                "-alias",
                "picker",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "changeit",
                "-file",
                caFile.toString());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        picker = new TestPicker(
                0,
                TlsServerCredentials.newBuilder()
                        .keyManager(kmf.getKeyManagers())
                        .build(),
                seen -> new Reply.Route("10.0.0.1:8000", "10.0.0.1:8000", Map.of(), null));
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool finished");
        assertEquals(0, p.exitValue(), out);
    }

    @AfterAll
    static void stop() {
        if (picker != null) {
            picker.close();
        }
    }

    private static Decision ask(PickerSettings settings) throws InterruptedException {
        try (PickerChannels channels = new PickerChannels(settings)) {
            return new PickerClient(settings)
                    .ask(
                            channels.channel("127.0.0.1", picker.port()),
                            new PickerRequest("POST", "/v1/completions", "llm.test", "https", List.of(), BODY));
        }
    }

    @Test
    void theDefaultEncryptsWithoutVerifyingTheSelfSignedCertificate() throws Exception {
        assertEquals(PickerSettings.Tls.INSECURE, BASE.tls());
        assertInstanceOf(Decision.Route.class, ask(BASE));
    }

    @Test
    void verifiedWithTheCertificateAsCaFileSucceeds() throws Exception {
        assertInstanceOf(Decision.Route.class, ask(BASE.withTls(PickerSettings.Tls.VERIFIED, Optional.of(caFile))));
    }

    @Test
    void verifiedAgainstTheJvmTrustStoreFailsAsUnavailable() throws Exception {
        Decision.Failed f = assertInstanceOf(
                Decision.Failed.class, ask(BASE.withTls(PickerSettings.Tls.VERIFIED, Optional.empty())));
        assertEquals("unavailable", f.kind(), f.reason());
    }

    @Test
    void plaintextToATlsPickerFails() throws Exception {
        PickerSettings plain = new PickerSettings(Duration.ofSeconds(3), PickerSettings.Tls.PLAINTEXT, 62_000);
        assertInstanceOf(Decision.Failed.class, ask(plain));
    }
}
