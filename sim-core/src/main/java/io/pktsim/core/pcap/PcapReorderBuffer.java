package io.pktsim.core.pcap;

import java.io.IOException;
import java.util.Arrays;

import org.agrona.DirectBuffer;

/**
 * Puts the records of a set of pcap files in time order. The producer may add records out of time order as long as
 * it knows a watermark: a time no record added later can be earlier than. {@link #release} writes every held record
 * up to the watermark to its file, oldest first; records with the same timestamp are written in the order they were
 * added (a global sequence number breaks ties, so the order never depends on the heap's layout). A record at or
 * below the last watermark is written at once, without being held. Every file's records therefore come out with
 * non-decreasing timestamps, and the same sequence of calls gives the same bytes.
 *
 * <p>Held records live in slots of one byte array, each of the largest snapshot length (the record's captured
 * bytes, cut to its file's snapshot length, as {@link PcapWriter} would cut them), indexed by a binary min-heap on
 * (timestamp, sequence). The slots start at {@code initialRecords} and double when all are held, up to
 * {@code maxRecords}: memory is at most {@code maxRecords} x (snapshot length + {@value #RECORD_OVERHEAD_BYTES})
 * bytes, and arrays are allocated only when every slot is held (a few times per run at most), never otherwise.
 * When {@code maxRecords} are held, the oldest is written before the watermark reaches it ({@link #earlyWrites}
 * counts them); if a record older than one its file already holds is added later, {@link #add} throws rather than
 * write a file out of order. One thread; writing a record allocates nothing.
 */
public final class PcapReorderBuffer {

    /** Bytes a slot costs besides its captured bytes: its entries in the heap's and the slots' arrays. */
    public static final int RECORD_OVERHEAD_BYTES = 36;

    private final PcapWriter[] files;
    private final long[] lastWrittenNs;
    private final int slotBytes;
    private final int maxRecords;

    private byte[] arena;
    private int[] slotFile;
    private int[] slotLength;
    private int[] slotWire;
    private int[] freeSlots;
    private int freeCount;
    private long[] heapTimeNs;
    private long[] heapSeq;
    private int[] heapSlot;
    private int held;
    private long seq;
    private long releasedNs = Long.MIN_VALUE;
    private int highWater;
    private long earlyWrites;

    /**
     * @param files the files, by index (null where there is none); each record names its file by this index
     * @param initialRecords the slots allocated at once, &gt;= 1
     * @param maxRecords the most records held, &gt;= initialRecords
     */
    public PcapReorderBuffer(final PcapWriter[] files, final int initialRecords, final int maxRecords) {
        if (initialRecords < 1 || maxRecords < initialRecords) {
            throw new IllegalArgumentException("PcapReorderBuffer: " + initialRecords + " initial and " + maxRecords
                + " most records (need 1 <= initial <= most)");
        }
        this.files = files.clone();
        this.lastWrittenNs = new long[files.length];
        Arrays.fill(lastWrittenNs, Long.MIN_VALUE);
        int snaplen = 1;
        for (final PcapWriter w : files) {
            if (w != null) {
                snaplen = Math.max(snaplen, w.snaplenBytes());
            }
        }
        this.slotBytes = snaplen;
        this.maxRecords = maxRecords;
        allocate(initialRecords);
    }

    private void allocate(final int records) {
        final int was = heapSlot == null ? 0 : heapSlot.length;
        arena = arena == null ? new byte[records * slotBytes] : Arrays.copyOf(arena, records * slotBytes);
        slotFile = grow(slotFile, records);
        slotLength = grow(slotLength, records);
        slotWire = grow(slotWire, records);
        heapSlot = grow(heapSlot, records);
        heapTimeNs = heapTimeNs == null ? new long[records] : Arrays.copyOf(heapTimeNs, records);
        heapSeq = heapSeq == null ? new long[records] : Arrays.copyOf(heapSeq, records);
        // Every slot is held when this is called: the new ones are the free ones.
        freeSlots = new int[records];
        freeCount = 0;
        for (int s = records - 1; s >= was; s--) {
            freeSlots[freeCount++] = s;
        }
    }

    private static int[] grow(final int[] a, final int length) {
        return a == null ? new int[length] : Arrays.copyOf(a, length);
    }

    /**
     * Adds a record: written at once if {@code timeNs} is not after the last watermark released, else held.
     *
     * @param file the file's index
     * @param timeNs the record's timestamp, in nanoseconds, &gt;= 0
     * @param prefix a link header written before the packet's bytes (counted in both lengths), or null
     * @param prefixLength the header's length, 0 without one
     * @param buffer the packet's bytes
     * @param offset the packet's first byte
     * @param length the packet's bytes available, at most wireLength
     * @param wireLength the packet's length on the wire, without the header
     * @throws IOException if a record cannot be written
     * @throws IllegalArgumentException if the time or a length is negative, or the bytes exceed the wire length
     * @throws IllegalStateException if the file already holds a record later than {@code timeNs} (more than
     *     {@code maxRecords} were waiting for the watermark, or the producer's watermark was wrong)
     */
    public void add(final int file, final long timeNs, final byte[] prefix, final int prefixLength,
        final DirectBuffer buffer, final int offset, final int length, final int wireLength) throws IOException {
        if (timeNs < 0 || length < 0 || wireLength < length || prefixLength < 0) {
            throw new IllegalArgumentException("PcapReorderBuffer " + files[file].file() + ": record at " + timeNs
                + " ns with " + length + " bytes of " + wireLength + " on the wire and a " + prefixLength
                + "-byte header (need time >= 0, 0 <= bytes <= wire, header >= 0)");
        }
        if (timeNs < lastWrittenNs[file]) {
            throw outOfOrder(file, timeNs);
        }
        if (timeNs <= releasedNs) {
            // Every held record is later: this one is the oldest.
            write(file, timeNs, prefix, prefixLength, buffer, offset, length, wireLength);
            return;
        }
        if (freeCount == 0 && !grow()) {
            // maxRecords held: the oldest of them and this one goes now.
            earlyWrites++;
            if (timeNs < heapTimeNs[0]) {
                write(file, timeNs, prefix, prefixLength, buffer, offset, length, wireLength);
                return;
            }
            writeOldest();
        }
        final int slot = freeSlots[--freeCount];
        final int base = slot * slotBytes;
        final int caplen = Math.min(prefixLength + length, files[file].snaplenBytes());
        final int head = Math.min(prefixLength, caplen);
        if (head > 0) {
            System.arraycopy(prefix, 0, arena, base, head);
        }
        buffer.getBytes(offset, arena, base + head, caplen - head);
        slotFile[slot] = file;
        slotLength[slot] = caplen;
        slotWire[slot] = prefixLength + wireLength;
        push(timeNs, seq++, slot);
    }

