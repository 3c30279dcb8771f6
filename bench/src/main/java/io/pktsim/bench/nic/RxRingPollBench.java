package io.pktsim.bench.nic;

import java.util.concurrent.TimeUnit;

import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.ChecksumState;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.nic.ring.RxFrameHandler;
import io.pktsim.nic.ring.RxRing;
import io.pktsim.stack.gro.GroConfig;
import io.pktsim.stack.gro.GroDeliverySink;
import io.pktsim.stack.gro.GroTable;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * One NAPI poll of {@link #WEIGHT} frames through the RX ring into GRO: each invocation lets the "NIC" land
 * 64 TCP/IPv4 frames (1448-byte payload, timestamps, RSS hash, CHECKSUM_UNNECESSARY; the driver's header
 * copy into a slot included) in a 256-descriptor {@link RxRing}, then polls them with budget 64 through the
 * Disruptor EventPoller into {@link GroTable#receive(int, long)} and ends the poll (GRO flush); the score is
 * ns per frame. {@code ringOnly} is the same without GRO (the frame is freed), to show the ring's share.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class RxRingPollBench {

    /** Frames per poll: the NAPI weight. */
    public static final int WEIGHT = 64;

    @Param({"1", "8"})
    public int flows;

    private PacketStore store;
    private GroTable gro;
    private RxRing ring;
    private UnsafeBuffer[] templates;
    private int[] lengths;
    private int[] seq;
    private int[] hashes;
    private int next;
    private final TcpView tcp = new TcpView();
    private RxFrameHandler toGro;
    private RxFrameHandler toFree;
    private int merged;

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
        ring = new RxRing("bench-rx", RxRing.MTK_DMA_SIZE_LEGACY);
        final GroTable g = gro;
        toGro = (p, t, slot) -> merged += g.receive(p, t).ordinal();
        toFree = (p, t, slot) -> s.free(p);
    }

    private void land() {
        final PacketStore s = store;
        final int n = flows;
        for (int i = 0; i < WEIGHT; i++) {
            final int flow = next;
            next = flow + 1 == n ? 0 : flow + 1;
            final int h = s.allocate();
            s.putFrame(h, templates[flow], 0, templates[flow].capacity(), lengths[flow]);
            tcp.wrap(s.buffer(), s.frameOffset(h) + 34).seq(seq[flow]);
            seq[flow] += 1448;
            s.hash(h, hashes[flow], PacketStore.HASH_L4);
            s.checksumState(h, ChecksumState.UNNECESSARY);
            ring.offer(h, 0);
        }
    }

    @Benchmark
    @OperationsPerInvocation(WEIGHT)
    public int pollIntoGro() {
        land();
        final int done = ring.poll(WEIGHT, toGro);
        gro.onPollEnd(done, WEIGHT, 0);
        return done + merged;
    }

    @Benchmark
    @OperationsPerInvocation(WEIGHT)
    public int ringOnly() {
        land();
        return ring.poll(WEIGHT, toFree);
    }
}
