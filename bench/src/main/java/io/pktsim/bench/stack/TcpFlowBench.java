package io.pktsim.bench.stack;

import java.util.concurrent.TimeUnit;

import io.pktsim.core.event.EventLoop;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.stack.endpoint.TcpConfig;
import io.pktsim.stack.endpoint.TcpCounter;
import io.pktsim.stack.endpoint.TcpEndpoint;
import io.pktsim.stack.endpoint.TcpTimers;
import io.pktsim.stack.workload.LinkPipe;
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
 * Simulated TCP segments per wall-clock second for one bulk flow: a server endpoint sends through a
 * 1 Gbit/s link with a 1 ms RTT and a BDP-sized drop-tail queue to a client endpoint, which ACKs back through
 * a second link. Every segment and ACK is a real frame built in the packet store (Ethernet, IPv4, TCP with
 * timestamps, checksums), queued, serialised, delivered through the event loop, parsed and freed; the score
 * counts data segments received per second (each includes about half an ACK, the delayed-ACK ratio).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class TcpFlowBench {

    /** Data segments per invocation. */
    public static final int SEGMENTS = 1000;

    @Param({"1", "0"})
    public int congestionControl;

    private EventLoop loop;
    private TcpEndpoint client;

    @Setup
    public void setUp() {
        loop = new EventLoop(1 << 14);
        final PacketStore store = new PacketStore(1 << 14, 160, 32);
        final TcpTimers timers = new TcpTimers(loop);
        final TcpConfig cfg = new TcpConfig().congestionControl(congestionControl);
        client = new TcpEndpoint("client", cfg, store, timers);
        final TcpEndpoint server = new TcpEndpoint("server", cfg, store, timers);
        final LinkPipe forward = new LinkPipe("fwd", loop, store, 1_000_000_000L, 500_000L, 125_000L, client);
        final LinkPipe reverse = new LinkPipe("rev", loop, store, 1_000_000_000L, 500_000L, Long.MAX_VALUE, server);
        client.bindIpv4(1, 2, 0x0A00_0001, 0x0A00_0002, 40000, 443).output(reverse);
        server.bindIpv4(2, 1, 0x0A00_0002, 0x0A00_0001, 443, 40000).output(forward);
        server.listen(TcpEndpoint.UNLIMITED, 1);
        client.connect(0, 0, 2);
        loop.runUntil(1_000_000_000L);
    }

    @Benchmark
    @OperationsPerInvocation(SEGMENTS)
    public long segments() {
        final EventLoop l = loop;
        final long target = client.counters().get(TcpCounter.DATA_SEGMENTS_RECEIVED) + SEGMENTS;
        while (client.counters().get(TcpCounter.DATA_SEGMENTS_RECEIVED) < target) {
            l.step();
        }
        return l.nowNs();
    }
}