    private void write(final int file, final long timeNs, final byte[] prefix, final int prefixLength,
        final DirectBuffer buffer, final int offset, final int length, final int wireLength) throws IOException {
        lastWrittenNs[file] = timeNs;
        if (prefixLength == 0) {
            files[file].writeRecord(timeNs, buffer, offset, length, wireLength);
        } else {
            files[file].writeRecord(timeNs, prefix, prefixLength, buffer, offset, length, wireLength);
        }
    }

    /** All slots are held: twice as many, unless {@code maxRecords} are. */
    private boolean grow() {
        if (heapSlot.length == maxRecords) {
            return false;
        }
        allocate((int) Math.min(maxRecords, 2L * heapSlot.length));
        return true;
    }

    private IllegalStateException outOfOrder(final int file, final long timeNs) {
        return new IllegalStateException("PcapReorderBuffer " + files[file].file() + ": a record at " + timeNs
            + " ns after one at " + lastWrittenNs[file] + " ns was written (watermark " + releasedNs + " ns, "
            + held + " of at most " + maxRecords + " records held, " + earlyWrites + " written early)");
    }

    /**
     * Writes every held record with a timestamp up to {@code watermarkNs}, oldest first; from now on a record
     * added at or before it is written at once. A watermark earlier than the last one changes nothing.
     *
     * @param watermarkNs a time no later record can be earlier than, in nanoseconds
     * @return the records written
     * @throws IOException if a record cannot be written
     */
    public int release(final long watermarkNs) throws IOException {
        if (watermarkNs <= releasedNs) {
            return 0;
        }
        releasedNs = watermarkNs;
        int n = 0;
        while (held > 0 && heapTimeNs[0] <= watermarkNs) {
            writeOldest();
            n++;
        }
        return n;
    }

    /**
     * Writes every held record (the end of the capture: nothing later may be added).
     *
     * @return the records written
     * @throws IOException if a record cannot be written
     */
    public int releaseAll() throws IOException {
        final int n = held;
        while (held > 0) {
            writeOldest();
        }
        releasedNs = Long.MAX_VALUE;
        return n;
    }

    /** @return the records held now */
    public int held() {
        return held;
    }

    /** @return the most records held at once so far */
    public int highWater() {
        return highWater;
    }

    /** @return the slots allocated now (the most records held without allocating) */
    public int capacity() {
        return heapSlot.length;
    }

    /** @return the records written before the watermark reached them because {@code maxRecords} were held */
    public long earlyWrites() {
        return earlyWrites;
    }

    private void push(final long timeNs, final long order, final int slot) {
        int i = held++;
        if (held > highWater) {
            highWater = held;
        }
        final long[] t = heapTimeNs;
        final long[] q = heapSeq;
        final int[] s = heapSlot;
        while (i > 0) {
            final int parent = (i - 1) >>> 1;
            if (t[parent] < timeNs || t[parent] == timeNs && q[parent] < order) {
                break;
            }
            t[i] = t[parent];
            q[i] = q[parent];
            s[i] = s[parent];
            i = parent;
        }
        t[i] = timeNs;
        q[i] = order;
        s[i] = slot;
    }

    private void writeOldest() throws IOException {
        final long[] t = heapTimeNs;
        final long[] q = heapSeq;
        final int[] s = heapSlot;
        final long timeNs = t[0];
        final int slot = s[0];
        final int file = slotFile[slot];
        // Take the record out of the heap first: a failing write leaves the buffer consistent.
        final int last = --held;
        if (last > 0) {
            final long lt = t[last];
            final long lq = q[last];
            final int ls = s[last];
            int i = 0;
            while (true) {
                int c = 2 * i + 1;
                if (c >= last) {
                    break;
                }
                if (c + 1 < last && (t[c + 1] < t[c] || t[c + 1] == t[c] && q[c + 1] < q[c])) {
                    c++;
                }
                if (lt < t[c] || lt == t[c] && lq < q[c]) {
                    break;
                }
                t[i] = t[c];
                q[i] = q[c];
                s[i] = s[c];
                i = c;
            }
            t[i] = lt;
            q[i] = lq;
            s[i] = ls;
        }
        freeSlots[freeCount++] = slot;
        lastWrittenNs[file] = timeNs;
        files[file].writeRecord(timeNs, arena, slot * slotBytes, slotLength[slot], slotWire[slot]);
    }
}
