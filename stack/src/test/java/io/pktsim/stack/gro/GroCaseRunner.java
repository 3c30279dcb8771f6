package io.pktsim.stack.gro;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.pktsim.core.packet.ChecksumState;
import io.pktsim.core.packet.PacketStore;

/**
 * Runs one case of a GRO case file through a {@link GroTable} the way the kernel selftest drives a tap device:
 * consecutive packets form one NAPI poll (split at the weight of 64), {@code gap_before} starts a new poll,
 * the receive hash is unset (every flow in bucket 0).
 */
final class GroCaseRunner {

    /** What one delivered packet looked like. */
    static final class Delivered {
        final int payload;
        final boolean tcp;
        final boolean fin;
        final int segs;
        final int frameLength;
        final GroReason reason;

        Delivered(final int payload, final boolean tcp, final boolean fin, final int segs, final int frameLength,
            final GroReason reason) {
            this.payload = payload;
            this.tcp = tcp;
            this.fin = fin;
            this.segs = segs;
            this.frameLength = frameLength;
            this.reason = reason;
        }
    }

    static final long DEFAULT_GAP_NS = 10_000_000L;
    static final int WEIGHT = 64;

    private GroCaseRunner() {
    }

    static List<Delivered> run(final JsonNode defaults, final JsonNode c) {
        final String family = c.get("family").asText();
        final GroCaseFrames frames = new GroCaseFrames(defaults);
        final PacketStore store = new PacketStore(512, 4400, 64);
        final GroConfig config = new GroConfig();
        final JsonNode napi = c.get("napi");
        if (napi != null) {
            config.groFlushTimeoutNs(napi.path("gro_flush_timeout_ns").asLong(0));
            config.napiDeferHardIrqs(napi.path("napi_defer_hard_irqs").asInt(0));
        }
        final boolean partial = "partial".equals(c.path("rx_csum").asText("none"));
        final List<Delivered> out = new ArrayList<>();
        final GroTable gro = new GroTable(store, config, (h, reason, now) -> {
            out.add(describe(store, family, h, reason));
            store.free(h);
        });
        // group the packets into arrival batches with their times
        final List<List<byte[]>> batches = new ArrayList<>();
        final List<Long> times = new ArrayList<>();
        long t = 0;
        for (final JsonNode p : c.get("packets")) {
            final boolean gap = p.path("gap_before").asBoolean(false) || p.has("gap_before_ms");
            if (batches.isEmpty() || gap) {
                if (!batches.isEmpty()) {
                    t += p.has("gap_before_ms") ? p.get("gap_before_ms").asLong() * 1_000_000L : DEFAULT_GAP_NS;
                }
                batches.add(new ArrayList<>());
                times.add(t);
            }
            batches.get(batches.size() - 1).add(frames.build(family, p));
        }
        for (int i = 0; i < batches.size(); i++) {
            final long at = times.get(i);
            // the hrtimer may fire before this batch
            while (gro.timerArmed() && gro.timerDeadlineNs() <= at) {
                gro.onTimer(gro.timerDeadlineNs());
            }
            gro.cancelTimer();
            final List<byte[]> batch = batches.get(i);
            int done = 0;
            int work = 0;
            while (done < batch.size()) {
                final byte[] f = batch.get(done++);
                final int h = store.allocate();
                store.putFrame(h, f, 0, f.length, f.length);
                store.hash(h, 0, PacketStore.HASH_NONE);
                store.checksumState(h, partial ? ChecksumState.PARTIAL : ChecksumState.NONE);
                gro.receive(h, at);
                if (++work == WEIGHT) {
                    gro.onPollEnd(work, WEIGHT, at);
                    work = 0;
                }
            }
            gro.onPollEnd(work, WEIGHT, at);
        }
        while (gro.timerArmed()) {
            gro.onTimer(gro.timerDeadlineNs());
        }
        return out;
    }

    private static Delivered describe(final PacketStore store, final String family, final int h,
        final GroReason reason) {
        final byte[] f = new byte[store.length(h)];
        store.getFrame(h, f, 0, f.length);
        final int segs = Math.max(1, store.gsoSegs(h));
        final int ethertype = ((f[12] & 0xFF) << 8) | (f[13] & 0xFF);
        int at = 14;
        int ipTotal;
        if ("ipv6".equals(family)) {
            if (ethertype != 0x86DD || f.length < 54) {
                return new Delivered(-1, false, false, segs, f.length, reason);
            }
            ipTotal = 40 + (((f[at + 4] & 0xFF) << 8) | (f[at + 5] & 0xFF));
            int nh = f[at + 6] & 0xFF;
            int off = 40;
            while (nh == 0 || nh == 43 || nh == 60 || nh == 44) {
                final int next = f[at + off] & 0xFF;
                off += nh == 44 ? 8 : ((f[at + off + 1] & 0xFF) + 1) * 8;
                nh = next;
            }
            at += off;
        } else {
            if (ethertype != 0x0800 || f.length < 54) {
                return new Delivered(-1, false, false, segs, f.length, reason);
            }
            ipTotal = ((f[at + 2] & 0xFF) << 8) | (f[at + 3] & 0xFF);
            at += (f[at] & 0x0F) * 4;
            if ("ipip".equals(family)) {
                at += 20;
            }
        }
        final int thlen = ((f[at + 12] & 0xF0) >>> 4) * 4;
        final boolean fin = (f[at + 13] & 0x01) != 0;
        // the selftest's receiver counts the frame length, except for a minimum-size (padded) 60-byte frame
        final int ipBytes = f.length == 60 ? Math.min(f.length - 14, ipTotal) : f.length - 14;
        final int payload = ipBytes - (at - 14) - thlen;
        return new Delivered(payload, true, fin, segs, f.length, reason);
    }
}
