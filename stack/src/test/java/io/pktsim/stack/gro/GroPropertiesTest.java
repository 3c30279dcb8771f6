package io.pktsim.stack.gro;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.stack.gso.GsoCounter;
import io.pktsim.stack.gso.SoftwareGso;
import io.pktsim.core.counter.Counters;
import io.pktsim.nic.offload.OffloadFeatures;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Property tests of GRO: conservation (every packet delivered exactly once, payload bytes in = bytes out),
 * per-flow order, and GSO(GRO(segments)) = segments for eligible trains.
 */
class GroPropertiesTest {

    private static int ipPayload(final PacketStore store, final int h) {
        final byte[] f = new byte[Math.min(store.length(h), 200)];
        store.getFrame(h, f, 0, f.length);
        final int l4 = store.transportOffset(h);
        final int thlen = ((f[l4 + 12] & 0xF0) >>> 4) * 4;
        return store.length(h) - l4 - thlen;
    }

    @Property(tries = 300)
    void shouldConserveEveryPacketAndKeepPerFlowOrder(@ForAll final long seed,
        @ForAll @IntRange(min = 1, max = 12) final int flows, @ForAll @IntRange(min = 1, max = 200) final int count,
        @ForAll final boolean l4Hash, @ForAll @IntRange(min = 0, max = 2) final int family) {
        final Random rnd = new Random(seed);
        final PacketStore store = new PacketStore(1024, 256, 64);
        final PacketBuilder pb = new PacketBuilder(store);
        final List<int[]> delivered = new ArrayList<>();
        final Map<Integer, Integer> markToFlow = new HashMap<>();
        final Set<Integer> bypassed = new HashSet<>();
        final long[] payloadOut = {0};
        final GroTable gro = new GroTable(store, new GroConfig().keepMergedSegments(true), (h, reason, now) -> {
            int g = h;
            final boolean head = true;
            payloadOut[0] += ipPayload(store, h);
            while (g != PacketStore.NO_PACKET) {
                delivered.add(new int[] {store.mark(g)});
                if (reason.isBypass()) {
                    bypassed.add(store.mark(g));
                }
                final int next = store.next(g);
                store.free(g);
                g = next;
            }
        });
        final int[] seq = new int[flows];
        long payloadIn = 0;
        long now = 0;
        int inPoll = 0;
        for (int i = 0; i < count; i++) {
            final int flow = rnd.nextInt(flows);
            final int roll = rnd.nextInt(20);
            int len = 100;
            int flags = TcpView.ACK;
            if (roll == 0) {
                len = 0;
            } else if (roll == 1) {
                flags |= TcpView.PSH;
            } else if (roll == 2) {
                len = 37;
            } else if (roll == 3) {
                seq[flow] += 5;
            }
            final int h = GroTrains.segment(pb, family, flow, seq[flow], len, flags, i & 0xFFFF, true, false);
            seq[flow] += len;
            if (roll == 4) {
                // corrupt the TCP checksum: the packet bypasses GRO
                final int t = store.transportHeaderOffset(h) + 16;
                store.buffer().putByte(t, (byte) (store.buffer().getByte(t) ^ 0x5A));
            }
            store.mark(h, i);
            markToFlow.put(i, flow);
            GroTrains.receiveState(store, h, l4Hash ? 0x9E3779B9 * (flow + 1) : 0, l4Hash);
            payloadIn += len;
            gro.receive(h, now);
            inPoll++;
            if (inPoll == 64 || rnd.nextInt(16) == 0) {
                gro.onPollEnd(inPoll, 64, now);
                inPoll = 0;
                now += 1_000_000L * rnd.nextInt(3);
            }
        }
        gro.onPollEnd(inPoll, 64, now);
        assertThat(gro.heldCount()).isZero();
        assertThat(gro.pendingCount()).isZero();
        assertThat(store.inUse()).as("slots leaked").isZero();
        assertThat(payloadOut[0]).as("payload bytes out").isEqualTo(payloadIn);
        final List<Integer> marks = new ArrayList<>();
        delivered.forEach(d -> marks.add(d[0]));
        assertThat(marks).hasSize(count).doesNotHaveDuplicates();
        final Map<Integer, Integer> lastPerFlow = new HashMap<>();
        for (final int m : marks) {
            if (bypassed.contains(m)) {
                continue;
            }
            final int flow = markToFlow.get(m);
            final Integer last = lastPerFlow.get(flow);
            assertThat(last == null || last < m).as("flow %d delivered %d after %d", flow, m, last).isTrue();
            lastPerFlow.put(flow, m);
        }
    }

