package io.pktsim.core.trace;

import java.io.IOException;
import java.util.concurrent.locks.LockSupport;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.SleepingWaitStrategy;

/**
 * Carries trace events from the simulation thread to sinks on their own threads, through a
 * single-producer LMAX Disruptor {@link RingBuffer} of preallocated {@link TraceEvent}s; each sink runs a
 * {@link BatchEventProcessor} on a daemon thread and gates the ring.
 *
 * <p>A trace point in the model:
 * <pre>
 *   if (trace.enabled()) {
 *       trace.publish(nowNs, component, kindPollDone, TraceEvent.NO_PACKET, work, budget);
 *   }
 * </pre>
 * With no sink ({@link #disabled()}, or {@link #start} with none) {@link #enabled()} is false and the
 * trace point costs that one branch. Publishing claims the next slot, writes it and publishes it:
 * nothing allocates. When the ring is full the simulation thread waits for the slowest sink; no event is
 * dropped, so every sink sees every event, in publication order.
 *
 * <p>{@link #close()} stops publication, waits until every sink has received every event, stops the
 * sink threads and closes the sinks. Single producer: publish only from the simulation thread.
 */
public final class TraceBus implements AutoCloseable {

    /** Default ring size, in events. */
    public static final int DEFAULT_RING_SIZE = 1 << 16;

    private static final long DRAIN_PARK_NS = 100_000L;

    private final TraceNames names;
    private final RingBuffer<TraceEvent> ring;
    private final TraceSink[] sinks;
    private final SinkHandler[] handlers;
    private final BatchEventProcessor<TraceEvent>[] processors;
    private final Thread[] threads;
    private boolean enabled;
    private boolean closed;
    private long published;

    private TraceBus(final TraceNames names, final int ringSize, final TraceSink[] sinks) {
        this.names = names;
        this.sinks = sinks.clone();
        this.handlers = new SinkHandler[sinks.length];
        @SuppressWarnings("unchecked")
        final BatchEventProcessor<TraceEvent>[] ps = new BatchEventProcessor[sinks.length];
        this.processors = ps;
        this.threads = new Thread[sinks.length];
        if (sinks.length == 0) {
            this.ring = null;
            return;
        }
        if (ringSize < 2 || Integer.bitCount(ringSize) != 1) {
            throw new IllegalArgumentException("TraceBus: ring size " + ringSize + " is not a power of two >= 2");
        }
        // The sinks sleep when idle (retry 200 times, then park 100 us): no spinning core is stolen from the
        // simulation on a small machine, and the producer never takes a lock (signalAllWhenBlocking is a no-op).
        this.ring = RingBuffer.createSingleProducer(TraceEvent::new, ringSize,
            new SleepingWaitStrategy(200, 100_000L));
        final SequenceBarrier barrier = ring.newBarrier();
        for (int i = 0; i < sinks.length; i++) {
            handlers[i] = new SinkHandler(sinks[i], names);
            processors[i] = new BatchEventProcessorBuilder().build(ring, barrier, handlers[i]);
            processors[i].setExceptionHandler(handlers[i]);
            ring.addGatingSequences(processors[i].getSequence());
        }
        for (int i = 0; i < sinks.length; i++) {
            final Thread t = new Thread(processors[i], "pktsim-trace-" + i + "-" + sinks[i].name());
            t.setDaemon(true);
            threads[i] = t;
            t.start();
        }
        this.enabled = true;
    }

    /**
     * A bus with no sink: {@link #enabled()} is false, publishing does nothing.
     *
     * @return a disabled bus
     */
    public static TraceBus disabled() {
        return new TraceBus(new TraceNames(), DEFAULT_RING_SIZE, new TraceSink[0]);
    }

    /**
     * Starts a bus: one thread per sink.
     *
     * @param names the registry of component and kind names the model registers into
     * @param ringSize the ring's size in events, a power of two (see {@link #DEFAULT_RING_SIZE})
     * @param sinks the sinks; none gives a disabled bus
     * @return the running bus
     */
    public static TraceBus start(final TraceNames names, final int ringSize, final TraceSink... sinks) {
        return new TraceBus(names, ringSize, sinks);
    }

    /** @return true if a sink is attached and the bus is open: only then is a trace point worth its cost */
    public boolean enabled() {
        return enabled;
    }

    /** @return the names registry */
    public TraceNames names() {
        return names;
    }

    /** @return the number of events published */
    public long published() {
        return published;
    }

    /**
     * Publishes an event with four numbers. Does nothing when the bus is not {@link #enabled()}.
     *
     * @param timeNs the simulated time, in nanoseconds
     * @param component the component id
     * @param kind the kind id
     * @param packet the packet handle, or {@link TraceEvent#NO_PACKET}
     * @param arg0 the first number
     * @param arg1 the second number
     * @param arg2 the third number
     * @param arg3 the fourth number
     */
    public void publish(final long timeNs, final int component, final int kind, final int packet,
        final long arg0, final long arg1, final long arg2, final long arg3) {
        publish(timeNs, component, kind, packet, arg0, arg1, arg2, arg3, 0);
    }

