package io.pktsim.stack.driver;

import io.pktsim.core.trace.TraceBus;
import io.pktsim.stack.gro.GroReason;
import io.pktsim.stack.gro.GroResult;
import io.pktsim.stack.gro.GroTraceListener;

/**
 * Publishes a {@link io.pktsim.stack.gro.GroTable}'s decisions on the trace bus: {@code gro_receive} (result and
 * reason as the ordinals of {@link GroResult} and {@link GroReason}, -1 for none; the aggregate's handle) and
 * {@code gro_complete} (segments, reason ordinal). Allocates nothing.
 */
public final class GroTraceBridge implements GroTraceListener {

    private final TraceBus bus;
    private final int component;
    private final int kindReceive;
    private final int kindComplete;

    /**
     * Creates the bridge.
     *
     * @param bus the trace bus
     * @param component the trace component (the NAPI instance's)
     */
    public GroTraceBridge(final TraceBus bus, final int component) {
        this.bus = bus;
        this.component = component;
        this.kindReceive = bus.names().kind("gro_receive", "result", "reason", "held");
        this.kindComplete = bus.names().kind("gro_complete", "segments", "reason");
    }

    @Override
    public void onReceive(final long nowNs, final int handle, final GroResult result, final GroReason reason,
        final int heldHandle) {
        if (bus.enabled()) {
            bus.publish(nowNs, component, kindReceive, handle, result.ordinal(), reason == null ? -1 : reason.ordinal(),
                heldHandle, 0);
        }
    }

    @Override
    public void onComplete(final long nowNs, final int handle, final int segments, final GroReason reason) {
        if (bus.enabled()) {
            bus.publish(nowNs, component, kindComplete, handle, segments, reason.ordinal(), 0, 0);
        }
    }
}
