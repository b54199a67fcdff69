/** Model-server metrics: scraping each InferencePool endpoint's {@code /metrics} on its own schedule, parsing the engine's series, and answering what the latest sample of an endpoint is. */
package io.infergate.router.scrape;
