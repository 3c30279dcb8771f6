package io.pktsim.cli.scenario;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.pktsim.cli.PktsimMain;
import io.pktsim.cli.config.ConfigException;
import io.pktsim.cli.config.Suggest;
import io.pktsim.cli.config.Units;
import io.pktsim.cli.profile.ProfileLoader;
import io.pktsim.stack.profile.DeviceProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code pktsim show-profile NAME}: a device preset ({@code k2p}, {@code newifi-y1}, {@code x86}) or a built-in
 * profile ({@code mt7621}, {@code mt7620}, {@code x86}), resolved with every default, as YAML.
 */
@Command(
    name = "show-profile",
    mixinStandardHelpOptions = true,
    description = {
        "Print a device preset or profile with every default filled in.",
        "NAME is a preset (k2p, newifi-y1, x86) or a built-in profile (mt7621, mt7620,",
        "x86); the output is YAML in the profile files' format (costs in CPU cycles).",
        "Exit codes: 0 done, 2 unknown name."})
public final class ShowProfileCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "A preset or built-in profile name.")
    private String name;

    @Override
    public Integer call() {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final Preset preset = Preset.byLabel(name);
        final String profileName = preset != null ? preset.profile() : name;
        if (preset == null && !ProfileLoader.BUILT_IN.contains(name)) {
            final List<String> known = names();
            final String near = Suggest.nearest(name, known);
            err.println("pktsim show-profile: unknown profile '" + name + "'"
                + (near == null ? "" : "; did you mean '" + near + "'?") + " (known: " + String.join(", ", known)
                + ")");
            err.flush();
            return PktsimMain.EXIT_USAGE;
        }
        final DeviceProfile p;
        try {
            p = new ProfileLoader().load(profileName);
        } catch (final ConfigException | IOException e) {
            err.println("pktsim show-profile: " + e.getMessage());
            err.flush();
            return PktsimMain.EXIT_FAILED;
        }
        if (preset != null) {
            out.println("# preset " + preset.label() + ": " + preset.description());
            out.println("# ports: " + preset.ports() + " at " + Units.formatBps(preset.portRateBps())
                + " (1 LAN, up to "
                + preset.maxLines() + " WAN lines); profile " + preset.profile()
                + " (override its keys under 'device:' in a scenario)");
            out.println(preset.hasSwitch() ? "# switch: swconfig (the default) or dsa ('device.switch' in a scenario)"
                : "# switch: none (its ports are NICs; 'device.switch' takes swconfig only)");
        }
        out.print(ScenarioYaml.renderProfile(p));
        out.flush();
        return PktsimMain.EXIT_OK;
    }

    private static List<String> names() {
        final List<String> all = new ArrayList<>(Preset.labels());
        for (final String b : ProfileLoader.BUILT_IN) {
            if (!all.contains(b)) {
                all.add(b);
            }
        }
        return all;
    }
}
