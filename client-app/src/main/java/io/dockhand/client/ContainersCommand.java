package io.dockhand.client;

import java.util.concurrent.Callable;

import io.dockhand.client.http.FailoverClient;
import io.dockhand.client.http.ServerApi;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code containers}: the inventory, the latest record of each container, newest first. */
@Command(name = "containers", mixinStandardHelpOptions = true, versionProvider = ClientCommand.Version.class,
         description = {"Shows the inventory: the latest record of each container, newest first."})
final class ContainersCommand implements Callable<Integer> {
    @ParentCommand
    ClientCommand client;

    @Mixin
    ClientOptions options;

    @Mixin
    Listing listing;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        Settings settings = client.settings(options);
        try (FailoverClient http = client.server(settings)) {
            listing.show(spec.commandLine(), new ServerApi(http)::containers, settings, client.colors(settings));
            return ExitCodes.OK;
        }
    }
}