    @Property(tries = 300)
    void shouldGiveBackTheSegmentsWhenGsoCutsAGroAggregate(@ForAll @IntRange(min = 2, max = 40) final int n,
        @ForAll @IntRange(min = 1, max = 1460) final int mss, @ForAll @IntRange(min = 0, max = 1460) final int tailCut,
        @ForAll final boolean fixedId, @ForAll final boolean df, @ForAll final boolean psh,
        @ForAll final boolean timestamps, @ForAll @IntRange(min = 0, max = 2) final int family,
        @ForAll @IntRange(min = 0, max = 65535) final int firstId) {
        final int tail = Math.max(1, mss - (tailCut % mss));
        final int count = Math.min(n, 60000 / mss);
        if (count < 2) {
            return;
        }
        final PacketStore store = new PacketStore(256, 256, 64);
        final PacketBuilder pb = new PacketBuilder(store);
        final List<byte[]> originals = new ArrayList<>();
        final List<Integer> aggregates = new ArrayList<>();
        final GroTable gro = new GroTable(store, new GroConfig(), (h, r, t) -> aggregates.add(h));
        int seq = 1000;
        for (int i = 0; i < count; i++) {
            final boolean last = i == count - 1;
            final int len = last ? tail : mss;
            final int flags = TcpView.ACK | (last && psh ? TcpView.PSH : 0);
            final int h = GroTrains.segment(pb, family, 0, seq, len, flags, fixedId ? firstId : (firstId + i) & 0xFFFF,
                df, timestamps);
            seq += len;
            originals.add(frameOf(store, h));
            GroTrains.receiveState(store, h, 0x1234, true);
            gro.receive(h, 0);
        }
        gro.onPollEnd(count, 64, 0);
        assertThat(aggregates).as("one aggregate").hasSize(1);
        final int agg = aggregates.get(0);
        assertThat(store.gsoSegs(agg)).isEqualTo(count);
        final List<byte[]> out = softwareGso(store, agg);
        assertThat(out).hasSize(count);
        for (int i = 0; i < count; i++) {
            assertThat(out.get(i)).as("segment %d", i).isEqualTo(originals.get(i));
        }
        assertThat(store.inUse()).isZero();
    }

    /**
     * GSO(GRO(x)) = x for UDP with {@code rx-udp-gro-forwarding}: 2..40 datagrams of one flow (IPv4 with or without DF,
     * or IPv6), gso_size 1..1460 and a shorter or equal last one, merged by {@code udp_gro_receive_segment()} into one
     * {@code SKB_GSO_UDP_L4} aggregate and cut again by {@code __udp_gso_segment()} (software checksums): the same
     * frames, byte for byte, when the IPv4 IDs counted up; a DF flow of one fixed ID merges too (the ID rule allows
     * it) and leaves with IDs counting from it, UDP GSO having no fixed-ID flag, everything else the same.
     */
    @Property(tries = 300)
    void shouldGiveBackTheDatagramsWhenGsoCutsAUdpGroAggregate(@ForAll @IntRange(min = 2, max = 40) final int n,
        @ForAll @IntRange(min = 1, max = 1460) final int mss, @ForAll @IntRange(min = 0, max = 1460) final int tailCut,
        @ForAll final boolean fixedId, @ForAll final boolean df, @ForAll final boolean v6,
        @ForAll @IntRange(min = 0, max = 65535) final int firstId) {
        final int tail = Math.max(1, mss - (tailCut % mss));
        final int count = Math.min(Math.min(n, 60000 / mss), 63);
        final boolean fixed = fixedId && df && !v6;
        if (count < 2) {
            return;
        }
        final PacketStore store = new PacketStore(256, 256, 64);
        final PacketBuilder pb = new PacketBuilder(store);
        final List<byte[]> originals = new ArrayList<>();
        final List<Integer> aggregates = new ArrayList<>();
        final GroTable gro = new GroTable(store, new GroConfig().udpGroForwarding(true),
            (h, r, t) -> aggregates.add(h));
        for (int i = 0; i < count; i++) {
            pb.reset();
            if (v6) {
                pb.ipv6(0x2001_0DB8_0000_0001L, 1, 0x2001_0DB8_0000_0002L, 2);
            } else {
                pb.ipId(fixed ? firstId : (firstId + i) & 0xFFFF).fragWord(df ? 0x4000 : 0);
            }
            final int h = pb.udp(40000, 5001).payload(i == count - 1 ? tail : mss).build();
            originals.add(frameOf(store, h));
            GroTrains.receiveState(store, h, 0x1234, true);
            gro.receive(h, 0);
        }
        gro.onPollEnd(count, 64, 0);
        assertThat(aggregates).as("one aggregate").hasSize(1);
        final int agg = aggregates.get(0);
        assertThat(store.gsoSegs(agg)).isEqualTo(count);
        assertThat(store.gsoType(agg)).isEqualTo(PacketStore.GSO_UDP_L4);
        final List<byte[]> out = softwareGso(store, agg);
        assertThat(out).hasSize(count);
        for (int i = 0; i < count; i++) {
            final byte[] want = originals.get(i).clone();
            final byte[] got = out.get(i).clone();
            if (fixed) {
                assertThat((got[18] & 0xFF) << 8 | got[19] & 0xFF).as("ID of datagram %d", i)
                    .isEqualTo((firstId + i) & 0xFFFF);
                for (final int at : new int[] {18, 19, 24, 25}) {
                    want[at] = 0;
                    got[at] = 0;
                }
            }
            assertThat(got).as("datagram %d", i).isEqualTo(want);
        }
        assertThat(store.inUse()).isZero();
    }

