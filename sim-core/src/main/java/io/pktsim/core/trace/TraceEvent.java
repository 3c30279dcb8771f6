package io.pktsim.core.trace;

/**
 * One trace event: a preallocated, mutable slot of the trace ring, overwritten by the simulation thread
 * and read by the sinks. A sink must copy what it keeps: the slot is reused once every sink has passed it.
 */
public final class TraceEvent {

    /** The packet handle of an event about no packet. */
    public static final int NO_PACKET = -1;

    private long timeNs;
    private int component;
    private int kind;
    private int packet;
    private long arg0;
    private long arg1;
    private long arg2;
    private long arg3;
    private long arg4;

    void set(final long timeNs, final int component, final int kind, final int packet, final long arg0,
        final long arg1, final long arg2, final long arg3, final long arg4) {
        this.timeNs = timeNs;
        this.component = component;
        this.kind = kind;
        this.packet = packet;
        this.arg0 = arg0;
        this.arg1 = arg1;
        this.arg2 = arg2;
        this.arg3 = arg3;
        this.arg4 = arg4;
    }

    /** @return the simulated time of the event, in nanoseconds */
    public long timeNs() {
        return timeNs;
    }

    /** @return the component id ({@link TraceNames#componentName(int)}) */
    public int component() {
        return component;
    }

    /** @return the kind id ({@link TraceNames#kindName(int)}) */
    public int kind() {
        return kind;
    }

    /** @return the packet handle, or {@link #NO_PACKET} */
    public int packet() {
        return packet;
    }

    /**
     * One of the event's numbers.
     *
     * @param index 0 to 4
     * @return the number (0 if not given)
     */
    public long arg(final int index) {
        switch (index) {
            case 0:
                return arg0;
            case 1:
                return arg1;
            case 2:
                return arg2;
            case 3:
                return arg3;
            case 4:
                return arg4;
            default:
                throw new IllegalArgumentException("TraceEvent: no number " + index + " (0..4)");
        }
    }

    @Override
    public String toString() {
        return "TraceEvent[" + timeNs + " ns, component " + component + ", kind " + kind + ", packet " + packet
            + ", " + arg0 + ", " + arg1 + ", " + arg2 + ", " + arg3 + ", " + arg4 + "]";
    }
}
