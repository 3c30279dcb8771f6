package io.pktsim.nic.irq;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class InterruptLineTest {

    @Test
    void shouldHoldWhileMaskedAndFireOnceOnUnmask() {
        final InterruptLine line = new InterruptLine(21, "mtk_eth");
        final List<Long> fired = new ArrayList<>();
        line.handler((id, t) -> {
            assertThat(id).isEqualTo(21);
            fired.add(t);
        });
        assertThat(line.raise(100, 0)).isTrue();
        line.mask();
        assertThat(line.raise(200, 0)).isFalse();
        assertThat(line.raise(300, 0)).isFalse();
        assertThat(line.pending()).isTrue();
        assertThat(fired).containsExactly(100L);
        assertThat(line.unmask(500)).isTrue();
        assertThat(fired).containsExactly(100L, 500L);
        assertThat(line.unmask(600)).as("nothing held any more").isFalse();
        assertThat(line.raisedCount()).isEqualTo(2);
        assertThat(line.heldWhileMaskedCount()).isEqualTo(2);
    }
}
