package io.pktsim.bench.core;

import java.util.concurrent.TimeUnit;

import io.pktsim.core.event.EventHandler;
import io.pktsim.core.event.EventLoop;
import io.pktsim.core.random.RandomStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The classic "hold" benchmark of a discrete-event queue (as ns-3's {@code bench-scheduler} runs it):
 * with {@code pending} events in the queue, one operation dispatches the earliest event, whose handler
 * schedules one new event at the current time plus a random increment. The queue size stays constant.
 *
 * <p>Increments are exponential with a mean of 1000 ns, drawn once (65,536 of them) from a named random
 * stream, so every run measures the same sequence of operations. {@code pending = 4} is a sparse queue like a
 * simulated router's (a few events within the timing wheel's reach at a time).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class EventLoopBench {

    private static final int INCREMENTS = 1 << 16;
    private static final int MASK = INCREMENTS - 1;
    private static final double MEAN_INCREMENT_NS = 1_000.0;

    @Param({"4", "1000", "1000000"})
    int pending;

    private final long[] increments = new long[INCREMENTS];
    private EventLoop loop;
    private int kind;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        final RandomStream random = RandomStream.derive(1, 0, "bench.event-loop.increments");
        for (int i = 0; i < INCREMENTS; i++) {
            increments[i] = 1 + random.nextExponentialNs(MEAN_INCREMENT_NS);
        }
        loop = new EventLoop(pending + 16);
        final EventHandler hold = this::hold;
        kind = loop.register(hold, "hold");
        next = 0;
        for (int i = 0; i < pending; i++) {
            loop.schedule(increments[next++ & MASK] * (1 + (i % 64)), kind, 0, i);
        }
    }

    private void hold(final int target, final long arg, final long nowNs) {
        loop.schedule(nowNs + increments[next++ & MASK], kind, target, arg);
    }

    /** Dispatches one event; its handler schedules one. */
    @Benchmark
    public boolean hold() {
        return loop.step();
    }
}
