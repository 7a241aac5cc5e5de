using WanAccel.Core.Storage;

namespace WanAccel.Core.Tests.Storage;

/// <summary>A temporary store directory, deleted with the test.</summary>
internal sealed class StoreDirectory : IDisposable
{
    public StoreDirectory()
    {
        Path = Directory.CreateTempSubdirectory("wanaccel-store-").FullName;
    }

    public string Path { get; }

    public ChunkStoreOptions Options(long capacityBytes = 64L << 20, long segmentBytes = 4L << 20) =>
        new() { Path = Path, CapacityBytes = capacityBytes, SegmentBytes = segmentBytes };

    public string[] DataFiles() => [.. Directory.GetFiles(Path, "seg-*.log").Order()];

    public void CopyTo(string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (string file in Directory.GetFiles(Path))
        {
            File.Copy(file, System.IO.Path.Combine(destination, System.IO.Path.GetFileName(file)), overwrite: true);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
