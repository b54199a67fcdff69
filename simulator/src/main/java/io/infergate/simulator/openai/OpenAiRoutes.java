package io.infergate.simulator.openai;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.infergate.simulator.engine.Engine;
import io.infergate.simulator.engine.ModelCatalog;

/**
 * Registers the OpenAI endpoints. Another method on one of their paths is answered 405 with an
 * {@code Allow} header, never echoed: a client that gets the method wrong should learn it.
 */
public final class OpenAiRoutes {

    private OpenAiRoutes() {}

    /**
     * Adds the OpenAI routes to {@code routing}.
     *
     * @param defaultMaxTokens output length when a request sets none
     */
    public static void register(
            HttpRouting.Builder routing, ModelCatalog catalog, Engine engine, int defaultMaxTokens) {
        RequestParser parser = new RequestParser(catalog, defaultMaxTokens);
        for (GenerationApi api : GenerationApi.values()) {
            routing.route(Method.POST, api.path(), new GenerationHandler(api, parser, engine));
            routing.any(api.path(), methodNotAllowed(Method.POST));
        }
        routing.route(Method.GET, "/v1/models", new ModelsHandler(catalog));
        routing.any("/v1/models", methodNotAllowed(Method.GET));
    }

    /** A 405 answer in the OpenAI error shape, with {@code Allow}; for every fixed-method path. */
    public static Handler methodNotAllowed(Method allowed) {
        return (req, res) -> {
            res.header(HeaderNames.ALLOW, allowed.text());
            ApiError.methodNotAllowed(req.prologue().method().text(), allowed.text())
                    .send(res);
        };
    }
}
