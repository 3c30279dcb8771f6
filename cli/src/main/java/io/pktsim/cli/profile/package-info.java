/**
 * Device profiles as data: the built-in YAML profiles ({@code mt7621}, {@code mt7620}, {@code x86}) and their
 * strict loader into {@link io.pktsim.stack.profile.DeviceProfile}. Models no kernel mechanism itself; the
 * profiles carry Linux 6.18 defaults and the drivers' constants (router-facts.md sections 3 to 5, 12, 13).
 * Simplification: one driver and one cost table per profile.
 */
package io.pktsim.cli.profile;
