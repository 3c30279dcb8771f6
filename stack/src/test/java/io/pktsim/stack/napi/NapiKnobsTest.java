package io.pktsim.stack.napi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.pktsim.core.cpu.HardwareThread;
import io.pktsim.stack.gro.GroConfig;
import io.pktsim.stack.gro.GroTable;

/** T9 of router-facts.md: the kernel constants are the defaults. */
class NapiKnobsTest {

    @Test
    void netdevBudgetIs300() {
        assertThat(new NapiKnobs(100).netdevBudget()).isEqualTo(300);
    }

    @Test
    void napiPollWeightIs64() {
        assertThat(NapiKnobs.NAPI_POLL_WEIGHT).isEqualTo(64);
    }

    @Test
    void devWeightIs64() {
        assertThat(new NapiKnobs(100).devWeight()).isEqualTo(64);
    }

    @Test
    void netdevBudgetUsecsIsTwoJiffiesAtOpenWrtHz() {
        assertThat(new NapiKnobs(100).netdevBudgetUsecs()).isEqualTo(20_000);
    }

    @Test
    void netdevBudgetUsecsIsTwoJiffiesAtHz250() {
        assertThat(new NapiKnobs(250).netdevBudgetUsecs()).isEqualTo(8_000);
    }

    @Test
    void netdevBudgetUsecsIsTwoJiffiesAtHz1000() {
        assertThat(new NapiKnobs(1000).netdevBudgetUsecs()).isEqualTo(2_000);
    }

    @Test
    void netdevBudgetUsecsIsTwoJiffiesWhenConverted() {
        assertThat(NapiKnobs.usecsToJiffies(new NapiKnobs(100).netdevBudgetUsecs(), 100)).isEqualTo(2);
    }

    @Test
    void maxSoftirqRestartIs10() {
        assertThat(HardwareThread.MAX_SOFTIRQ_RESTART).isEqualTo(10);
    }

    @Test
    void maxSoftirqTimeIs2Ms() {
        assertThat(HardwareThread.MAX_SOFTIRQ_TIME_NS).isEqualTo(2_000_000L);
    }

    @Test
    void netdevMaxBacklogIs1000() {
        assertThat(new NapiKnobs(100).netdevMaxBacklog()).isEqualTo(1000);
    }

    @Test
    void maxGroSkbsIs8() {
        assertThat(GroTable.MAX_HELD_PER_BUCKET).isEqualTo(8);
    }

    @Test
    void groNormalBatchIs8() {
        assertThat(new GroConfig().groNormalBatch()).isEqualTo(8);
    }

    @Test
    void groFlushTimeoutAndDeferHardIrqsAreOff() {
        assertThat(new GroConfig().groFlushTimeoutNs()).isZero();
        assertThat(new GroConfig().napiDeferHardIrqs()).isZero();
    }
}
