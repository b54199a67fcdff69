package io.infergate.controller.decode;

/** A field of an object tree that is missing or of the wrong shape; the message names its path. */
public final class DecodeException extends RuntimeException {
    public DecodeException(String path, String problem) {
        super(path + ": " + problem);
    }
}
