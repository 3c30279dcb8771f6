package io.pktsim.nic.rss;

/**
 * The RSS indirection table (RETA): hash to RX queue. The default spreads entries round robin,
 * {@code ethtool_rxfh_indir_default(index, n_rx_rings) = index % n_rx_rings} (include/linux/ethtool.h,
 * Linux 6.18), over {@link #DEFAULT_SIZE} entries; the entry is chosen by the low bits of the hash.
 */
public final class RssIndirection {

    /** Entries of the usual table (ixgbe, i40e VF, mlx5 default 128). */
    public static final int DEFAULT_SIZE = 128;

    private final int[] table;
    private final int mask;
    private final int queues;

    /**
     * Creates the default table.
     *
     * @param queues the number of RX queues, at least 1
     */
    public RssIndirection(final int queues) {
        this(queues, DEFAULT_SIZE);
    }

    /**
     * Creates the default table of a given size.
     *
     * @param queues the number of RX queues, at least 1
     * @param sizeEntries entries, a power of two
     */
    public RssIndirection(final int queues, final int sizeEntries) {
        if (queues < 1 || sizeEntries < 1 || Integer.bitCount(sizeEntries) != 1) {
            throw new IllegalArgumentException("RssIndirection: " + queues + " queues and " + sizeEntries
                + " entries (need queues >= 1 and a power-of-two size)");
        }
        this.queues = queues;
        this.table = new int[sizeEntries];
        this.mask = sizeEntries - 1;
        for (int i = 0; i < sizeEntries; i++) {
            table[i] = defaultEntry(i, queues);
        }
    }

    /**
     * {@code ethtool_rxfh_indir_default()}.
     *
     * @param index the entry
     * @param queues the number of RX queues
     * @return the queue of the entry
     */
    public static int defaultEntry(final int index, final int queues) {
        return index % queues;
    }

    /**
     * The queue of a hash.
     *
     * @param hash the RSS hash
     * @return the RX queue
     */
    public int queueOf(final int hash) {
        return table[hash & mask];
    }

    /**
     * Sets one entry ({@code ethtool -X}).
     *
     * @param index the entry
     * @param queue the queue, below {@link #queues()}
     */
    public void set(final int index, final int queue) {
        if (queue < 0 || queue >= queues) {
            throw new IllegalArgumentException("RssIndirection: queue " + queue + " is not below " + queues);
        }
        table[index & mask] = queue;
    }

    /**
     * @param index the entry
     * @return its queue
     */
    public int entry(final int index) {
        return table[index & mask];
    }

    /** @return the number of entries */
    public int size() {
        return table.length;
    }

    /** @return the number of queues */
    public int queues() {
        return queues;
    }
}
