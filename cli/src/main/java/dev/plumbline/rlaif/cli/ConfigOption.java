// The --config option every subcommand mixes in, so a config file is accepted and documented everywhere.
package dev.plumbline.rlaif.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Mixin: {@code --config FILE}. The file is read by {@link ConfigFile} before parsing. */
public final class ConfigOption {
    @Option(names = "--config", paramLabel = "FILE",
            description = "JSON object of option values for this subcommand, keyed by long option name without "
                    + "dashes (e.g. {\"position-bias\": 0.3}). Flags on the command line win over the file. "
                    + "Unknown keys, wrong types and out-of-range values are all reported before any work starts.")
    Path config;
}
