package io.infergate.router.extproc;

import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;

/** One event of an ext_proc stream, as the gRPC thread hands it to the thread that waits for it. */
sealed interface StreamEvent {
    /** A message of the picker. */
    record Message(ProcessingResponse response) implements StreamEvent {}

    /** The stream failed. */
    record Failed(Throwable error) implements StreamEvent {}

    /** The picker ended the stream. */
    record End() implements StreamEvent {}
}
