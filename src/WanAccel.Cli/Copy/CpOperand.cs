using System.Text.RegularExpressions;

namespace WanAccel.Cli.Copy;

/// <summary>
/// One scp-style operand: <c>path</c> (local), <c>peer:path</c> (a configured peer of the local appliance) or
/// <c>host:port:path</c> / <c>[v6]:port:path</c> (a peer by its endpoint). As in scp, a colon after the first slash
/// belongs to a local path (<c>./a:b</c>, <c>/x/y:z</c>).
/// </summary>
internal sealed partial record CpOperand(string? Peer, string Path)
{
    public bool IsRemote => Peer is not null;

    public override string ToString() => Peer is null ? Path : $"{Peer}:{Path}";

    public static CpOperand Parse(string text)
    {
        var endpoint = EndpointForm().Match(text);
        if (endpoint.Success)
        {
            return new CpOperand(endpoint.Groups["peer"].Value, Remote(endpoint.Groups["path"].Value));
        }

        var named = NamedForm().Match(text);
        return named.Success ? new CpOperand(named.Groups["peer"].Value, Remote(named.Groups["path"].Value)) : new CpOperand(null, text);
    }

    /// <summary>Remote paths are rooted at the exports: <c>dc:images/x</c> means <c>/images/x</c>.</summary>
    private static string Remote(string path) => path.StartsWith('/') ? path : "/" + path;

    [GeneratedRegex(@"^(?<peer>(\[[0-9A-Fa-f:.]+\]|[^/:\[\]]+):[0-9]{1,5}):(?<path>.*)$")]
    private static partial Regex EndpointForm();

    [GeneratedRegex(@"^(?<peer>[^/:\[\]]+):(?<path>.*)$")]
    private static partial Regex NamedForm();
}
