package io.infergate.e2e;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * An image archive written by the build ({@code <module>/target/image/infergate-<module>.tar},
 * {@code docker save} layout): its manifest and config, read with {@code tar}.
 *
 * @param module  controller, router or simulator
 * @param tar     the archive
 */
record ImageArchive(String module, Path tar) {

    static ImageArchive of(String module) {
        return new ImageArchive(
                module, Commands.root().resolve(module).resolve("target/image/infergate-" + module + ".tar"));
    }

    boolean exists() {
        return Files.isRegularFile(tar);
    }

    /** The image reference the build gave it. */
    String reference() {
        return "ghcr.io/infergate/infergate-" + module + ":0.1.0";
    }

    /** The manifest digest Jib wrote next to the archive. */
    String digest() throws java.io.IOException {
        return Files.readString(tar.resolveSibling("digest")).strip();
    }

    JsonObject manifest() {
        return Json.createReader(new StringReader(member("manifest.json")))
                .readArray()
                .getJsonObject(0);
    }

    JsonObject config() {
        String name = manifest().getString("Config");
        return Json.createReader(new StringReader(member(name))).readObject();
    }

    private String member(String name) {
        return Commands.check(Map.of(), Duration.ofSeconds(60), Commands.list("tar", "-xOf", tar.toString(), name));
    }
}
