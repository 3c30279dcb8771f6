package io.pktsim.cli.gro;

import java.util.ArrayList;
import java.util.List;

import io.pktsim.core.header.InetChecksum;
import io.pktsim.core.header.UdpView;
import io.pktsim.core.packet.ChecksumState;
import io.pktsim.core.packet.PacketParser;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.stack.gro.GroConfig;
import io.pktsim.stack.gro.GroReason;
import io.pktsim.stack.gro.GroTable;
import org.agrona.MutableDirectBuffer;

/**
 * Replays captured Ethernet frames through one NAPI instance's GRO, the engine behind {@code pktsim gro}.
 * Frames with the same timestamp arrive together and are taken by one poll (split at the weight); a later
 * timestamp starts a later poll, the simulated time between polls being the difference of the timestamps.
 * With {@code napi_defer_hard_irqs} keeping the interrupt masked, frames wait for the timer's poll (frames of
 * several timestamps that wait for the same timer are polled one timestamp after the other, a simplification).
 */
public final class GroReplay {

    /** {@code --rx-hash none}: no hash, every flow in bucket 0 (tun/tap). */
    public static final String HASH_NONE = "none";
    /** {@code --rx-hash l4}: an RSS-like hash of addresses and ports. */
    public static final String HASH_L4 = "l4";

    /** Bytes of packet slots the replay aims to stay within. */
    private static final int STORE_BUDGET_BYTES = 256 << 20;

    private final int weight;
    private final boolean l4Hash;
    private final ChecksumState rxCsum;
    private final GroConfig config;
    private final List<long[]> times = new ArrayList<>();
    private final List<byte[]> frames = new ArrayList<>();
    private final List<ReplayRecord> out = new ArrayList<>();
    private long polls;

    /**
     * @param weight NAPI weight (frames per poll), 1..65536
     * @param rxHash {@link #HASH_NONE} or {@link #HASH_L4}
     * @param rxCsum none, unnecessary, complete or partial
     * @param config the GRO knobs (HZ, timeout, defer, rx-gro-list, rx-udp-gro-forwarding, OpenWrt's PPPoE handler)
     * @throws BadInputException for a bad option value
     */
    public GroReplay(final int weight, final String rxHash, final String rxCsum, final GroConfig config)
        throws BadInputException {
        if (weight < 1 || weight > 65536) {
            throw new BadInputException(0, "--weight " + weight + " is outside 1..65536");
        }
        if (!HASH_NONE.equals(rxHash) && !HASH_L4.equals(rxHash)) {
            throw new BadInputException(0, "--rx-hash " + rxHash + " is not none or l4");
        }
        switch (rxCsum) {
            case "none" -> this.rxCsum = ChecksumState.NONE;
            case "unnecessary" -> this.rxCsum = ChecksumState.UNNECESSARY;
            case "complete" -> this.rxCsum = ChecksumState.COMPLETE;
            case "partial" -> this.rxCsum = ChecksumState.PARTIAL;
            default -> throw new BadInputException(0, "--rx-csum " + rxCsum
                + " is not none, unnecessary, complete or partial");
        }
        this.weight = weight;
        this.l4Hash = HASH_L4.equals(rxHash);
        this.config = config.keepMergedSegments(true);
    }

    /**
     * Adds a captured frame (records must come in capture order).
     *
     * @param recordNumber the 1-based record number, for messages
     * @param timeNs the capture timestamp, ns
     * @param frame the Ethernet frame
     * @throws BadInputException if the frame is too short for Ethernet or time goes backwards
     */
    public void add(final long recordNumber, final long timeNs, final byte[] frame) throws BadInputException {
        if (frame.length < 14) {
            throw new BadInputException(recordNumber, "frame of " + frame.length + " bytes is not Ethernet");
        }
        if (!times.isEmpty() && timeNs < times.get(times.size() - 1)[0]) {
            throw new BadInputException(recordNumber, "timestamp " + timeNs + " ns is earlier than the "
                + times.get(times.size() - 1)[0] + " ns of record " + times.get(times.size() - 1)[1]
                + " (sort the capture by time, e.g. with 'reordercap')");
        }
        times.add(new long[] {timeNs, recordNumber});
        frames.add(frame);
    }

