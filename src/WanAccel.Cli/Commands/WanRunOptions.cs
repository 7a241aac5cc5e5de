using System.CommandLine;
using WanAccel.Appliance.WanEmulation;

namespace WanAccel.Cli.Commands;

/// <summary>The link and run options <c>demo</c> and <c>bench wan</c> share.</summary>
internal sealed class WanRunOptions
{
    public Option<string> Rate { get; } = new("--rate") { Description = "Emulated WAN rate per direction (10mbit, 100mbit, 1gbit)", DefaultValueFactory = _ => "10mbit" };

    public Option<string> Rtt { get; } = new("--rtt") { Description = "Emulated round-trip time (140ms, 20ms)", DefaultValueFactory = _ => "140ms" };

    public Option<string?> Window { get; } = new("--window") { Description = "In-flight limit of the native copy's TCP connection, like a legacy stack (64k); WanAccel's own link is not limited" };

    public Option<string> Loss { get; } = new("--loss") { Description = "Segment loss probability on the emulated link (0.001 or 0.1%)", DefaultValueFactory = _ => "0" };

    public Option<string> Codec { get; } = new("--codec") { Description = "Codec of both appliances: adaptive, lz4, zstd:N, none", DefaultValueFactory = _ => "adaptive" };

    public Option<string> Native { get; } = new("--native") { Description = "measure: copy without WanAccel over the emulated link; compute: size ÷ rate + one RTT", DefaultValueFactory = _ => "measure" };

    public Option<bool> Json { get; } = new("--json") { Description = "Print one JSON object (no progress bars)" };

    public Option<DirectoryInfo?> WorkDir { get; } = new("--work-dir") { Description = "Where the two appliances keep their chunk stores for the run (default: a temporary directory)" };

    public Option<bool> Verbose { get; } = new("--verbose") { Description = "Show the appliances' log" };

    public void AddTo(Command command)
    {
        foreach (var option in (ReadOnlySpan<Option>)[Rate, Rtt, Window, Loss, Codec, Native, Json, WorkDir, Verbose])
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The emulated link, or every error in the options.</summary>
    public (WanEmulatorOptions? Link, List<string> Errors) Parse(ParseResult parse)
    {
        var (link, errors) = new WanEmulatorSettings
        {
            Target = "127.0.0.1:9", // replaced by the testbed
            Rate = parse.GetValue(Rate)!,
            Rtt = parse.GetValue(Rtt)!,
            Window = parse.GetValue(Window),
            Loss = parse.GetValue(Loss)!,
        }.ToOptions();
        var list = errors.ToList();
        if (parse.GetValue(Native) is not ("measure" or "compute"))
        {
            list.Add($"native: must be measure or compute, got '{parse.GetValue(Native)}'");
        }

        var codec = parse.GetValue(Codec)!;
        if (new Appliance.Hosting.FlowSettings { Codec = codec }.Validate().FirstOrDefault() is { } codecError)
        {
            list.Add(codecError);
        }

        return (list.Count == 0 ? link : null, list);
    }
}