    /**
     * Publishes an event with five numbers. Does nothing when the bus is not {@link #enabled()}.
     *
     * @param timeNs the simulated time, in nanoseconds
     * @param component the component id
     * @param kind the kind id
     * @param packet the packet handle, or {@link TraceEvent#NO_PACKET}
     * @param arg0 the first number
     * @param arg1 the second number
     * @param arg2 the third number
     * @param arg3 the fourth number
     * @param arg4 the fifth number
     */
    public void publish(final long timeNs, final int component, final int kind, final int packet,
        final long arg0, final long arg1, final long arg2, final long arg3, final long arg4) {
        if (!enabled) {
            return;
        }
        final RingBuffer<TraceEvent> r = ring;
        final long seq = r.next();
        r.get(seq).set(timeNs, component, kind, packet, arg0, arg1, arg2, arg3, arg4);
        r.publish(seq);
        published++;
    }

    /**
     * Publishes an event with no numbers.
     *
     * @param timeNs the simulated time, in nanoseconds
     * @param component the component id
     * @param kind the kind id
     * @param packet the packet handle, or {@link TraceEvent#NO_PACKET}
     */
    public void publish(final long timeNs, final int component, final int kind, final int packet) {
        publish(timeNs, component, kind, packet, 0, 0, 0, 0);
    }

    /**
     * Publishes an event with one number.
     *
     * @param timeNs the simulated time, in nanoseconds
     * @param component the component id
     * @param kind the kind id
     * @param packet the packet handle, or {@link TraceEvent#NO_PACKET}
     * @param arg0 the number
     */
    public void publish(final long timeNs, final int component, final int kind, final int packet,
        final long arg0) {
        publish(timeNs, component, kind, packet, arg0, 0, 0, 0);
    }

    /**
     * Publishes an event with two numbers.
     *
     * @param timeNs the simulated time, in nanoseconds
     * @param component the component id
     * @param kind the kind id
     * @param packet the packet handle, or {@link TraceEvent#NO_PACKET}
     * @param arg0 the first number
     * @param arg1 the second number
     */
    public void publish(final long timeNs, final int component, final int kind, final int packet,
        final long arg0, final long arg1) {
        publish(timeNs, component, kind, packet, arg0, arg1, 0, 0);
    }

    /**
     * Drains the ring into every sink, stops the sink threads and closes the sinks. Trace points after
     * this do nothing. A sink that failed is aborted instead of closed; the first failure is rethrown.
     *
     * @throws IOException the first failure of a sink, naming it
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        enabled = false;
        if (ring == null) {
            return;
        }
        final long last = ring.getCursor();
        for (int i = 0; i < processors.length; i++) {
            while (processors[i].getSequence().get() < last && threads[i].isAlive()) {
                LockSupport.parkNanos(DRAIN_PARK_NS);
            }
            processors[i].halt();
        }
        boolean interrupted = false;
        for (final Thread t : threads) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (final InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        IOException first = null;
        for (int i = 0; i < sinks.length; i++) {
            final Throwable failure = handlers[i].failure;
            if (failure != null) {
                sinks[i].abort();
                if (first == null) {
                    first = new IOException("trace sink '" + sinks[i].name() + "' failed at trace event "
                        + handlers[i].failedSequence + ": " + failure.getMessage(), failure);
                }
                continue;
            }
            try {
                sinks[i].close();
            } catch (final IOException e) {
                if (first == null) {
                    first = new IOException("trace sink '" + sinks[i].name() + "' failed to close: "
                        + e.getMessage(), e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Runs one sink on its processor thread; after a failure it skips events so that the ring keeps moving. */
    private static final class SinkHandler implements EventHandler<TraceEvent>, ExceptionHandler<TraceEvent> {
        private final TraceSink sink;
        private final TraceNames names;
        private volatile Throwable failure;
        private volatile long failedSequence = -1;

        SinkHandler(final TraceSink sink, final TraceNames names) {
            this.sink = sink;
            this.names = names;
        }

        @Override
        public void onEvent(final TraceEvent event, final long sequence, final boolean endOfBatch) {
            if (failure != null) {
                return;
            }
            try {
                sink.onEvent(event, names, endOfBatch);
            } catch (final IOException | RuntimeException e) {
                failedSequence = sequence;
                failure = e;
            }
        }

        @Override
        public void handleEventException(final Throwable ex, final long sequence, final TraceEvent event) {
            if (failure == null) {
                failedSequence = sequence;
                failure = ex;
            }
        }

        @Override
        public void handleOnStartException(final Throwable ex) {
            handleEventException(ex, -1, null);
        }

        @Override
        public void handleOnShutdownException(final Throwable ex) {
            handleEventException(ex, -1, null);
        }
    }
}
