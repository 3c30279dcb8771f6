package io.pktsim.nic.ppe;

/**
 * The PPE's table size and timing, as {@code mtk_ppe_start()} programs them (drivers/net/ethernet/mediatek/
 * mtk_ppe.c, Linux 6.18) and {@code mtk_ppe_check_skb()} (mtk_ppe.h) rate-limits the driver's bind check.
 * {@link #mt7621()} is the mainline driver on an MT7621; {@link #legacy4k()} the OpenWrt 19.07 driver
 * (kernel 4.14, mtk_offload.c) with its 4K table.
 */
public final class PpeConfig {

    private static final long SEC = 1_000_000_000L;

    /** {@code MTK_PPE_ENTRIES}: 8192 (1024 &lt;&lt; 3); 4096 for the legacy driver. */
    public int entries = 8192;
    /** MT7621 only: skip the 7 of every 128 entries that cross a 1 KB boundary (mtk_ppe_init_foe_table). */
    public boolean skipBoundaryEntries = true;
    /** {@code soc->hash_offset}: ways per hash bucket (2 on MT7621). */
    public int hashOffset = 2;
    /** {@code MTK_PPE_BIND_RATE_BIND}: packets per second an unbound flow must reach before binding (30). */
    public int bindRatePps = 30;
    /** The driver's per-hash check interval: HZ/10 jiffies, 100 ms. */
    public long checkIntervalNs = 100_000_000L;
    /** {@code MTK_PPE_BIND_AGE0_DELTA_UDP}: 12 s idle unbinds a UDP entry. */
    public long udpAgeNs = 12 * SEC;
    /** {@code MTK_PPE_BIND_AGE1_DELTA_TCP}: 7 s idle unbinds a TCP entry. */
    public long tcpAgeNs = 7 * SEC;
    /** {@code MTK_PPE_UNBIND_AGE_DELTA}: 3 s idle invalidates an unbound entry. */
    public long unbindAgeNs = 3 * SEC;
    /** Legacy driver: offloaded flows are written bound at once (no bind-rate learning). */
    public boolean bindOnOffload;
    /** The most flows the driver keeps in its software list (both directions count). */
    public int maxSoftwareFlows = 16384;

    /** @return the mainline driver on an MT7621: 8192 entries, 7744 usable */
    public static PpeConfig mt7621() {
        return new PpeConfig();
    }

    /**
     * The OpenWrt 19.07 (4.14) driver: a 4K table, no boundary skip, entries written bound when the flowtable
     * offloads the flow (an assumption from mtk_offload.c; the bind rate is not used).
     *
     * @return a config
     */
    public static PpeConfig legacy4k() {
        final PpeConfig c = new PpeConfig();
        c.entries = 4096;
        c.skipBoundaryEntries = false;
        c.bindOnOffload = true;
        return c;
    }
}
