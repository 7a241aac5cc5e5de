using WanAccel.Appliance.Tests.Hosting;
using WanAccel.Cli.Peers;

namespace WanAccel.Appliance.Tests.Interception;

/// <summary>appliance/nftables/wanaccel-intercept.sh: argument checks, the checked-in ruleset, install/remove in a namespace.</summary>
public sealed class InterceptScriptTests
{
    private static readonly string Script = RepositoryFiles.Path("appliance", "nftables", "wanaccel-intercept.sh");
    private static readonly string[] Valid = ["--redirect-port", "7400", "--ports", "445,2049,873,80", "--cidrs", "10.0.0.0/8,fd00::/8"];

    [NeedsFact(Requirement.Linux)]
    public void CheckedInRuleset_IsTheScriptsOutputForTheOptionsItNames()
    {
        var ruleset = File.ReadAllText(RepositoryFiles.Path("appliance", "nftables", "wanaccel-intercept.nft"));
        var options = ruleset.Split('\n').Single(l => l.StartsWith("#   wanaccel-intercept.sh print ", StringComparison.Ordinal))["#   wanaccel-intercept.sh print ".Length..];

        var (code, output, error) = Bash(["print", .. options.Split(' ')]);

        Assert.True(code == 0, error);
        Assert.Equal(ruleset, output);
    }

    [NeedsFact(Requirement.Linux)]
    public void Print_DocumentedExample_RedirectsBothFamiliesAndSkipsMarkAndPeerLink()
    {
        var (code, output, error) = Bash(["print", .. Valid, "--exclude-port", "7443", "--mark", "16", "--local"]);

        Assert.True(code == 0, error);
        Assert.Contains("elements = { 80, 445, 873, 2049 }", output, StringComparison.Ordinal);
        Assert.Contains("elements = { 10.0.0.0/8 }", output, StringComparison.Ordinal);
        Assert.Contains("elements = { fd00::/8 }", output, StringComparison.Ordinal);
        Assert.Contains("meta mark 0x10 counter return", output, StringComparison.Ordinal);
        Assert.Contains("tcp dport { 7443 } counter return", output, StringComparison.Ordinal);
        Assert.Contains("tcp sport { 7443 } counter return", output, StringComparison.Ordinal);
        Assert.Contains("ip daddr @cidrs4 tcp dport @ports counter redirect to :7400", output, StringComparison.Ordinal);
        Assert.Contains("ip6 daddr @cidrs6 tcp dport @ports counter redirect to :7400", output, StringComparison.Ordinal);
        Assert.Contains("type nat hook prerouting", output, StringComparison.Ordinal);
        Assert.Contains("type nat hook output", output, StringComparison.Ordinal);
    }

    [NeedsFact(Requirement.Linux)]
    public void Print_WithoutLocal_HasNoOutputChain()
    {
        var (code, output, error) = Bash(["print", .. Valid]);

        Assert.True(code == 0, error);
        Assert.Contains("type nat hook prerouting", output, StringComparison.Ordinal);
        Assert.DoesNotContain("hook output", output, StringComparison.Ordinal);
    }

