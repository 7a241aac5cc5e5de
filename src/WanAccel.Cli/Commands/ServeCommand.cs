using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WanAccel.Appliance.Hosting;
using WanAccel.Appliance.Identity;

namespace WanAccel.Cli.Commands;

/// <summary>
/// <c>wanaccel serve --config FILE</c>: run one appliance under the generic host. Configuration layers, later wins:
/// the JSON file, <c>WANACCEL__Section__Key</c> environment variables, <c>--Section:Key=value</c> arguments.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "Appliance configuration (JSON; see config/edge.json, config/core.json and config/wanaccel.schema.json)", Required = true };
        var overrides = new Argument<string[]>("overrides") { Description = "Configuration overrides such as --Store:Path=/data/store", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("serve", "Run an appliance: peer link, interception rules, chunk store, /metrics and /healthz")
        {
            config, overrides,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellationToken) =>
        {
            var file = parse.GetValue(config)!;
            if (!file.Exists)
            {
                await Console.Error.WriteLineAsync($"wanaccel: configuration file {file.FullName} does not exist").ConfigureAwait(false);
                return 2;
            }

            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Configuration
                .AddJsonFile(file.FullName, optional: false, reloadOnChange: false)
                .AddEnvironmentVariables("WANACCEL__")
                .AddCommandLine([.. parse.GetValue(overrides) ?? [], .. parse.UnmatchedTokens]);
            builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
            builder.Services.AddSystemd();
            builder.Services.AddWanAccelAppliance(builder.Configuration);
            try
            {
                using var host = builder.Build();
                await host.RunAsync(cancellationToken).ConfigureAwait(false);
                return 0;
            }
            catch (OptionsValidationException e)
            {
                await Console.Error.WriteLineAsync($"wanaccel: invalid configuration in {file.FullName}:").ConfigureAwait(false);
                foreach (var failure in e.Failures)
                {
                    await Console.Error.WriteLineAsync($"  - {failure}").ConfigureAwait(false);
                }

                return 2;
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or InvalidDataException && e.Source?.StartsWith("Microsoft.Extensions.Configuration", StringComparison.Ordinal) == true)
            {
                await Console.Error.WriteLineAsync($"wanaccel: invalid configuration in {file.FullName}: {e.Message}").ConfigureAwait(false);
                return 2;
            }
            catch (PeerIdentityException e)
            {
                await Console.Error.WriteLineAsync($"wanaccel: {e.Message}").ConfigureAwait(false);
                return 1;
            }
            catch (IOException e)
            {
                await Console.Error.WriteLineAsync($"wanaccel: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }
}
