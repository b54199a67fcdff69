package io.infergate.controller;

import io.infergate.controller.publish.Publisher;
import io.infergate.controller.translate.TranslatorConfig;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Local mode's configuration. It owns its flags ({@link #FLAGS}), reads and checks them in
 * {@link #create} and names the flag in every mistake, so a new setting is declared here only.
 *
 * @param manifests        the folder of manifests (local mode)
 * @param routers          the routers' internal API base URLs, e.g. {@code http://127.0.0.1:15000}
 * @param token            the bearer token of the routers' snapshot API
 * @param adminBind        the admin socket's bind address
 * @param adminPort        the admin socket's port; 0 picks a free one
 * @param controllerName   GatewayClasses with this controllerName are ours
 * @param gatewayAddresses what Gateways report in {@code status.addresses} when their spec has none
 * @param tuning           timings; {@link Tuning#defaults()} outside tests
 */
public record ControllerConfig(
        Path manifests,
        List<URI> routers,
        Optional<Token> token,
        String adminBind,
        int adminPort,
        String controllerName,
        List<String> gatewayAddresses,
        Tuning tuning) {

    /** Local mode's own flags, in the order the usage text lists them. */
    static final List<Flag> FLAGS = List.of(
            Flag.list(
                    "--routers",
                    "URL[,URL...]",
                    "the routers' internal API, e.g. http://127.0.0.1:15000;",
                    "repeatable or comma-separated (none: build, do not push)"),
            Flag.of(
                    "--token-file",
                    "PATH",
                    "file holding the bearer token of the routers' snapshot API",
                    "(required with --routers)"),
            Flag.list(
                    "--gateway-address",
                    "ADDR",
                    "reported in Gateway status.addresses when the Gateway names",
                    "none; repeatable or comma-separated (default: the hosts of",
                    "--routers)"));

    /** The flag that selects local mode. */
    static final Flag MANIFESTS = Flag.of(
            "--manifests",
            "DIR",
            "local mode: read every *.yaml / *.yml in DIR (multi-document),",
            "and again on every change");

    public ControllerConfig {
        routers = List.copyOf(routers);
        gatewayAddresses = List.copyOf(gatewayAddresses);
    }

    /** Reads local mode's flags ({@code --manifests} is given). */
    static ControllerConfig create(Flags flags, CommonSettings common) throws CommandLine.UsageException {
        Path manifests = folder(flags.one(MANIFESTS.name()).orElseThrow());
        List<URI> routers = new ArrayList<>();
        for (String r : flags.list("--routers")) {
            URI uri = router(r);
            if (!routers.contains(uri)) {
                routers.add(uri);
            }
        }
        Optional<Token> token = Optional.empty();
        Optional<String> tokenFile = flags.one("--token-file");
        if (tokenFile.isPresent()) {
            token = Optional.of(Token.read(tokenFile.get()));
        } else if (!routers.isEmpty()) {
            throw new CommandLine.UsageException(
                    "--token-file is required with --routers (the routers' snapshot API " + "needs its token)");
        }
        List<String> addresses = flags.list("--gateway-address");
        return new ControllerConfig(
                manifests,
                routers,
                token,
                common.adminBind(),
                common.adminPort(),
                common.controllerName(),
                addresses.isEmpty() ? hostsOf(routers) : addresses,
                Tuning.defaults());
    }

    /** Local-mode defaults around a folder: no routers, admin on 127.0.0.1:9090, our controllerName. */
    public static ControllerConfig local(Path manifests) {
        return new ControllerConfig(
                manifests,
                List.of(),
                Optional.empty(),
                CommonSettings.DEFAULT_LOCAL_ADMIN_BIND,
                CommonSettings.DEFAULT_ADMIN_PORT,
                TranslatorConfig.DEFAULT_CONTROLLER_NAME,
                List.of(),
                Tuning.defaults());
    }

    private static Path folder(String dir) throws CommandLine.UsageException {
        Path p = Path.of(dir);
        if (!Files.isDirectory(p)) {
            throw new CommandLine.UsageException("--manifests: '" + dir + "' is not a folder");
        }
        return p.toAbsolutePath().normalize();
    }

    private static URI router(String text) throws CommandLine.UsageException {
        try {
            URI uri = new URI(text);
            if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new CommandLine.UsageException("--routers: '" + text + "' is not an http://host:port URL");
            }
            if (uri.getRawPath() != null
                    && !uri.getRawPath().isEmpty()
                    && !uri.getRawPath().equals("/")) {
                throw new CommandLine.UsageException(
                        "--routers: '" + text + "' must not have a path (the API path is fixed)");
            }
            return new URI("http", null, uri.getHost(), uri.getPort(), null, null, null);
        } catch (URISyntaxException e) {
            throw new CommandLine.UsageException("--routers: '" + text + "' is not a URL: " + e.getReason());
        }
    }

    public ControllerConfig withRouters(List<URI> routers, Token token) {
        return new ControllerConfig(
                manifests, routers, Optional.of(token), adminBind, adminPort, controllerName, gatewayAddresses, tuning);
    }

    public ControllerConfig withAdmin(String bind, int port) {
        return new ControllerConfig(manifests, routers, token, bind, port, controllerName, gatewayAddresses, tuning);
    }

    public ControllerConfig withGatewayAddresses(List<String> addresses) {
        return new ControllerConfig(manifests, routers, token, adminBind, adminPort, controllerName, addresses, tuning);
    }

    public ControllerConfig withTuning(Tuning tuning) {
        return new ControllerConfig(
                manifests, routers, token, adminBind, adminPort, controllerName, gatewayAddresses, tuning);
    }

    /** The hosts of the router URLs, the default Gateway addresses in local mode. */
    public static List<String> hostsOf(List<URI> routers) {
        return routers.stream()
                .map(URI::getHost)
                .map(h -> h.startsWith("[") ? h.substring(1, h.length() - 1) : h)
                .distinct()
                .toList();
    }

    /** The bearer token; {@link #toString()} never shows it, so it cannot leak into logs. */
    public record Token(String value) {
        public Token {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("the token must not be empty");
            }
        }

        /** The token held in a file (surrounding white space dropped); its content never appears in a message. */
        static Token read(String file) throws CommandLine.UsageException {
            String content;
            try {
                content =
                        Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new CommandLine.UsageException("--token-file: cannot read '" + file + "': " + e.getMessage());
            }
            if (content.isEmpty()) {
                throw new CommandLine.UsageException("--token-file: '" + file + "' is empty");
            }
            return new Token(content);
        }

        @Override
        public String toString() {
            return "Token[redacted]";
        }
    }

    /**
     * Timings.
     *
     * @param debounce   how long the manifest folder must be quiet before a rebuild
     * @param pollPeriod how often the folder is checked when no event arrives
     * @param publisher  the publisher's loop timings
     */
    public record Tuning(Duration debounce, Duration pollPeriod, Publisher.Settings publisher) {
        public static Tuning defaults() {
            return new Tuning(Duration.ofMillis(200), Duration.ofSeconds(1), Publisher.Settings.defaults());
        }
    }
}
