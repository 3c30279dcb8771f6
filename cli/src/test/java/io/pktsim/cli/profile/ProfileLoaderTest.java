package io.pktsim.cli.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;

import org.junit.jupiter.api.Test;

import io.pktsim.cli.config.ConfigException;
import io.pktsim.stack.profile.CostStage;
import io.pktsim.stack.profile.CostTable;
import io.pktsim.stack.profile.DeviceProfile;
import io.pktsim.stack.profile.MtkEthSoc;

class ProfileLoaderTest {

    private final ProfileLoader loader = new ProfileLoader();

    @Test
    void shouldLoadTheMt7621WithTheDriverConstants() throws Exception {
        final DeviceProfile p = loader.load("mt7621");
        assertThat(p.name()).isEqualTo("mt7621");
        assertThat(p.cores()).isEqualTo(2);
        assertThat(p.threadsPerCore()).isEqualTo(2);
        assertThat(p.clockHz()).isEqualTo(880_000_000L);
        assertThat(p.hz()).isEqualTo(100);
        assertThat(p.smtThroughputPermille()).isEqualTo(1200);
        assertThat(p.rxRingSlots()).isEqualTo(MtkEthSoc.MTK_DMA_SIZE).isEqualTo(512);
        assertThat(p.txRingSlots()).isEqualTo(MtkEthSoc.MTK_QDMA_RING_SIZE).isEqualTo(2048);
        assertThat(p.rxFrames()).isEqualTo(MtkEthSoc.MTK_PDMA_DELAY_RX_PINT).isEqualTo(4);
        assertThat(p.rxUsecs()).isEqualTo(MtkEthSoc.rxDelayUsecs()).isEqualTo(80);
        assertThat(p.napiWeight()).isEqualTo(64);
        assertThat(p.sharedIrq()).isTrue();
        assertThat(p.separateTxNapi()).isTrue();
        assertThat(p.threadedNapi()).isTrue();
        assertThat(p.effectiveNetdevBudgetUsecs()).isEqualTo(20_000);
        assertThat(p.costs().perByteMilli(CostStage.DRIVER_RX)).isEqualTo(500);
        assertThat(p.costs().perEvent(CostStage.HARD_IRQ)).isEqualTo(3000);
    }

    @Test
    void shouldPinTheOlderMtkRingSize() {
        assertThat(MtkEthSoc.MTK_DMA_SIZE_UP_TO_5_12).isEqualTo(256);
    }

    @Test
    void shouldLoadTheMt7620AsOneCoreAt580Mhz() throws Exception {
        final DeviceProfile p = loader.load("mt7620");
        assertThat(p.threadCount()).isEqualTo(1);
        assertThat(p.clockHz()).isEqualTo(580_000_000L);
        assertThat(p.hz()).isEqualTo(100);
    }

    @Test
    void shouldPriceTheX86PathsAsTheXdpPaperMeasured() throws Exception {
        final DeviceProfile p = loader.load("x86");
        assertThat(p.hz()).isEqualTo(1000);
        assertThat(p.effectiveNetdevBudgetUsecs()).isEqualTo(2_000);
        final CostTable c = p.costs();
        final double poll = c.perEvent(CostStage.NAPI_POLL) / 64.0;
        final double raw = poll + c.packetCycles(CostStage.DRIVER_RX, 64) + c.packetCycles(CostStage.GRO, 64)
            + c.packetCycles(CostStage.NETIF_RECEIVE, 64) + c.packetCycles(CostStage.RAW_DROP, 64);
        final double fwd = poll + c.packetCycles(CostStage.DRIVER_RX, 64) + c.packetCycles(CostStage.GRO, 64)
            + c.packetCycles(CostStage.NETIF_RECEIVE, 64) + c.packetCycles(CostStage.FIB, 64)
            + c.packetCycles(CostStage.FORWARD, 64) + c.packetCycles(CostStage.DRIVER_TX, 64)
            + c.packetCycles(CostStage.TX_COMPLETION, 64);
        // router-facts.md section 12: 713 and 2069 cycles per packet at 3.6 GHz
        assertThat(raw).isBetween(713 * 0.97, 713 * 1.03);
        assertThat(fwd).isBetween(2069 * 0.97, 2069 * 1.03);
    }

    @Test
    void shouldRejectAnUnknownKeyWithItsPlaceAndASuggestion() {
        assertThatThrownBy(() -> loader.parse("p.yaml", new StringReader("""
            name: p
            cpu:
              cores: 1
              treadsPerCore: 2
              clockHz: 1000000000
              hz: 100
            driver: {name: d, rxRingSlots: 256, txRingSlots: 256}
            costs: {}
            """))).isInstanceOf(ConfigException.class)
            .hasMessageStartingWith("p.yaml:4:3: unknown key 'treadsPerCore'")
            .hasMessageContaining("did you mean 'threadsPerCore'?");
    }

