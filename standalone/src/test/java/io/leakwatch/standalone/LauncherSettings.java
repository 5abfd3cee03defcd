package io.leakwatch.standalone;

import io.leakwatch.queryapi.ApiTokens;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The environment variables a subcommand of {@code leakwatch} reads, derived from its picocli options the
 * way {@link LayeredDefaults} derives them ({@code --foo-bar} is {@code LEAKWATCH_FOO_BAR}), plus
 * {@code LEAKWATCH_CONFIG} and the API tokens. For tests outside this package (the deployment files' checks).
 */
public final class LauncherSettings {
    private LauncherSettings() {
    }

    /** The subcommands of {@code leakwatch}, e.g. {@code ingest}, {@code query-api}. */
    public static Set<String> subcommands() {
        return new TreeSet<>(new CommandLine(new LeakWatchCli()).getSubcommands().keySet());
    }

    /** Every {@code LEAKWATCH_*} variable {@code leakwatch <subcommand>} reads; help options excluded. */
    public static Set<String> environmentKeys(String subcommand) {
        CommandLine command = new CommandLine(new LeakWatchCli()).getSubcommands().get(subcommand);
        if (command == null) {
            throw new IllegalArgumentException("no subcommand " + subcommand + "; known: " + subcommands());
        }
        Set<String> keys = new TreeSet<>();
        for (OptionSpec option : command.getCommandSpec().options()) {
            if (!option.usageHelp() && !option.versionHelp()) {
                keys.add(LayeredDefaults.envName(option.longestName().replaceFirst("^--", "")));
            }
        }
        if (subcommand.equals("query-api") || subcommand.equals("standalone") || subcommand.equals("demo")) {
            // Secrets the query API reads from the environment only, never from flags.
            keys.add(ApiTokens.READ_ENV);
            keys.add(ApiTokens.ADMIN_ENV);
        }
        return keys;
    }
}
