package io.pktsim.bench.stack;

import java.util.concurrent.TimeUnit;

import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.ChecksumState;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.stack.gro.GroConfig;
import io.pktsim.stack.gro.GroDeliverySink;
import io.pktsim.stack.gro.GroTable;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * GRO receive in burst mode, as DPDK's librte_gro is measured: each invocation receives a burst of
 * {@link #BURST} TCP/IPv4 segments (1448-byte payload, timestamp option, RSS hash, CHECKSUM_UNNECESSARY) from
 * {@code flows} interleaved flows, then the poll completes and flushes; the score is ns per packet.
 *
 * <p>{@link #receiveBurst()} includes the driver's work of building each packet (allocating a slot, copying 66
 * header bytes into it, setting seq, hash and checksum state). {@link #receivePrepared(Burst)} measures GRO alone on
 * packets built before the invocation, as DPDK's GRO benchmark does on prepared mbufs: per packet the parse, the
 * bucket, the flow compare and the merge / hold / flush decision, and at the poll's end the flush that delivers
 * (and frees) every packet, all stay in the measured path.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class GroBench {

    /** Packets per burst (one NAPI poll, below the weight of 64). */
    public static final int BURST = 32;

    @Param({"1", "8", "64"})
    public int flows;

    private PacketStore store;
    private GroTable gro;
    private UnsafeBuffer[] templates;
    private int[] lengths;
    private int[] seq;
    private int[] hashes;
    private int next;
    private final TcpView tcp = new TcpView();

    @Setup
    public void setUp() {
        store = new PacketStore(1024, 256, 64);
        final PacketBuilder pb = new PacketBuilder(store);
        templates = new UnsafeBuffer[flows];
        lengths = new int[flows];
        seq = new int[flows];
        hashes = new int[flows];
        for (int i = 0; i < flows; i++) {
            final int h = pb.reset().tcp(40000 + i, 80, 0, 1, TcpView.ACK).timestamps(1, 2).payload(1448).build();
            templates[i] = new UnsafeBuffer(new byte[store.storedLength(h)]);
            templates[i].putBytes(0, store.buffer(), store.frameOffset(h), store.storedLength(h));
            lengths[i] = store.length(h);
            hashes[i] = 0x9E3779B9 * (i + 1);
            store.free(h);
        }
        final PacketStore s = store;
        final GroDeliverySink sink = (h, r, t) -> s.free(h);
        gro = new GroTable(store, new GroConfig(), sink);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int receiveBurst() {
        final GroTable g = gro;
        int merged = 0;
        for (int i = 0; i < BURST; i++) {
            merged += g.receive(build(), 0).ordinal();
        }
        g.onPollEnd(BURST, 64, 0);
        return merged;
    }

    /** The next burst, built before each invocation of {@link #receivePrepared(Burst)} (its own state, so that
     * {@link #receiveBurst()} does not build bursts it never takes). */
    @State(Scope.Thread)
    public static class Burst {
        private final int[] handles = new int[BURST];
        private GroBench bench;

        /**
         * Builds the burst outside the measured path.
         *
         * @param state the GroBench state (JMH injects its own instance, not the one running the benchmark method,
         *     so the measured method uses this one)
         */
        @Setup(Level.Invocation)
        public void prepare(final GroBench state) {
            bench = state;
            state.fill(handles);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int receivePrepared(final Burst burst) {
        return burst.bench.receive(burst.handles);
    }

    /**
     * Builds a burst of {@link #BURST} packets (the driver's part).
     *
     * @param handles where the handles go
     */
    public void fill(final int[] handles) {
        for (int i = 0; i < BURST; i++) {
            handles[i] = build();
        }
    }

    /**
     * GRO receives a prepared burst and the poll ends.
     *
     * @param handles the burst from {@link #fill(int[])}
     * @return the sum of the result ordinals
     */
    public int receive(final int[] handles) {
        final GroTable g = gro;
        int merged = 0;
        for (int i = 0; i < BURST; i++) {
            merged += g.receive(handles[i], 0).ordinal();
        }
        g.onPollEnd(BURST, 64, 0);
        return merged;
    }

    /** The driver's part: one received segment of the next flow in turn, in a fresh slot. */
    private int build() {
        final PacketStore s = store;
        final int flow = next;
        next = flow + 1 == flows ? 0 : flow + 1;
        final int h = s.allocate();
        s.putFrame(h, templates[flow], 0, templates[flow].capacity(), lengths[flow]);
        tcp.wrap(s.buffer(), s.frameOffset(h) + 34).seq(seq[flow]);
        seq[flow] += 1448;
        s.hash(h, hashes[flow], PacketStore.HASH_L4);
        s.checksumState(h, ChecksumState.UNNECESSARY);
        return h;
    }

    /** The driver's part alone (build and free a burst), to subtract from {@link #receiveBurst()}. */
    public int buildOnly() {
        for (int i = 0; i < BURST; i++) {
            store.free(build());
        }
        return next;
    }
}
