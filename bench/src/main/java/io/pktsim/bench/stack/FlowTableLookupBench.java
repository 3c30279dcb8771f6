package io.pktsim.bench.stack;

import java.util.concurrent.TimeUnit;

import io.pktsim.core.hash.Jhash;
import io.pktsim.core.header.EthernetView;
import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.random.RandomStream;
import io.pktsim.stack.conntrack.ConntrackConfig;
import io.pktsim.stack.conntrack.ConntrackTable;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Object2IntHashMap;
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
 * The conntrack tuple lookup ({@code __nf_conntrack_find_get}) of the project's {@link ConntrackTable} (open
 * addressing with linear probing on plain arrays, each {@code long} slot the tuple's Jenkins hash beside the
 * reference, both directions of an entry in one hash) against two ways of doing it with Agrona's primitive
 * maps, without allocation:
 *
 * <ul>
 * <li>{@link #openAddressing}: {@code ConntrackTable.find(src, dst, ports, proto)}.</li>
 * <li>{@link #agronaLong2Long}: a {@link Long2LongHashMap} from a 64-bit mix of the tuple to the reference,
 *     then the tuple verified against parallel arrays (a 104-bit IPv4 5-tuple does not fit in one long).</li>
 * <li>{@link #agronaLong2LongJhash}: the same map with the key's high half the conntrack table's own
 *     {@code jhash3Words} of the tuple (what an Agrona-based table would keep to model the kernel's hash).</li>
 * <li>{@link #agronaObject2Int}: an {@link Object2IntHashMap} keyed by tuple objects, looked up through one
 *     reusable mutable probe key.</li>
 * <li>{@link #plainArrayTagged}: a minimal plain-array alternative laid out like Agrona's map: one
 *     {@code long[]} of slots holding the tuple's jhash in the high half and the reference in the low half
 *     (linear probing, the conntrack table's load), the tuple verified against parallel arrays only when the
 *     hash matches. Not used by the simulator; it shows whether the difference is plain arrays or this layout.</li>
 * <li>{@link #jhashOnly}: the {@code jhash3Words} of the query alone, the part of {@link #openAddressing} that is
 *     the hash and not the table.</li>
 * </ul>
 *
 * <p>{@code entries} TCP connections (64, 4096, 65536), both tuples of each in every table; the conntrack
 * table is sized {@code nf_conntrack_max = entries} (full: its worst load). The query stream is fixed and
 * pseudo-random: 7 in 8 hit (original or reply direction, half each), 1 in 8 miss (an unknown source port).
 * The Agrona variants use a multiply-xor mix instead of jhash, which is cheaper and favours them. Score: ns per
 * lookup.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class FlowTableLookupBench {

    /** Lookups per invocation. */
    public static final int BATCH = 64;
    private static final int QUERIES = 1 << 16;
    private static final long M1 = 0x9E37_79B9_7F4A_7C15L;
    private static final long M2 = 0xC2B2_AE3D_27D4_EB4FL;
    private static final int SEED = new ConntrackConfig().hashSeed;

    @Param({"64", "4096", "65536"})
    public int entries;

    private ConntrackTable ct;
    private Long2LongHashMap l2l;
    private Long2LongHashMap l2lJ;
    private Object2IntHashMap<TupleKey> o2i;
    private final TupleKey probe = new TupleKey();
    private long[] tagged;
    private int taggedMask;
    private int[] tSrc;
    private int[] tDst;
    private int[] tPorts;
    private int[] tProto;
    private int[] qSrc;
    private int[] qDst;
    private int[] qPorts;
    private int[] qProto;
    private int next;

    /** A mutable 5-tuple key (IPv4). */
    static final class TupleKey {
        int src;
        int dst;
        int ports;
        int proto;

        TupleKey set(final int s, final int d, final int pp, final int p) {
            src = s;
            dst = d;
            ports = pp;
            proto = p;
            return this;
        }

        @Override
        public int hashCode() {
            return (int) (mix(src, dst, ports, proto) >>> 32);
        }

        @Override
        public boolean equals(final Object o) {
            if (!(o instanceof TupleKey)) {
                return false;
            }
            final TupleKey k = (TupleKey) o;
            return k.src == src && k.dst == dst && k.ports == ports && k.proto == proto;
        }
    }

    static long jkey(final int src, final int dst, final int ports, final int proto) {
        return (long) Jhash.jhash3Words(src, dst, ports, SEED ^ proto) << 32 | ((src ^ dst ^ ports) & 0xFFFF_FFFFL);
    }

    static long mix(final int src, final int dst, final int ports, final int proto) {
        final long a = ((long) src << 32 | (dst & 0xFFFF_FFFFL)) * M1;
        final long b = ((long) ports << 8 | proto) * M2;
        final long h = a ^ Long.rotateLeft(b, 31);
        return h ^ (h >>> 29);
    }

    @Setup
    public void setUp() {
        final RandomStream r = RandomStream.derive(6, 0, "conntrack-lookup-bench");
        ct = new ConntrackTable(ConntrackConfig.openWrt(entries), RandomStream.derive(6, 0, "nat"));
        l2l = new Long2LongHashMap(-1L);
        l2lJ = new Long2LongHashMap(-1L);
        o2i = new Object2IntHashMap<>(-1);
        tagged = new long[Integer.highestOneBit(entries * 4 - 1) << 1];
        taggedMask = tagged.length - 1;
        tSrc = new int[2 * entries];
        tDst = new int[2 * entries];
        tPorts = new int[2 * entries];
        tProto = new int[2 * entries];
        final PacketStore store = new PacketStore(16, 256, 64);
        final PacketBuilder pb = new PacketBuilder(store);
        for (int i = 0; i < entries; i++) {
            final int src = 0x0A00_0000 + (i >>> 10);
            final int sport = 1024 + (i & 1023);
            final int dst = 0x5000_0000 | r.nextInt(1 << 24);
            final int dport = (i & 1) == 0 ? 443 : 80;
            final int h = pb.reset().ethernet(1, 2).ipv4(src, dst).tcp(sport, dport, 1, 0, TcpView.SYN).build();
            store.pull(h, EthernetView.LENGTH);
            store.setFlag(h, PacketStore.FLAG_RAW_IP);
            final int ref = ct.in(store, h, 0);
            if (ref < 0) {
                throw new IllegalStateException("FlowTableLookupBench: conntrack refused entry " + i + ": " + ref);
            }
            ct.confirm(ref);
            store.free(h);
            put(2 * i, src, dst, sport << 16 | dport);
            put(2 * i + 1, dst, src, dport << 16 | sport);
        }
        qSrc = new int[QUERIES];
        qDst = new int[QUERIES];
        qPorts = new int[QUERIES];
        qProto = new int[QUERIES];
        int hits = 0;
        for (int q = 0; q < QUERIES; q++) {
            final int ref = r.nextInt(2 * entries);
            qSrc[q] = tSrc[ref];
            qDst[q] = tDst[ref];
            qPorts[q] = tPorts[ref];
            qProto[q] = ConntrackTable.PROTO_TCP;
            if ((q & 7) == 7) {
                qPorts[q] = (ref & 1) == 0 ? (tPorts[ref] & 0xFFFF) | 60_000 << 16 : (tPorts[ref] & ~0xFFFF) | 60_000;
            } else {
                hits++;
            }
        }
        // all three must agree on every query
        for (int q = 0; q < QUERIES; q++) {
            final boolean a = ct.find(qSrc[q], qDst[q], qPorts[q], qProto[q]) >= 0;
            final boolean b = l2lFind(qSrc[q], qDst[q], qPorts[q], qProto[q]) >= 0;
            final boolean e = taggedFind(qSrc[q], qDst[q], qPorts[q], qProto[q]) >= 0;
            final boolean d = l2lJFind(qSrc[q], qDst[q], qPorts[q], qProto[q]) >= 0;
            final boolean c = o2i.getValue(probe.set(qSrc[q], qDst[q], qPorts[q], qProto[q])) >= 0;
            if (a != b || a != c || a != d || a != e || a != ((q & 7) != 7)) {
                throw new IllegalStateException("FlowTableLookupBench: lookups disagree on query " + q);
            }
        }
        if (hits != QUERIES - QUERIES / 8) {
            throw new IllegalStateException("FlowTableLookupBench: " + hits + " hits");
        }
    }

    private void put(final int ref, final int src, final int dst, final int ports) {
        tSrc[ref] = src;
        tDst[ref] = dst;
        tPorts[ref] = ports;
        tProto[ref] = ConntrackTable.PROTO_TCP;
        if (l2l.put(mix(src, dst, ports, ConntrackTable.PROTO_TCP), ref) != -1L) {
            throw new IllegalStateException("FlowTableLookupBench: 64-bit key collision at " + ref);
        }
        if (l2lJ.put(jkey(src, dst, ports, ConntrackTable.PROTO_TCP), ref) != -1L) {
            throw new IllegalStateException("FlowTableLookupBench: jhash key collision at " + ref);
        }
        final int jh = Jhash.jhash3Words(src, dst, ports, SEED ^ ConntrackTable.PROTO_TCP);
        int slot = jh & taggedMask;
        while (tagged[slot] != 0) {
            slot = (slot + 1) & taggedMask;
        }
        tagged[slot] = (long) jh << 32 | (ref + 1);
        o2i.put(new TupleKey().set(src, dst, ports, ConntrackTable.PROTO_TCP), ref);
    }

    private int l2lFind(final int src, final int dst, final int ports, final int p) {
        final int ref = (int) l2l.get(mix(src, dst, ports, p));
        if (ref < 0 || tSrc[ref] != src || tDst[ref] != dst || tPorts[ref] != ports || tProto[ref] != p) {
            return -1;
        }
        return ref;
    }

    private int l2lJFind(final int src, final int dst, final int ports, final int p) {
        final int ref = (int) l2lJ.get(jkey(src, dst, ports, p));
        if (ref < 0 || tSrc[ref] != src || tDst[ref] != dst || tPorts[ref] != ports || tProto[ref] != p) {
            return -1;
        }
        return ref;
    }

    private int taggedFind(final int src, final int dst, final int ports, final int p) {
        final int jh = Jhash.jhash3Words(src, dst, ports, SEED ^ p);
        final long[] t = tagged;
        int slot = jh & taggedMask;
        while (true) {
            final long v = t[slot];
            if (v == 0) {
                return -1;
            }
            if ((int) (v >>> 32) == jh) {
                final int ref = (int) v - 1;
                if (tSrc[ref] == src && tDst[ref] == dst && tPorts[ref] == ports && tProto[ref] == p) {
                    return ref;
                }
            }
            slot = (slot + 1) & taggedMask;
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int plainArrayTagged() {
        int n = next;
        int sum = 0;
        for (int i = 0; i < BATCH; i++) {
            sum += taggedFind(qSrc[n], qDst[n], qPorts[n], qProto[n]);
            n = (n + 1) & (QUERIES - 1);
        }
        next = n;
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int openAddressing() {
        final ConntrackTable t = ct;
        int n = next;
        int sum = 0;
        for (int i = 0; i < BATCH; i++) {
            sum += t.find(qSrc[n], qDst[n], qPorts[n], qProto[n]);
            n = (n + 1) & (QUERIES - 1);
        }
        next = n;
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int agronaLong2Long() {
        int n = next;
        int sum = 0;
        for (int i = 0; i < BATCH; i++) {
            sum += l2lFind(qSrc[n], qDst[n], qPorts[n], qProto[n]);
            n = (n + 1) & (QUERIES - 1);
        }
        next = n;
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int agronaObject2Int() {
        final Object2IntHashMap<TupleKey> m = o2i;
        final TupleKey k = probe;
        int n = next;
        int sum = 0;
        for (int i = 0; i < BATCH; i++) {
            sum += m.getValue(k.set(qSrc[n], qDst[n], qPorts[n], qProto[n]));
            n = (n + 1) & (QUERIES - 1);
        }
        next = n;
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int agronaLong2LongJhash() {
        int n = next;
        int sum = 0;
        for (int i = 0; i < BATCH; i++) {
            sum += l2lJFind(qSrc[n], qDst[n], qPorts[n], qProto[n]);
            n = (n + 1) & (QUERIES - 1);
        }
        next = n;
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int jhashOnly() {
        int n = next;
        int sum = 0;
        for (int i = 0; i < BATCH; i++) {
            sum += Jhash.jhash3Words(qSrc[n], qDst[n], qPorts[n], SEED ^ qProto[n]);
            n = (n + 1) & (QUERIES - 1);
        }
        next = n;
        return sum;
    }
}
