package io.infergate.controller.decode;

import io.infergate.controller.model.KubeObject;

/** The outcome of decoding one object tree. */
public sealed interface Decoded {

    /** A model object. */
    record Ok(KubeObject object) implements Decoded {}

    /** A kind we do not read (ignored, logged once). */
    record Unknown(String apiVersion, String kind) implements Decoded {}

    /**
     * An object of a kind we read that is malformed.
     *
     * @param key    {@code Kind namespace/name} when those could be read, else a description
     * @param reason the field path and the problem
     */
    record Invalid(String key, String reason) implements Decoded {}
}
