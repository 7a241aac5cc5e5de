using Microsoft.Extensions.Logging.Abstractions;
using WanAccel.Appliance.FileTransfer;
using WanAccel.Appliance.WanEmulation;
using WanAccel.Cli.Commands;
using WanAccel.Cli.Wan;

namespace WanAccel.Cli.Tests.Copy;

/// <summary><c>wanaccel cp</c> against a real pair (the bench's testbed, core exporting <c>/bench</c>): recursive push and pull, exit codes.</summary>
public sealed class CpCommandTests : IAsyncLifetime
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("wanaccel-cpcmd-");
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private WanTestbed? _bed;

    private string Export => Path.Combine(_root.FullName, "export");

    private string Local => Path.Combine(_root.FullName, "local");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Export);
        Directory.CreateDirectory(Local);
        var origin = Path.Combine(_root.FullName, "origin.bin");
        await File.WriteAllBytesAsync(origin, new byte[1024]);
        var link = new WanEmulatorOptions { RateBitsPerSecond = 1_000_000_000, Rtt = TimeSpan.FromMilliseconds(2) };
        _bed = await WanTestbed.StartAsync(origin, WanProtocol.Tcp, link, "lz4", _root.FullName, NullLoggerFactory.Instance, _timeout.Token, Export);
    }

    public async Task DisposeAsync()
    {
        await _bed!.DisposeAsync();
        _timeout.Dispose();
        _root.Delete(recursive: true);
    }

    [Fact]
    public async Task Cp_DirectoryPushedAndPulledRecursively_ArrivesIdentical_WithTimes()
    {
        var tree = Path.Combine(Local, "tree");
        Directory.CreateDirectory(Path.Combine(tree, "sub", "deeper"));
        var random = new Random(3);
        foreach (var (name, size) in new[] { ("a.bin", 300_000), ("sub/b.txt", 10), ("sub/deeper/c.img", 2_000_000), ("empty", 0) })
        {
            var data = new byte[size];
            random.NextBytes(data);
            await File.WriteAllBytesAsync(Path.Combine(tree, name), data, _timeout.Token);
            File.SetLastWriteTimeUtc(Path.Combine(tree, name), new DateTime(2021, 5, 6, 7, 8, 9, DateTimeKind.Utc));
        }

        // With live progress (Spectre) and the report lines, as on a terminal.
        var push = await CpCommand.RunAsync([tree, "core:/bench/"], _bed!.FileTransfer!, new TransferOptions { Preserve = true }, recursive: true, quiet: false, json: false, _timeout.Token);
        Assert.Equal(0, push);
        AssertSameTree(tree, Path.Combine(Export, "tree"));

        var back = Path.Combine(Local, "back");
        Directory.CreateDirectory(back);
        var pull = await CpCommand.RunAsync(["core:/bench/tree", back], _bed.FileTransfer!, new TransferOptions { Preserve = true }, recursive: true, quiet: true, json: false, _timeout.Token);
        Assert.Equal(0, pull);
        AssertSameTree(tree, Path.Combine(back, "tree"));
        Assert.Equal(new DateTime(2021, 5, 6, 7, 8, 9, DateTimeKind.Utc), File.GetLastWriteTimeUtc(Path.Combine(back, "tree", "sub", "deeper", "c.img")));
    }

    [Fact]
    public async Task Cp_FailuresExitOne_AndTheOtherFilesStillArrive()
    {
        var good = Path.Combine(Local, "good.bin");
        await File.WriteAllBytesAsync(good, [1, 2, 3], _timeout.Token);
        var missing = Path.Combine(Local, "missing.bin");

        Assert.Equal(1, await CpCommand.RunAsync([good, "core:/nowhere/"], _bed!.FileTransfer!, new TransferOptions(), false, true, false, _timeout.Token));
        Assert.Equal(1, await CpCommand.RunAsync([good, "ghost:/bench/"], _bed.FileTransfer!, new TransferOptions(), false, true, false, _timeout.Token));
        Assert.Equal(1, await CpCommand.RunAsync([Local, "core:/bench/"], _bed.FileTransfer!, new TransferOptions(), false, true, false, _timeout.Token)); // a directory without -r
        Assert.Equal(1, await CpCommand.RunAsync(["core:/bench/none", Local], _bed.FileTransfer!, new TransferOptions(), false, true, false, _timeout.Token));
        Assert.Equal(1, await CpCommand.RunAsync([good, missing], _bed.FileTransfer!, new TransferOptions(), false, true, false, _timeout.Token)); // no remote side
        Assert.Equal(1, await CpCommand.RunAsync([missing, good, "core:/bench/"], _bed.FileTransfer!, new TransferOptions(), false, true, false, _timeout.Token));
        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(Path.Combine(Export, "good.bin"), _timeout.Token));
        Assert.Equal(0, await CpCommand.RunAsync([good, "core:/bench/renamed.bin"], _bed.FileTransfer!, new TransferOptions(), false, true, false, _timeout.Token));
        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(Path.Combine(Export, "renamed.bin"), _timeout.Token));
    }

    [Fact]
    public async Task Cp_PipelinedSmallFiles_OneFailsInTheMiddle_TheOthersStillArrive()
    {
        var tree = Path.Combine(Local, "many");
        Directory.CreateDirectory(Path.Combine(tree, "f20-sub"));
        var names = Enumerable.Range(0, 40).Select(i => $"f{i:D2}.txt").Append("f20-sub/blocked.txt").ToList();
        foreach (var name in names)
        {
            await File.WriteAllTextAsync(Path.Combine(tree, name), $"content of {name}", _timeout.Token);
        }

        // A file where the far side needs a directory: that one push fails, after some were sent behind it.
        Directory.CreateDirectory(Path.Combine(Export, "many"));
        await File.WriteAllTextAsync(Path.Combine(Export, "many", "f20-sub"), "in the way", _timeout.Token);

        var exit = await CpCommand.RunAsync([tree, "core:/bench/"], _bed!.FileTransfer!, new TransferOptions(), recursive: true, quiet: true, json: false, _timeout.Token);

        Assert.Equal(1, exit);
        foreach (var name in names.Where(n => !n.StartsWith("f20-sub/", StringComparison.Ordinal)))
        {
            Assert.Equal($"content of {name}", await File.ReadAllTextAsync(Path.Combine(Export, "many", name), _timeout.Token));
        }

        Assert.Equal("in the way", await File.ReadAllTextAsync(Path.Combine(Export, "many", "f20-sub"), _timeout.Token));
    }

    [Fact]
    public async Task Cp_CommandLine_JsonSummary_HasTheFiguresOfEachFile()
    {
        var source = Path.Combine(Local, "disk.img");
        Cli.Bench.SampleImage.Generate(source, 4L << 20);
        var output = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(output);
        int exit;
        try
        {
            var root = new System.CommandLine.RootCommand { CpCommand.Create() };
            exit = await root.Parse(["cp", "-p", "--json", "--policy", "skip-guest-free", "--appliance", _bed!.FileTransfer!.ToString(), source, "core:bench/"]).InvokeAsync(cancellationToken: _timeout.Token);
        }
        finally
        {
            Console.SetOut(previous);
        }

        Assert.Equal(0, exit);
        using var json = System.Text.Json.JsonDocument.Parse(output.ToString());
        var file = Assert.Single(json.RootElement.GetProperty("files").EnumerateArray());
        Assert.Equal(4L << 20, file.GetProperty("length").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(source))), file.GetProperty("sha256").GetString());
        Assert.True(file.GetProperty("wanBytes").GetInt64() > 0);
        Assert.True(file.GetProperty("diskBytesRead").GetInt64() <= 4L << 20);
        Assert.True(json.RootElement.GetProperty("ok").GetBoolean());
        Assert.Empty(json.RootElement.GetProperty("errors").EnumerateArray());
        Assert.Equal( // -p keeps times to the millisecond
            new DateTimeOffset(File.GetLastWriteTimeUtc(source)).ToUnixTimeMilliseconds(),
            new DateTimeOffset(File.GetLastWriteTimeUtc(Path.Combine(Export, "disk.img"))).ToUnixTimeMilliseconds());
    }

    private static void AssertSameTree(string expected, string actual)
    {
        var files = Directory.EnumerateFiles(expected, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(expected, f)).Order().ToList();
        Assert.Equal(files, Directory.EnumerateFiles(actual, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(actual, f)).Order().ToList());
        foreach (var file in files)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(expected, file)), File.ReadAllBytes(Path.Combine(actual, file)));
        }
    }
}
