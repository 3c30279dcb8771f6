package io.pktsim.stack.profile;

/**
 * Constants of the MediaTek frame-engine driver (drivers/net/ethernet/mediatek/mtk_eth_soc.h; router-facts.md
 * section 5), pinned by tests and used by the {@code mt7621} profile.
 */
public final class MtkEthSoc {

    /** {@code MTK_DMA_SIZE} up to 5.12: RX/TX DMA ring slots. */
    public static final int MTK_DMA_SIZE_UP_TO_5_12 = 256;
    /** {@code MTK_DMA_SIZE} from 5.13: RX/TX DMA ring slots. */
    public static final int MTK_DMA_SIZE = 512;
    /** {@code MTK_QDMA_RING_SIZE} from 6.2: the QDMA TX ring MT7621 transmits through. */
    public static final int MTK_QDMA_RING_SIZE = 2048;
    /** {@code MTK_PDMA_DELAY_RX_PINT}: RX delay interrupt after this many packets (up to 5.12). */
    public static final int MTK_PDMA_DELAY_RX_PINT = 4;
    /** {@code MTK_PDMA_DELAY_RX_PTIME}: RX delay interrupt after this many 20 us units (up to 5.12). */
    public static final int MTK_PDMA_DELAY_RX_PTIME = 4;
    /** The hardware's delay-interrupt time unit, microseconds. */
    public static final int DELAY_UNIT_USECS = 20;
    /** {@code MTK_NAPI_WEIGHT}. */
    public static final int MTK_NAPI_WEIGHT = 64;

    private MtkEthSoc() {
    }

    /** @return the RX coalescing delay up to 5.12, microseconds (4 x 20 = 80) */
    public static int rxDelayUsecs() {
        return MTK_PDMA_DELAY_RX_PTIME * DELAY_UNIT_USECS;
    }
}
