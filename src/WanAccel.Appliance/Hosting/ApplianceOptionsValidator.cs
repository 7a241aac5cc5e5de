using System.Net;
using Microsoft.Extensions.Options;
using WanAccel.Appliance.FileTransfer;
using WanAccel.Appliance.Http;
using WanAccel.Appliance.Interception;
using WanAccel.Appliance.PeerLink;

namespace WanAccel.Appliance.Hosting;

/// <summary>Checks a whole appliance configuration and reports every error at once.</summary>
public sealed class ApplianceOptionsValidator : IValidateOptions<ApplianceOptions>
{
    public ValidateOptionsResult Validate(string? name, ApplianceOptions options)
    {
        var errors = Collect(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static IReadOnlyList<string> Collect(ApplianceOptions options)
    {
        var errors = new List<string>();
        errors.AddRange(options.Store.Validate().Select(e => "Store: " + e));
        errors.AddRange(options.PeerLink.Validate().Select(e => "PeerLink: " + e));
        errors.AddRange(options.Flow.Validate());
        errors.AddRange(options.Nfs.Validate());
        if (options.PeerLink.Listen is null)
        {
            errors.AddRange(options.PeerLink.Peers
                .Where(p => p is not null && p.Endpoint is null)
                .Select(p => $"PeerLink: peer '{p.Name}' has no Endpoint and PeerLink.Listen is empty, so it could never connect."));
        }

        ValidateRules(options, errors);
        errors.AddRange(HttpProxyOptionsValidator.Validate(options.Http, [.. options.PeerLink.Peers.Where(p => p is not null).Select(p => p.Name)]));
        ValidateOutbound(options.Outbound, errors);
        ValidateExports(options.Exports, errors);
        if (!string.IsNullOrWhiteSpace(options.FileTransfer.Listen) && !IPEndPoint.TryParse(options.FileTransfer.Listen, out _))
        {
            errors.Add($"FileTransfer.Listen must be an IP address and port such as 127.0.0.1:7471 (is '{options.FileTransfer.Listen}').");
        }
        if (!string.IsNullOrWhiteSpace(options.Metrics.Listen) && !IPEndPoint.TryParse(options.Metrics.Listen, out _))
        {
            errors.Add($"Metrics.Listen must be an IP address and port such as 127.0.0.1:9464 (is '{options.Metrics.Listen}').");
        }

        if (options.ShutdownTimeout < TimeSpan.Zero)
        {
            errors.Add($"ShutdownTimeout must not be negative (is {options.ShutdownTimeout}).");
        }

        return errors;
    }

    private static void ValidateRules(ApplianceOptions options, List<string> errors)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var listens = new HashSet<string>();
        var peers = options.PeerLink.Peers.Where(p => p is not null).Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Rules.Count; i++)
        {
            var rule = options.Rules[i];
            var label = string.IsNullOrWhiteSpace(rule?.Name) ? $"Rules[{i}]" : $"Rule '{rule.Name}'";
            if (rule is null)
            {
                errors.Add($"{label} is null.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(rule.Name))
            {
                errors.Add($"{label}: Name is required.");
            }
            else if (!names.Add(rule.Name))
            {
                errors.Add($"{label}: Name is used by more than one rule.");
            }

            if (!IPEndPoint.TryParse(rule.Listen, out var listen))
            {
                errors.Add($"{label}: Listen must be an IP address and port such as 127.0.0.1:14445 (is '{rule.Listen}').");
            }
            else if (listen.Port != 0 && !listens.Add(listen.ToString()))
            {
                errors.Add($"{label}: Listen {listen} is used by another rule.");
            }

            if (rule.Peer is null ? peers.Count != 1 : !peers.Contains(rule.Peer))
            {
                errors.Add(rule.Peer is null
                    ? $"{label}: Peer is required when {peers.Count} peers are configured."
                    : $"{label}: Peer '{rule.Peer}' is not configured under PeerLink.Peers.");
            }

            switch (rule.Mode)
            {
                case InterceptionMode.Forward when rule.Destination is null || !PeerEndpoint.TryParse(rule.Destination, out _, out _):
                    errors.Add($"{label}: Destination must be host:port in Forward mode (is '{rule.Destination}').");
                    break;
                case InterceptionMode.Transparent when rule.Destination is not null:
                    errors.Add($"{label}: Destination must be empty in Transparent mode (the original destination is used).");
                    break;
                case InterceptionMode.Transparent when !OperatingSystem.IsLinux():
                    errors.Add($"{label}: Transparent mode needs Linux (SO_ORIGINAL_DST).");
                    break;
                case InterceptionMode.Forward or InterceptionMode.Transparent:
                    break;
                default:
                    errors.Add($"{label}: Mode {(int)rule.Mode} is not defined (Forward or Transparent).");
                    break;
            }

            if (string.IsNullOrWhiteSpace(rule.Protocol) || rule.Protocol.Length > 32)
            {
                errors.Add($"{label}: Protocol must be a short label such as tcp, smb, nfs or http.");
            }
        }
    }

    private static void ValidateOutbound(OutboundOptions outbound, List<string> errors)
    {
        if (outbound.SocketMark < 0)
        {
            errors.Add($"Outbound.SocketMark must be 0 (none) or a positive mark (is {outbound.SocketMark}).");
        }

        if (outbound.ConnectTimeout <= TimeSpan.Zero)
        {
            errors.Add($"Outbound.ConnectTimeout must be positive (is {outbound.ConnectTimeout}).");
        }

        foreach (var cidr in outbound.AllowedDestinations)
        {
            if (!IPNetwork.TryParse(cidr, out _))
            {
                errors.Add($"Outbound.AllowedDestinations: '{cidr}' is not a network such as 10.0.0.0/8.");
            }
        }
    }

    private static void ValidateExports(IReadOnlyList<ExportOptions> exports, List<string> errors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < exports.Count; i++)
        {
            var export = exports[i];
            var label = string.IsNullOrWhiteSpace(export?.Name) ? $"Exports[{i}]" : $"Export '{export.Name}'";
            if (export is null)
            {
                errors.Add($"{label} is null.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(export.Name))
            {
                errors.Add($"{label}: Name is required.");
            }
            else if (export.Name is "." or ".." || export.Name.Contains('/', StringComparison.Ordinal) || export.Name.Contains('\\', StringComparison.Ordinal))
            {
                errors.Add($"{label}: Name must be one path component (no '/', not '.' or '..').");
            }
            else if (!names.Add(export.Name))
            {
                errors.Add($"{label}: Name is used by more than one export.");
            }

            if (string.IsNullOrWhiteSpace(export.Path) || !System.IO.Path.IsPathFullyQualified(export.Path))
            {
                errors.Add($"{label}: Path must be an absolute directory path (is '{export.Path}').");
            }

            if (export.Access is not (ExportAccess.Read or ExportAccess.Write or ExportAccess.ReadWrite))
            {
                errors.Add($"{label}: Access {(int)export.Access} is not defined (Read, Write or ReadWrite).");
            }
        }
    }
}
