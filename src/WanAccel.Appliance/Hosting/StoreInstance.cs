namespace WanAccel.Appliance.Hosting;

/// <summary>
/// The random id of a chunk store, kept in <c>appliance.id</c> inside the store directory: it survives restarts and
/// changes when the store is wiped, which is what peers need to know (see the peer-link hello).
/// </summary>
internal static class StoreInstance
{
    public const string FileName = "appliance.id";

    public static Guid LoadOrCreate(string storeDirectory)
    {
        var path = Path.Combine(storeDirectory, FileName);
        if (File.Exists(path) && Guid.TryParse(File.ReadAllText(path).Trim(), out var existing) && existing != Guid.Empty)
        {
            return existing;
        }

        var created = Guid.NewGuid();
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, created.ToString("D") + "\n");
        File.Move(temporary, path, overwrite: true);
        return created;
    }
}
