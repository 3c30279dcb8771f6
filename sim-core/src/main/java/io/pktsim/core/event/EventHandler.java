package io.pktsim.core.event;

/**
 * Receives the events of one kind. Registered once with {@link EventLoop#register(EventHandler, String)}.
 * Implementations on a per-event path must not allocate.
 */
@FunctionalInterface
public interface EventHandler {

    /**
     * Handles one event.
     *
     * @param target the target given when scheduling (a device, a queue, a NAPI instance, ...)
     * @param arg the argument given when scheduling (a packet handle, a count, ...)
     * @param nowNs the simulated time of the event, in nanoseconds
     */
    void onEvent(int target, long arg, long nowNs);
}
