package io.pktsim.stack.netfilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FirewallRuleCostTest {

    @Test
    void shouldGrowFw3LinearlyInTheNumberOfDials() {
        assertThat(FirewallRuleCost.fw3(1, true, false).establishedRules()).isEqualTo(6);
        assertThat(FirewallRuleCost.fw3(8, true, false).establishedRules()).isEqualTo(20);
        assertThat(FirewallRuleCost.fw3(64, true, false).establishedRules()).isEqualTo(132);
        assertThat(FirewallRuleCost.fw3(64, true, true).establishedRules()).isEqualTo(133);
        assertThat(FirewallRuleCost.fw3(64, false, false).establishedRules()).isEqualTo(4);
        // new connection out of dial k of N: 3N + 3k + 17
        assertThat(FirewallRuleCost.fw3(8, true, false).newConnectionRules(1)).isEqualTo(3 * 8 + 3 + 17);
        assertThat(FirewallRuleCost.fw3(8, true, false).newConnectionRules(8)).isEqualTo(3 * 8 + 24 + 17);
        assertThat(FirewallRuleCost.fw3(64, true, true).newConnectionRules(32)).isEqualTo(3 * 64 + 96 + 18);
    }

    @Test
    void shouldKeepFw4ConstantInTheNumberOfDials() {
        for (final int n : new int[] {1, 8, 64}) {
            assertThat(FirewallRuleCost.fw4(n, true, false).establishedRules()).isEqualTo(3);
            assertThat(FirewallRuleCost.fw4(n, true, true).establishedRules()).isEqualTo(4);
            assertThat(FirewallRuleCost.fw4(n, true, false).newConnectionRules(n)).isEqualTo(10);
            assertThat(FirewallRuleCost.fw4(n, true, true).newConnectionRules(1)).isEqualTo(11);
        }
    }

    @Test
    void shouldAddMwan3Rules() {
        // mwan3 v2.7.5 with 8 interfaces: 6 rules per packet; a new connection walks mwan3_ifaces_in
        // (8 x (1 + 2)), one user rule and 8 statistic rules: 6 + 24 + 1 + 8 = 39
        final FirewallRuleCost c = FirewallRuleCost.fw3(8, true, false).withExtraRules(6, 39 - 6);
        assertThat(c.establishedRules()).isEqualTo(26);
        assertThat(c.rulesPerPacket(false, 3)).isEqualTo(26);
        assertThat(c.rulesPerPacket(true, 3)).isEqualTo(26 + 4 + 6 + 12 + 8 + 33);
    }

    @Test
    void shouldRejectABadDialPosition() {
        assertThatThrownBy(() -> FirewallRuleCost.fw3(4, true, false).newConnectionRules(5))
            .hasMessageContaining("dial position 5 is not in 1..4");
    }
}
