package io.pktsim.nic.offload;

/**
 * The offload features of one net device ({@code dev->features} and the GSO limits, include/linux/netdevice.h,
 * Linux 6.18), with their ethtool names. Mutable: the stack switches LRO off through {@link #devDisableLro()}
 * when forwarding is enabled, as {@code dev_disable_lro()} (net/core/dev.c) does.
 */
public final class OffloadFeatures {

    private boolean tso;
    private boolean tso6;
    private boolean tsoEcn;
    private boolean tsoMangleId;
    private boolean tsoAccecn;
    private boolean txChecksum;
    private boolean rxChecksum = true;
    private boolean lro;
    private boolean gro = true;
    private boolean rxGroList;
    private int gsoMaxSegs = 65535;
    private int gsoMaxSizeBytes = 65536;
    private long lroDisabledCount;

    /** @return {@code tx-tcp-segmentation} (TSO for IPv4) */
    public boolean tso() {
        return tso;
    }

    /**
     * @param on {@code tx-tcp-segmentation}
     * @return this
     */
    public OffloadFeatures tso(final boolean on) {
        tso = on;
        return this;
    }

    /** @return {@code tx-tcp6-segmentation} */
    public boolean tso6() {
        return tso6;
    }

    /**
     * @param on {@code tx-tcp6-segmentation}
     * @return this
     */
    public OffloadFeatures tso6(final boolean on) {
        tso6 = on;
        return this;
    }

    /** @return {@code tx-tcp-ecn-segmentation} (TSO of SKB_GSO_TCP_ECN packets) */
    public boolean tsoEcn() {
        return tsoEcn;
    }

    /**
     * @param on {@code tx-tcp-ecn-segmentation}
     * @return this
     */
    public OffloadFeatures tsoEcn(final boolean on) {
        tsoEcn = on;
        return this;
    }

    /** @return {@code tx-tcp-mangleid-segmentation} (TSO of FIXEDID packets) */
    public boolean tsoMangleId() {
        return tsoMangleId;
    }

    /**
     * @param on {@code tx-tcp-mangleid-segmentation}
     * @return this
     */
    public OffloadFeatures tsoMangleId(final boolean on) {
        tsoMangleId = on;
        return this;
    }

    /** @return {@code tx-tcp-accecn-segmentation} */
    public boolean tsoAccecn() {
        return tsoAccecn;
    }

    /**
     * @param on {@code tx-tcp-accecn-segmentation}
     * @return this
     */
    public OffloadFeatures tsoAccecn(final boolean on) {
        tsoAccecn = on;
        return this;
    }

    /** @return {@code tx-checksumming}: the device completes CHECKSUM_PARTIAL TCP checksums */
    public boolean txChecksum() {
        return txChecksum;
    }

    /**
     * @param on {@code tx-checksumming}
     * @return this
     */
    public OffloadFeatures txChecksum(final boolean on) {
        txChecksum = on;
        return this;
    }

    /** @return {@code rx-checksumming}: the device verifies received checksums */
    public boolean rxChecksum() {
        return rxChecksum;
    }

    /**
     * @param on {@code rx-checksumming}
     * @return this
     */
    public OffloadFeatures rxChecksum(final boolean on) {
        rxChecksum = on;
        return this;
    }

    /** @return {@code large-receive-offload} */
    public boolean lro() {
        return lro;
    }

    /**
     * @param on {@code large-receive-offload}
     * @return this
     */
    public OffloadFeatures lro(final boolean on) {
        lro = on;
        return this;
    }

    /** @return {@code generic-receive-offload} */
    public boolean gro() {
        return gro;
    }

    /**
     * @param on {@code generic-receive-offload}
     * @return this
     */
    public OffloadFeatures gro(final boolean on) {
        gro = on;
        return this;
    }

    /** @return {@code rx-gro-list} */
    public boolean rxGroList() {
        return rxGroList;
    }

    /**
     * @param on {@code rx-gro-list}
     * @return this
     */
    public OffloadFeatures rxGroList(final boolean on) {
        rxGroList = on;
        return this;
    }

    /** @return {@code gso_max_segs} */
    public int gsoMaxSegs() {
        return gsoMaxSegs;
    }

    /**
     * @param segs {@code ip link set dev D gso_max_segs N}, at least 1
     * @return this
     */
    public OffloadFeatures gsoMaxSegs(final int segs) {
        if (segs < 1) {
            throw new IllegalArgumentException("OffloadFeatures: gso_max_segs " + segs + " is below 1");
        }
        gsoMaxSegs = segs;
        return this;
    }

    /** @return {@code gso_max_size} in bytes */
    public int gsoMaxSizeBytes() {
        return gsoMaxSizeBytes;
    }

    /**
     * @param bytes {@code ip link set dev D gso_max_size N}, at least 1
     * @return this
     */
    public OffloadFeatures gsoMaxSizeBytes(final int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("OffloadFeatures: gso_max_size " + bytes + " is below 1");
        }
        gsoMaxSizeBytes = bytes;
        return this;
    }

    /**
     * {@code dev_disable_lro()} (net/core/dev.c, 6.18): clears {@code NETIF_F_LRO}. Called when IPv4 or IPv6
     * forwarding is switched on, for devices created while it is on, when a device joins a bridge, OVS or HSR,
     * when XDP is attached, and through upper devices.
     *
     * @return true if LRO was on and is now off
     */
    public boolean devDisableLro() {
        if (!lro) {
            return false;
        }
        lro = false;
        lroDisabledCount++;
        return true;
    }

    /** @return how many times {@link #devDisableLro()} switched LRO off */
    public long lroDisabledCount() {
        return lroDisabledCount;
    }
}