    [NeedsTheory(Requirement.Linux)]
    [InlineData("--ports 80 --cidrs 10.0.0.0/8", "--redirect-port is required")]
    [InlineData("--redirect-port 7400 --cidrs 10.0.0.0/8", "--ports is required")]
    [InlineData("--redirect-port 7400 --ports 80", "--cidrs is required")]
    [InlineData("--redirect-port 0 --ports 80 --cidrs 10.0.0.0/8", "--redirect-port: '0' is not a TCP port")]
    [InlineData("--redirect-port 7400 --ports 80,65536 --cidrs 10.0.0.0/8", "--ports: '65536' is not a TCP port")]
    [InlineData("--redirect-port 7400 --ports 80,,81 --cidrs 10.0.0.0/8", "--ports: '' is not a TCP port")]
    [InlineData("--redirect-port 7400 --ports http --cidrs 10.0.0.0/8", "--ports: 'http' is not a TCP port")]
    [InlineData("--redirect-port 7400 --ports 80 --cidrs 10.0.0.1/8", "--cidrs: '10.0.0.1/8' is not")]
    [InlineData("--redirect-port 7400 --ports 80 --cidrs 256.0.0.0/8", "--cidrs: '256.0.0.0/8' is not")]
    [InlineData("--redirect-port 7400 --ports 80 --cidrs 10.0.0.0/33", "--cidrs: '10.0.0.0/33' is not")]
    [InlineData("--redirect-port 7400 --ports 80 --cidrs fd00::/129", "--cidrs: 'fd00::/129' is not")]
    [InlineData("--redirect-port 7400 --ports 80 --cidrs example.com", "--cidrs: 'example.com' is not")]
    [InlineData("--redirect-port 7400 --ports 80 --cidrs 10.0.0.0/8 --mark 0", "--mark: '0' must be between")]
    [InlineData("--redirect-port 7400 --ports 80 --cidrs 10.0.0.0/8 --mark 0x100000000", "--mark: '0x100000000' is not a number")]
    [InlineData("--redirect-port 7400 --ports 80 --cidrs 10.0.0.0/8 --exclude-port 7400", "--exclude-port: 7400 is the redirect port")]
    [InlineData("--redirect-port 7400 --ports 80 --cidrs 10.0.0.0/8 --to 1", "unknown option '--to'")]
    [InlineData("--redirect-port 7400 --ports 80 --cidrs", "--cidrs needs a value")]
    public void Print_InvalidArguments_ExitsTwoSayingWhy(string arguments, string reason)
    {
        var (code, output, error) = Bash(["print", .. arguments.Split(' ')]);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [NeedsFact(Requirement.Linux)]
    public void UnknownCommand_ExitsTwo()
    {
        Assert.Equal(2, Bash(["flush"]).Code);
        Assert.Equal(2, Bash([]).Code);
    }

    [NeedsFact(Requirement.Namespaces)]
    public void InstallTwice_ThenRemoveTwice_IsIdempotent()
    {
        using var ns = new NetworkNamespace("script");

        Assert.Contains("not installed", ns.Run("bash", Script, "show"), StringComparison.Ordinal);
        Assert.Contains("new table inet wanaccel", ns.Run(["bash", Script, "install", .. Valid, "--local"]), StringComparison.Ordinal);
        Assert.Contains("replaced table inet wanaccel", ns.Run(["bash", Script, "install", .. Valid, "--exclude-port", "7443"]), StringComparison.Ordinal);

        var tables = ns.Run("nft", "list", "tables");
        Assert.Single(tables.Split('\n'), l => l == "table inet wanaccel");
        var shown = ns.Run("bash", Script, "show");
        Assert.Contains("tcp dport 7443 counter", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("hook output", shown, StringComparison.Ordinal); // the second install replaced the first

        Assert.Contains("removed table inet wanaccel", ns.Run("bash", Script, "remove"), StringComparison.Ordinal);
        Assert.Contains("nothing to remove", ns.Run("bash", Script, "remove"), StringComparison.Ordinal);
        Assert.DoesNotContain("wanaccel", ns.Run("nft", "list", "tables"), StringComparison.Ordinal);
    }

    [NeedsFact(Requirement.Namespaces)]
    public void CheckedInRuleset_LoadsTwice()
    {
        using var ns = new NetworkNamespace("nft");
        var file = RepositoryFiles.Path("appliance", "nftables", "wanaccel-intercept.nft");

        ns.Run("nft", "-f", file);
        ns.Run("nft", "-f", file);

        Assert.Single(ns.Run("nft", "list", "tables").Split('\n'), l => l == "table inet wanaccel");
        Assert.Contains("chain output", ns.Run("nft", "list", "table", "inet", "wanaccel"), StringComparison.Ordinal);
    }

    private static (int Code, string Output, string Error) Bash(string[] args) => ExternalProgram.Execute("bash", [Script, .. args]);
}
