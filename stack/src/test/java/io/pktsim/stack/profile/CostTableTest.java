package io.pktsim.stack.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CostTableTest {

    /** A copy of a frozen table has its costs, can be changed, and changing it leaves the original as it was. */
    @Test
    void shouldCopyAFrozenTableIntoAChangeableOne() {
        final CostTable base = new CostTable().set(CostStage.PPPOE, 0, 3300, 0).set(CostStage.DRIVER_TX, 7, 1800, 250)
            .freeze();
        final CostTable copy = base.copy().set(CostStage.GSO, 0, 1000, 1000);
        for (final CostStage s : CostStage.values()) {
            if (s != CostStage.GSO) {
                assertThat(copy.perEvent(s)).as(s.label()).isEqualTo(base.perEvent(s));
                assertThat(copy.perPacket(s)).as(s.label()).isEqualTo(base.perPacket(s));
                assertThat(copy.perByteMilli(s)).as(s.label()).isEqualTo(base.perByteMilli(s));
            }
        }
        assertThat(copy.perPacket(CostStage.DRIVER_TX)).isEqualTo(1800);
        assertThat(copy.perPacket(CostStage.GSO)).isEqualTo(1000);
        assertThat(base.perPacket(CostStage.GSO)).isZero();
        assertThatThrownBy(() -> base.set(CostStage.GSO, 0, 1, 0)).isInstanceOf(IllegalStateException.class);
    }
}