    @Test
    void shouldRejectAnUnknownCostStage() {
        assertThatThrownBy(() -> loader.parse("p.yaml", new StringReader("""
            name: p
            cpu: {cores: 1, clockHz: 1000000000, hz: 100}
            driver: {name: d, rxRingSlots: 256, txRingSlots: 256}
            costs:
              fibb: {perPacket: 10}
            """))).isInstanceOf(ConfigException.class)
            .hasMessageStartingWith("p.yaml:5:3: unknown key 'fibb'")
            .hasMessageContaining("did you mean 'fib'?");
    }

    @Test
    void shouldRejectARingThatIsNotAPowerOfTwo() {
        assertThatThrownBy(() -> loader.parse("p.yaml", new StringReader("""
            name: p
            cpu: {cores: 1, clockHz: 1000000000, hz: 100}
            driver: {name: d, rxRingSlots: 500, txRingSlots: 256}
            costs: {}
            """))).isInstanceOf(ConfigException.class)
            .hasMessageStartingWith("p.yaml:3:")
            .hasMessageContaining("'rxRingSlots' is 500; expected a power of two");
    }

    @Test
    void shouldGiveTheX86MlxDefaultChannelsAndTheSocsOneQueue() throws Exception {
        // mlx5e_build_nic_params: one channel per CPU (the completion vectors); the frame engines have one RX ring
        assertThat(loader.load("x86").rxQueues()).isEqualTo(4).isEqualTo(loader.load("x86").threadCount());
        assertThat(loader.load("mt7621").rxQueues()).isEqualTo(1);
        assertThat(loader.load("mt7620").rxQueues()).isEqualTo(1);
    }

    private static final String MLX = """
        name: p
        cpu: {cores: 4, clockHz: 1000000000, hz: 100}
        driver: {name: mlx5_core, rxRingSlots: 256, txRingSlots: 256, rxQueues: %s}
        costs: {}
        """;

    @Test
    void shouldRejectRxQueuesOutOfRangeWithItsPlace() throws Exception {
        for (final String bad : new String[] {"0", "-1", "257"}) {
            assertThatThrownBy(() -> loader.parse("p.yaml", new StringReader(MLX.formatted(bad))))
                .as("rxQueues %s", bad).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("p.yaml:3:").hasMessageContaining("rxQueues");
        }
        assertThatThrownBy(() -> loader.parse("p.yaml", new StringReader(MLX.formatted("5"))))
            .isInstanceOf(ConfigException.class).hasMessageStartingWith("p.yaml:3:")
            .hasMessageContaining("'driver.rxQueues' is 5; expected 1 to 4 (one channel per CPU at most");
        assertThatThrownBy(() -> loader.parse("p.yaml", new StringReader(MLX.formatted("2")
            .replace("mlx5_core", "mtk_eth_soc")))).isInstanceOf(ConfigException.class)
            .hasMessageStartingWith("p.yaml:3:")
            .hasMessageContaining("'driver.rxQueues' is 2; driver 'mtk_eth_soc' has one RX queue here");
        assertThat(new ProfileLoader().parse("p.yaml", new StringReader(MLX.formatted("3")))).satisfies(
            p -> assertThat(p.rxQueues()).isEqualTo(3));
    }

    @Test
    void shouldReadGroNormalBatchAndRejectItOutOfRange() throws Exception {
        // net.core.gro_normal_batch: 8 on every built-in profile (net_hotdata's default, 6.18)
        for (final String name : new String[] {"x86", "mt7621", "mt7620"}) {
            assertThat(loader.load(name).groNormalBatch()).as(name).isEqualTo(8);
        }
        final String yaml = """
            name: p
            cpu: {cores: 1, clockHz: 1000000000, hz: 100}
            driver: {name: d, rxRingSlots: 256, txRingSlots: 256}
            napi: {groNormalBatch: %s}
            costs: {}
            """;
        assertThat(loader.parse("p.yaml", new StringReader(yaml.formatted("1"))).groNormalBatch()).isEqualTo(1);
        for (final String bad : new String[] {"0", "-8", "4097", "eight"}) {
            assertThatThrownBy(() -> loader.parse("p.yaml", new StringReader(yaml.formatted(bad))))
                .as("groNormalBatch %s", bad).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("p.yaml:4:").hasMessageContaining("groNormalBatch");
        }
    }

    @Test
    void shouldSuggestTheNearestBuiltInProfile() {
        assertThatThrownBy(() -> loader.load("mt7612")).isInstanceOf(ConfigException.class)
            .hasMessageContaining("unknown profile 'mt7612'; did you mean 'mt7621'?");
    }
}
