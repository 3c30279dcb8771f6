package io.pktsim.core.trace;

import java.io.Closeable;
import java.io.IOException;

/**
 * Receives trace events on its own thread, in the order they were published. Attached when a
 * {@link TraceBus} starts; closed by {@link TraceBus#close()} after every event reached it.
 */
public interface TraceSink extends Closeable {

    /** @return a name for thread names and error messages, e.g. {@code "json-lines trace.jsonl"} */
    String name();

    /**
     * Handles one event. Copy what you keep: the event object is reused.
     *
     * @param event the event
     * @param names the names of its component, kind and numbers
     * @param endOfBatch true if no further event is available right now (a good time to flush)
     * @throws IOException if the sink cannot write; it then receives no further event, and
     *     {@link TraceBus#close()} reports the failure
     */
    void onEvent(TraceEvent event, TraceNames names, boolean endOfBatch) throws IOException;

    /**
     * Called instead of {@link #close()} when the sink failed: discard partial output (a file sink removes
     * its temporary file). The default does nothing.
     */
    default void abort() {
        // nothing to discard
    }
}