    /**
     * GSO(GRO(x)) = x for PPPoE session frames with OpenWrt's handler ({@code pppoe_gro_receive} /
     * {@code pppoe_gro_complete} and {@code pppoe_gso_segment}): one TCP flow carried in 1..4 PPPoE sessions at once
     * (random session ids, IPv4 or IPv6 per session, random segment counts, sizes and short tails, interleaved in a
     * random order that keeps each session's own order); each session is its own flow and gives one aggregate, and
     * GSO cuts each aggregate back into exactly the frames that went in, PPPoE lengths included.
     */
    @Property(tries = 200)
    void shouldGiveBackThePppoeSessionFramesWhenGsoCutsAGroAggregate(@ForAll final long seed,
        @ForAll @IntRange(min = 1, max = 4) final int sessions) {
        final Random rnd = new Random(seed);
        final PacketStore store = new PacketStore(512, 256, 64);
        final PacketBuilder pb = new PacketBuilder(store);
        final List<Integer> aggregates = new ArrayList<>();
        final GroTable gro = new GroTable(store, new GroConfig().pppoeGro(true), (h, r, t) -> aggregates.add(h));
        final int[] sid = new int[sessions];
        final boolean[] v6 = new boolean[sessions];
        final int[] mss = new int[sessions];
        final int[] count = new int[sessions];
        final int[] tail = new int[sessions];
        final Set<Integer> used = new HashSet<>();
        for (int k = 0; k < sessions; k++) {
            do {
                sid[k] = rnd.nextInt(0x10000);
            } while (!used.add(sid[k]));
            v6[k] = rnd.nextBoolean();
            mss[k] = 1 + rnd.nextInt(1452);
            count[k] = 2 + rnd.nextInt(Math.max(1, Math.min(40, 60000 / mss[k]) - 1));
            tail[k] = 1 + rnd.nextInt(mss[k]);
        }
        final Map<Integer, List<byte[]>> originals = new HashMap<>();
        final int[] sent = new int[sessions];
        int left = 0;
        for (final int c : count) {
            left += c;
        }
        final int total = left;
        final int[] seq = new int[sessions];
        while (left > 0) {
            int k = rnd.nextInt(sessions);
            while (sent[k] == count[k]) {
                k = (k + 1) % sessions;
            }
            final int i = sent[k]++;
            left--;
            final int len = i == count[k] - 1 ? tail[k] : mss[k];
            pb.reset().pppoe(sid[k]).tcp(40000, 80, 1000 + seq[k], 7, TcpView.ACK).payload(len).ipId(i)
                .fragWord(0x4000).timestamps(1234, 5678);
            if (v6[k]) {
                pb.ipv6(0x2001_0db8_0000_0000L, 1, 0x2001_0db8_0000_0000L, 2);
            }
            final int h = pb.build();
            seq[k] += len;
            final byte[] f = new byte[store.length(h)];
            store.getFrame(h, f, 0, f.length);
            originals.computeIfAbsent(sid[k], x -> new ArrayList<>()).add(f);
            GroTrains.receiveState(store, h, 0x1234, true);
            gro.receive(h, 0);
        }
        gro.onPollEnd(total, 1 << 16, 0);
        assertThat(aggregates).as("seed %d: one aggregate per session", seed).hasSize(sessions);
        final SoftwareGso gso = new SoftwareGso(store, new OffloadFeatures(), new Counters<>(GsoCounter.class));
        for (final int agg : aggregates) {
            final int session = store.buffer().getShort(store.frameOffset(agg) + 16, java.nio.ByteOrder.BIG_ENDIAN)
                & 0xFFFF;
            final List<byte[]> in = originals.get(session);
            assertThat(store.gsoSegs(agg)).as("seed %d session %d", seed, session).isEqualTo(in.size());
            final List<byte[]> out = new ArrayList<>();
            gso.segmentInto(agg, false, h -> {
                final byte[] f = new byte[store.length(h)];
                store.getFrame(h, f, 0, f.length);
                out.add(f);
                store.free(h);
            });
            assertThat(out).as("seed %d session %d", seed, session).hasSize(in.size());
            for (int i = 0; i < in.size(); i++) {
                assertThat(out.get(i)).as("seed %d session %d segment %d", seed, session, i).isEqualTo(in.get(i));
            }
        }
        assertThat(store.inUse()).isZero();
    }

    /** The frame of packet h, as bytes. */
    private static byte[] frameOf(final PacketStore store, final int h) {
        final byte[] f = new byte[store.length(h)];
        store.getFrame(h, f, 0, f.length);
        return f;
    }

    /** The wire frames software GSO (no checksum offload) cuts aggregate agg into, each freed once read. */
    private static List<byte[]> softwareGso(final PacketStore store, final int agg) {
        final SoftwareGso gso = new SoftwareGso(store, new OffloadFeatures(), new Counters<>(GsoCounter.class));
        final List<byte[]> out = new ArrayList<>();
        gso.segmentInto(agg, false, h -> {
            out.add(frameOf(store, h));
            store.free(h);
        });
        return out;
    }
}
