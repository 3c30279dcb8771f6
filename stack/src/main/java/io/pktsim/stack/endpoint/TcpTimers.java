package io.pktsim.stack.endpoint;

import io.pktsim.core.event.EventLoop;
import java.util.Arrays;

/**
 * The timers of every {@link TcpEndpoint} of one simulation: one event kind registered once with the
 * {@link EventLoop}; the event's target is the endpoint's id and its argument the timer
 * ({@link #RETRANSMIT} or {@link #DELAYED_ACK}), as {@code icsk_retransmit_timer} and
 * {@code icsk_delack_timer} (net/ipv4/tcp_timer.c, 6.18).
 *
 * <p>Timers are lazy: an endpoint keeps its deadline in a field and at most one event per timer is pending;
 * an event that finds its deadline moved later re-schedules itself instead of firing. So restarting the
 * RTO on every ACK costs a field write, not a cancel and a schedule.
 */
public final class TcpTimers {

    /** Timer argument: the retransmission timer (SYN, data, FIN). */
    public static final long RETRANSMIT = 0;
    /** Timer argument: the delayed-ACK timer. */
    public static final long DELAYED_ACK = 1;

    private final EventLoop loop;
    private final int kind;
    private TcpEndpoint[] endpoints = new TcpEndpoint[64];
    private int count;

    /**
     * Registers the timer event kind.
     *
     * @param loop the event loop of the simulation
     */
    public TcpTimers(final EventLoop loop) {
        this.loop = loop;
        this.kind = loop.register(this::fire, "tcp-timer");
    }

    /** @return the event loop */
    public EventLoop loop() {
        return loop;
    }

    /**
     * Adds an endpoint (while the model is built).
     *
     * @param endpoint the endpoint
     * @return its id, the target of its timer events
     */
    int add(final TcpEndpoint endpoint) {
        if (count == endpoints.length) {
            endpoints = Arrays.copyOf(endpoints, count * 2);
        }
        endpoints[count] = endpoint;
        return count++;
    }

    /**
     * Schedules a timer event.
     *
     * @param timeNs when, in nanoseconds
     * @param id the endpoint id
     * @param timer {@link #RETRANSMIT} or {@link #DELAYED_ACK}
     * @return the event id
     */
    long schedule(final long timeNs, final int id, final long timer) {
        return loop.schedule(timeNs, kind, id, timer);
    }

    private void fire(final int target, final long arg, final long nowNs) {
        endpoints[target].onTimer(arg, nowNs);
    }
}
