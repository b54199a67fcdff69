/**
 * OpenTelemetry traces of public requests: W3C trace context continued from the client and sent to
 * the model server, spans for authentication, rate limiting, queue wait, pick and upstream time,
 * exported over OTLP/HTTP when configured and absent otherwise (docs/adr/0031).
 */
package io.infergate.router.trace;
