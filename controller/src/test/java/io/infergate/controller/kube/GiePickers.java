package io.infergate.controller.kube;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The Inference Extension's endpoint pickers as test peers, shared by every test that runs them
 * (RealPickerIT, RealEppIT, the conformance module's InferenceExtensionIT): where
 * .ci/gie-pickers.sh put them ({@code $INFERGATE_GIE_PICKERS}, else its default cache), and how
 * one is started against a kube-apiserver (its kubeconfig in {@code KUBECONFIG}, output appended to
 * a log file) and stopped.
 */
public final class GiePickers {

    /** The conformance picker lwepp v1.6.2 behind our loopback-only main. */
    public static final String LWEPP = "lwepp-loopback";
    /** The full endpoint picker epp v1.5.0 behind our loopback-only main. */
    public static final String EPP = "epp-loopback";

    private GiePickers() {}

    /** Where a picker binary is expected. */
    public static Path path(String name) {
        String env = System.getenv("INFERGATE_GIE_PICKERS");
        Path dir = env != null && !env.isBlank()
                ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "infergate", "gie-pickers");
        return dir.resolve(name);
    }

    /** The binary, when it is built. */
    public static Optional<Path> binary(String name) {
        Path bin = path(name);
        return Files.isExecutable(bin) ? Optional.of(bin) : Optional.empty();
    }

    /** Why a test that needs the binary is skipped. */
    public static String missing(String name) {
        return "no " + path(name) + " (run .ci/gie-pickers.sh " + name
                + " and set INFERGATE_GIE_PICKERS to the dir it prints)";
    }

    /** Starts a picker with these arguments, watching the API server of {@code kubeconfig}. */
    public static Process start(Path binary, List<String> args, Path kubeconfig, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(args);
        Files.createDirectories(log.toAbsolutePath().getParent());
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("KUBECONFIG", kubeconfig.toString());
        return pb.start();
    }

    /** Stops a picker: SIGTERM, then SIGKILL after 10 s. */
    public static void stop(Process picker) throws InterruptedException {
        picker.destroy();
        if (!picker.waitFor(10, TimeUnit.SECONDS)) {
            picker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