    /**
     * Runs the replay.
     *
     * @return the packets the stack received, in delivery order
     */
    public List<ReplayRecord> run() {
        int max = 2048;
        for (final byte[] f : frames) {
            max = Math.max(max, f.length + 64);
        }
        final int slotBytes = max + 64;
        // enough slots for the held packets and their chained segments, within about 256 MiB of slots
        final int slots = Math.max(256, Math.min(Math.min(frames.size() + 64, 1 << 16),
            Math.max(1024, STORE_BUDGET_BYTES / slotBytes)));
        final PacketStore store = new PacketStore(slots, slotBytes, 64);
        final PacketParser parser = new PacketParser();
        final GroTable gro = new GroTable(store, config, (h, reason, nowNs) -> deliver(store, parser, h, reason,
            nowNs));
        long lastPollNs = Long.MIN_VALUE;
        int i = 0;
        while (i < frames.size()) {
            final long t = times.get(i)[0];
            int end = i;
            while (end < frames.size() && times.get(end)[0] == t) {
                end++;
            }
            while (gro.timerArmed() && gro.timerDeadlineNs() <= t) {
                gro.onTimer(gro.timerDeadlineNs());
            }
            long pollAt = t;
            if (gro.irqMasked() && gro.timerArmed()) {
                // napi_defer_hard_irqs: the interrupt stays masked, the frames wait for the timer's poll
                pollAt = gro.timerDeadlineNs();
            }
            // simulated time never goes back: frames that arrived while a deferred poll was pending are taken
            // at the earliest right after it
            pollAt = Math.max(pollAt, lastPollNs);
            lastPollNs = pollAt;
            gro.cancelTimer();
            int work = 0;
            for (int k = i; k < end; k++) {
                final byte[] f = frames.get(k);
                final int h = store.allocate();
                if (h == PacketStore.NO_PACKET) {
                    throw new IllegalStateException("record " + times.get(k)[1] + ": more packets held by GRO than "
                        + "the replay's " + slots + " packet slots");
                }
                store.putFrame(h, f, 0, f.length, f.length);
                store.arrivalNs(h, t);
                store.mark(h, k);
                prepare(store, parser, h);
                gro.receive(h, pollAt);
                if (++work == weight) {
                    gro.onPollEnd(work, weight, pollAt);
                    work = 0;
                }
            }
            gro.onPollEnd(work, weight, pollAt);
            polls += (end - i + weight - 1) / weight;
            i = end;
        }
        while (gro.timerArmed()) {
            final long at = Math.max(gro.timerDeadlineNs(), lastPollNs);
            lastPollNs = at;
            gro.onTimer(at);
        }
        if (gro.heldCount() > 0 || gro.pendingCount() > 0) {
            // not expected (every completion flushes or arms the timer); delivered with the reason napi_disable
            gro.napiDisable(lastPollNs);
        }
        return out;
    }

    /** @return driver polls that took frames (a timestamp's frames split at the weight), after {@link #run()} */
    public long polls() {
        return polls;
    }

    /** @return frames added */
    public int frameCount() {
        return frames.size();
    }

    /** @return the frames added, in capture order */
    List<byte[]> frames() {
        return frames;
    }

    /** @return whether GRO has OpenWrt's PPPoE handler */
    boolean pppoeGro() {
        return config.pppoeGro();
    }

    private void prepare(final PacketStore store, final PacketParser parser, final int h) {
        final int r = parser.parse(store, h);
        final MutableDirectBuffer b = store.buffer();
        final int f = store.frameOffset(h);
        // an RSS NIC hashes IP frames only, not PPPoE session frames (mlx5's traffic-type table sends them to the
        // indirect TIR without a hash, as the router engine models): they get no hash, GRO bucket 0
        if (l4Hash && r >= PacketParser.L3 && store.networkOffset(h) >= 0
            && ReplayJson.pppoeSession(store.buffer(), f, store.length(h)) < 0) {
            // an RSS-like hash of the addresses and ports (not Toeplitz: only bucket spreading matters here)
            final int ip = f + store.networkOffset(h);
            int x = 0x9E3779B9;
            final boolean v4 = (b.getByte(ip) & 0xF0) == 0x40;
            final int from = v4 ? 12 : 8;
            final int to = v4 ? 20 : 40;
            for (int k = from; k < to; k += 4) {
                x = (x ^ b.getInt(ip + k)) * 0x01000193;
            }
            if (r == PacketParser.L4) {
                x = (x ^ b.getInt(f + store.transportOffset(h))) * 0x01000193;
            }
            x ^= x >>> 15;
            store.hash(h, x == 0 ? 1 : x, PacketStore.HASH_L4);
        }
        store.checksumState(h, rxCsum);
        if (rxCsum == ChecksumState.COMPLETE && r == PacketParser.L4) {
            // the NIC's sum over the transport segment (the model's convention for CHECKSUM_COMPLETE)
            final int l4 = store.transportOffset(h);
            store.checksumValue(h, InetChecksum.fold(InetChecksum.sum(b, f + l4, store.length(h) - l4, 0)));
        }
    }

    private void deliver(final PacketStore store, final PacketParser parser, final int h, final GroReason reason,
        final long nowNs) {
        // an aggregate as one large frame: the head, then each chained segment's payload (after its TCP header, or
        // its UDP header in a fraglist UDP aggregate)
        final boolean udp = (store.gsoType(h) & PacketStore.GSO_UDP_L4) != 0;
        final int total = store.length(h);
        final byte[] frame = new byte[total];
        final int headStored = Math.min(store.storedLength(h), total);
        store.buffer().getBytes(store.frameOffset(h), frame, 0, headStored);
        int at = headStored;
        int g = store.next(h);
        while (g != PacketStore.NO_PACKET) {
            final int gf = store.frameOffset(g);
            final int l4 = store.transportOffset(g);
            final int from = l4 + (udp ? UdpView.LENGTH : (store.buffer().getByte(gf + l4 + 12) & 0xF0) >>> 2);
            final int n = Math.min(store.length(g) - from, total - at);
            if (n > 0) {
                store.buffer().getBytes(gf + from, frame, at, n);
                at += n;
            }
            final int next = store.next(g);
            store.free(g);
            g = next;
        }
        store.next(h, PacketStore.NO_PACKET);
        final int parsed = parser.parse(store, h);
        final FrameFields ff = FrameFields.of(store, h, total, parsed);
        out.add(new ReplayRecord(nowNs, frame, ff.payloadLen, Math.max(1, store.gsoSegs(h)), store.gsoSize(h), ff.seq,
            ff.ipId, ff.flags, reason.label(), ff.fragment));
        store.free(h);
    }
}
