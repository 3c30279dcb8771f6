package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import io.pktsim.core.packet.PacketStore;
import io.pktsim.nic.ppe.PpeConfig;
import io.pktsim.nic.ppe.PpeCounter;
import io.pktsim.nic.ppe.PpeFlowTable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link PpeParser#receive} (header words read in place) against {@link PpeParser#receiveChecked} (every word
 * through the buffer's checked accessors): random frames (802.1Q or not, PPPoE or not, IPv4 with any header length,
 * IPv6, other EtherTypes, PPP protocols and IP protocols), at random offsets in their slots and in the last slots of
 * the buffer, must give two tables the same results and entries, or the same range error.
 */
class PpeParserTest {

    @ParameterizedTest
    @ValueSource(longs = {11L, 12L, 13L, 14L})
    void shouldParseAsTheCheckedPath(final long seed) {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final int slots = 64;
        final PacketStore store = new PacketStore(slots, 160, 32);
        final int[] handles = new int[slots];
        for (int i = 0; i < slots; i++) {
            handles[i] = store.allocate();
        }
        final PpeFlowTable fast = new PpeFlowTable(PpeConfig.mt7621());
        final PpeFlowTable checked = new PpeFlowTable(PpeConfig.mt7621());
        // a few flows' words, so that entries repeat, reach the bind rate and collide
        final int[] words = new int[24];
        for (int i = 0; i < words.length; i++) {
            words[i] = rnd.nextInt();
        }
        final byte[] frame = new byte[128];
        int results = 0;
        int errors = 0;
        long now = 0;
        for (int step = 0; step < 100_000; step++) {
            now += rnd.nextLong(100_000);
            final int h = handles[rnd.nextInt(4) == 0 ? slots - 1 - rnd.nextInt(2) : rnd.nextInt(slots)];
            if (store.headroom(h) > 32) {
                store.push(h, store.headroom(h) - 32);
            }
            // start the frame further on in the slot now and then, towards (and past) the parse's reach at the
            // buffer's end in the last slots
            store.storedLength(h, frame.length);
            final int skip = rnd.nextInt(3) == 0 ? rnd.nextInt(100) : 0;
            store.pull(h, skip);
            rnd.nextBytes(frame);
            final int len = Math.min(fill(rnd, frame, words), frame.length - skip);
            store.putFrame(h, frame, 0, len, len);
            String fastError = null;
            String checkedError = null;
            PpeFlowTable.Result a = null;
            PpeFlowTable.Result b = null;
            try {
                a = PpeParser.receive(store, fast, h, now);
            } catch (final IndexOutOfBoundsException e) {
                fastError = e.getClass().getName();
            }
            try {
                b = PpeParser.receiveChecked(store, checked, h, now);
            } catch (final IndexOutOfBoundsException e) {
                checkedError = e.getClass().getName();
            }
            assertThat(fastError).as("seed %d step %d", seed, step).isEqualTo(checkedError);
            assertThat(a).as("seed %d step %d", seed, step).isEqualTo(b);
            assertThat(fast.lastHash()).as("seed %d step %d", seed, step).isEqualTo(checked.lastHash());
            results += a != null ? 1 : 0;
            errors += fastError != null ? 1 : 0;
        }
        for (final PpeCounter c : PpeCounter.values()) {
            assertThat(fast.counters().get(c)).as(c.name()).isEqualTo(checked.counters().get(c));
        }
        assertThat(results).isGreaterThan(10_000);
        assertThat(fast.counters().get(PpeCounter.RATE_REACHED)).isPositive();
        // frames whose parse would pass the buffer's end: the checked path's range error
        assertThat(errors).isPositive();
    }

    /** Writes a random frame's headers over random bytes; returns its stored length. */
    private static int fill(final SplittableRandom rnd, final byte[] f, final int[] words) {
        int at = 12;
        if (rnd.nextInt(3) == 0) {
            put16(f, at, 0x8100);
            at += 4;
        }
        final boolean pppoe = rnd.nextBoolean();
        final boolean v6 = rnd.nextInt(3) != 0;
        final int odd = rnd.nextInt(20);
        if (pppoe) {
            put16(f, at, 0x8864);
            put16(f, at + 2 + 6, odd == 0 ? 0xC021 : v6 ? 0x0057 : 0x0021);
            at += 2 + 8;
        } else {
            put16(f, at, odd == 0 ? 0x0806 : v6 ? 0x86DD : 0x0800);
            at += 2;
        }
        final int proto = odd == 1 ? 1 : odd == 2 ? 58 : rnd.nextBoolean() ? 6 : 17;
        if (v6) {
            f[at + 6] = (byte) proto;
            final int flow = rnd.nextInt(2) * 8;
            for (int k = 8; k < 40; k += 4) {
                put32(f, at + k, words[flow + (k - 8) / 4]);
            }
            put32(f, at + 40, words[16 + rnd.nextInt(4)]);
        } else {
            final int ihl = rnd.nextInt(4) == 0 ? 5 + rnd.nextInt(11) : 5;
            f[at] = (byte) (0x40 | ihl);
            f[at + 9] = (byte) proto;
            put32(f, at + 12, words[rnd.nextInt(4)]);
            put32(f, at + 16, words[4 + rnd.nextInt(4)]);
            if (at + ihl * 4 + 4 <= f.length) {
                put32(f, at + ihl * 4, words[16 + rnd.nextInt(4)]);
            }
        }
        return Math.min(f.length, 14 + rnd.nextInt(f.length - 13));
    }

    private static void put16(final byte[] f, final int at, final int v) {
        f[at] = (byte) (v >>> 8);
        f[at + 1] = (byte) v;
    }

    private static void put32(final byte[] f, final int at, final int v) {
        put16(f, at, v >>> 16);
        put16(f, at + 2, v);
    }
}
