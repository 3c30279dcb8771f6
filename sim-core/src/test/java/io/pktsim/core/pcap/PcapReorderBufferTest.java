package io.pktsim.core.pcap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import io.pktsim.core.random.RandomStream;
import io.pktsim.core.test.AllocationMeter;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapReorderBufferTest {

    private static final byte[] PREFIX = PcapFiles.pattern(PcapFormat.SLL_HEADER_LENGTH, 99);

    @TempDir
    Path dir;

    /** A record as it should be in its file. */
    private record Rec(long timeNs, int originalLength, byte[] bytes) {
        @Override
        public boolean equals(final Object o) {
            return o instanceof Rec r && r.timeNs == timeNs && r.originalLength == originalLength
                && Arrays.equals(r.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(timeNs) * 31 + Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return timeNs + " ns, " + originalLength + " bytes, " + Arrays.toString(bytes);
        }
    }

    private static List<Rec> read(final Path file) throws IOException, PcapFormatException {
        final List<Rec> records = new ArrayList<>();
        try (PcapReader r = PcapReader.open(file)) {
            while (r.next()) {
                final byte[] b = new byte[r.capturedLength()];
                r.frame().getBytes(0, b);
                records.add(new Rec(r.timeNs(), r.originalLength(), b));
            }
        }
        return records;
    }

    private static long backwardSteps(final List<Rec> records) {
        long n = 0;
        for (int i = 1; i < records.size(); i++) {
            n += records.get(i).timeNs() < records.get(i - 1).timeNs() ? 1 : 0;
        }
        return n;
    }

    @Test
    void shouldWriteEachFileInTimeOrderKeepingTheOrderOfEqualTimes() throws Exception {
        final RandomStream random = RandomStream.derive(5, 0, "pcap-reorder");
        final PcapWriter[] files = {null,
            PcapWriter.open(dir.resolve("eth.pcap"), PcapFormat.LINKTYPE_ETHERNET, 64),
            PcapWriter.open(dir.resolve("ppp.pcap"), PcapFormat.LINKTYPE_LINUX_SLL, 96)};
        // Few slots at first: the buffer has to grow (and keep its records) while it works.
        final PcapReorderBuffer order = new PcapReorderBuffer(files, 4, 1 << 12);
        final List<List<Rec>> added = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        final UnsafeBuffer packet = new UnsafeBuffer(new byte[300]);
        long clock = 1_000_000L;
        for (int i = 0; i < 20_000; i++) {
            clock += random.nextLong(2_000);
            assertThat(order.release(clock)).isGreaterThanOrEqualTo(0);
            // Up to 50 us ahead of the clock, on a coarse grid: many records share a time.
            final long t = clock + random.nextLong(50) * 1_000L;
            final int file = 1 + random.nextInt(2);
            final int length = random.nextInt(200);
            final int wire = length + random.nextInt(1_000);
            final byte[] data = PcapFiles.pattern(length, i);
            packet.putBytes(7, data);
            if (file == 1) {
                order.add(file, t, null, 0, packet, 7, length, wire);
                added.get(file).add(new Rec(t, wire, Arrays.copyOf(data, Math.min(length, 64))));
            } else {
                order.add(file, t, PREFIX, PREFIX.length, packet, 7, length, wire);
                final byte[] b = new byte[Math.min(PREFIX.length + length, 96)];
                System.arraycopy(PREFIX, 0, b, 0, PREFIX.length);
                System.arraycopy(data, 0, b, PREFIX.length, b.length - PREFIX.length);
                added.get(file).add(new Rec(t, PREFIX.length + wire, b));
            }
        }
        assertThat(order.held()).isPositive();
        assertThat(order.capacity()).as("grew from 4").isGreaterThanOrEqualTo(order.highWater()).isGreaterThan(4);
        assertThat(order.releaseAll()).isPositive();
        assertThat(order.held()).isZero();
        assertThat(order.earlyWrites()).isZero();
        files[1].close();
        files[2].close();
        for (int f = 1; f <= 2; f++) {
            final List<Rec> in = added.get(f);
            assertThat(backwardSteps(in)).as("the records came out of time order").isPositive();
            final List<Rec> expected = new ArrayList<>(in);
            expected.sort(Comparator.comparingLong(Rec::timeNs)); // stable: equal times keep the order added
            final List<Rec> out = read(f == 1 ? dir.resolve("eth.pcap") : dir.resolve("ppp.pcap"));
            assertThat(backwardSteps(out)).isZero();
            assertThat(out).as("file %d", f).hasSameSizeAs(in).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void shouldWriteARecordAtOnceWhenTheWatermarkHasPassedItsTime() throws Exception {
        final PcapWriter w = PcapWriter.open(dir.resolve("a.pcap"), PcapFormat.LINKTYPE_ETHERNET, 64);
        final PcapReorderBuffer order = new PcapReorderBuffer(new PcapWriter[] {w}, 8, 8);
        final UnsafeBuffer packet = new UnsafeBuffer(new byte[64]);
        order.add(0, 300, null, 0, packet, 0, 10, 10);
        order.add(0, 200, null, 0, packet, 0, 10, 10);
        assertThat(order.held()).isEqualTo(2);
        assertThat(w.records()).isZero();
        assertThat(order.release(250)).isEqualTo(1);
        assertThat(w.records()).isEqualTo(1);
        assertThat(order.release(240)).as("a watermark cannot go back").isZero();
        order.add(0, 250, null, 0, packet, 0, 10, 10);
        assertThat(order.held()).as("at the watermark: written at once").isEqualTo(1);
        assertThat(w.records()).isEqualTo(2);
        assertThat(order.release(300)).isEqualTo(1);
        w.close();
        assertThat(read(dir.resolve("a.pcap"))).extracting(Rec::timeNs).containsExactly(200L, 250L, 300L);
    }

    @Test
    void shouldWriteTheOldestEarlyWhenFullAndRefuseARecordOlderThanItsFileHolds() throws Exception {
        final PcapWriter a = PcapWriter.open(dir.resolve("a.pcap"), PcapFormat.LINKTYPE_ETHERNET, 64);
        final PcapWriter b = PcapWriter.open(dir.resolve("b.pcap"), PcapFormat.LINKTYPE_ETHERNET, 64);
        final PcapReorderBuffer order = new PcapReorderBuffer(new PcapWriter[] {a, b}, 2, 4);
        final UnsafeBuffer packet = new UnsafeBuffer(new byte[64]);
        for (final long t : new long[] {40, 10, 30, 20}) {
            order.add(0, t, null, 0, packet, 0, 10, 10);
        }
        assertThat(order.capacity()).isEqualTo(4);
        assertThat(order.earlyWrites()).isZero();
        order.add(0, 50, null, 0, packet, 0, 10, 10);
        assertThat(order.earlyWrites()).as("10 written early").isEqualTo(1);
        assertThat(a.records()).isEqualTo(1);
        // Full again: this one is older than every held record, so it is the one written.
        order.add(0, 15, null, 0, packet, 0, 10, 10);
        assertThat(order.earlyWrites()).isEqualTo(2);
        assertThat(a.records()).isEqualTo(2);
        // Another file has written nothing: an older record there is fine (written at once too).
        order.add(1, 5, null, 0, packet, 0, 10, 10);
        assertThat(order.earlyWrites()).isEqualTo(3);
        assertThat(a.records() + b.records()).isEqualTo(3);
        assertThatThrownBy(() -> order.add(0, 12, null, 0, packet, 0, 10, 10))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("a.pcap: a record at 12 ns after one at 15 ns was written")
            .hasMessageContaining("4 of at most 4 records held, 3 written early");
        assertThatThrownBy(() -> order.add(1, 7, null, 0, packet, 0, 20, 10))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("20 bytes of 10 on the wire");
        order.releaseAll();
        a.close();
        b.close();
        assertThat(read(dir.resolve("a.pcap"))).extracting(Rec::timeNs).containsExactly(10L, 15L, 20L, 30L, 40L,
            50L);
        assertThat(read(dir.resolve("b.pcap"))).extracting(Rec::timeNs).containsExactly(5L);
        assertThatThrownBy(() -> new PcapReorderBuffer(new PcapWriter[] {a}, 4, 2))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 initial and 2 most records");
    }

    @Test
    void shouldHoldAndWriteRecordsWithoutAllocating() throws Exception {
        final Path file = dir.resolve("alloc.pcap");
        final PcapWriter w = PcapWriter.open(file, PcapFormat.LINKTYPE_LINUX_SLL, 160);
        final PcapReorderBuffer order = new PcapReorderBuffer(new PcapWriter[] {null, w}, 256, 256);
        final UnsafeBuffer packet = new UnsafeBuffer(new byte[200]);
        final long[] clock = {0};
        AllocationMeter.assertNoAllocation("PcapReorderBuffer add and release", () -> {
            try {
                clock[0] += 1_000;
                order.release(clock[0]);
                final long ahead = clock[0] * 7_919 % 20_000;
                order.add(1, clock[0] + ahead, PREFIX, PREFIX.length, packet, 0, (int) (clock[0] / 1_000 % 200),
                    1_500);
            } catch (final IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(order.highWater()).isBetween(2, 256);
        assertThat(order.earlyWrites()).isZero();
        order.releaseAll();
        w.close();
        assertThat(Files.size(file)).isGreaterThan(24);
        assertThat(backwardSteps(read(file))).isZero();
    }
}
