package io.infergate.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the command-line tools the tests drive (kubectl, ctr, tar) with a time limit, and returns
 * their output; a non-zero exit is an exception carrying the output, so a failed step says why.
 */
final class Commands {
    private Commands() {}

    /** The outcome of one command. */
    record Result(int exit, String output) {}

    static Result run(Map<String, String> env, Duration timeout, List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            // read on a virtual thread: a chatty command must not block on a full pipe
            var out = new StringBuilder();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    out.append("(output lost: ").append(e).append(')');
                }
            });
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                reader.join(5000);
                throw new IllegalStateException("timed out after " + timeout + ": " + command + "\n" + out);
            }
            reader.join();
            return new Result(p.exitValue(), out.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + command, e);
        }
    }

    static String check(Map<String, String> env, Duration timeout, List<String> command) {
        Result r = run(env, timeout, command);
        if (r.exit() != 0) {
            throw new IllegalStateException("exit " + r.exit() + ": " + String.join(" ", command) + "\n" + r.output());
        }
        return r.output();
    }

    static List<String> list(String first, String... rest) {
        var l = new ArrayList<String>();
        l.add(first);
        l.addAll(List.of(rest));
        return l;
    }

    /** The repository checkout (system property set by the pom). */
    static Path root() {
        return Path.of(System.getProperty("infergate.root", ".."))
                .toAbsolutePath()
                .normalize();
    }
}
