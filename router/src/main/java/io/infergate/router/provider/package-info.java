/**
 * External OpenAI-compatible providers as backends: their TLS (the provider's host as SNI, its CA
 * or the JDK's roots) and the request rewrite that targets them (base path, Host, the bearer key
 * in place of the client's credentials).
 */
package io.infergate.router.provider;
